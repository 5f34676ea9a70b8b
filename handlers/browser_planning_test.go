//go:build browser

package handlers_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestBrowserGanttDragMovesSuccessor drags a bar of the Gantt one week
// later under the production CSP and sees its successor move (pushed
// over the page's SSE stream), then still moved after a reload.
func TestBrowserGanttDragMovesSuccessor(t *testing.T) {
	// (also saves a baseline first and sees the slip appear live)
	b := newBrowserEnv(t)
	app := b.tt.App()
	site := b.tt.Record("sites", map[string]any{"code": "GNT-1", "name": "Gantt", "sector": "btp", "status": "active", "start": "2026-03-02 00:00:00.000Z"})
	task := func(title string, dur int) string {
		return b.tt.Record("tasks", map[string]any{"site": site.Id, "title": title, "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": dur, "status": "planned"}).Id
	}
	a, s := task("Terrassement", 3), task("Fondations", 2)
	b.tt.Record("task_links", map[string]any{"from": a, "to": s, "type": "FS", "lag_days": 0})

	ctx, problems := b.tab(t)
	b.login(t, ctx, b.tt.Admin, tenanttest.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/sites/"+site.Id+"/gantt"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="bar-`+a+`"]`))); err != nil {
		t.Fatal(err)
	}
	successor := `document.querySelector('[data-testid="bar-` + s + `"]').dataset.start`
	poll(t, ctx, "successor after A", successor+` === "2026-03-05"`)
	// freeze the plan as a baseline: the page comes back compared with it
	if err := chromedp.Do(ctx, chromedp.SendKeys("#f-name", "Planning initial"), chromedp.Click(`[data-testid="baseline-save"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="base-`+s+`"]`))); err != nil {
		t.Fatal(err)
	}
	slip := `document.querySelector('[data-testid="slip-` + s + `"]').textContent`
	poll(t, ctx, "on time against the baseline", slip+`.includes("à l'heure")`)
	deadline := time.Now().Add(10 * time.Second)
	for domain.LiveOf(app).Streams() < 2 { // the page's and the bell's
		if time.Now().After(deadline) {
			t.Fatal("the Gantt did not open its live stream")
		}
		time.Sleep(50 * time.Millisecond)
	}
	type box struct{ X, Y, W, Scale float64 }
	bb, err := chromedp.Run(ctx, chromedp.Evaluate[box](`(() => {
		const el = document.querySelector('[data-testid="bar-`+a+`"]');
		el.scrollIntoView({block: "center", inline: "start"});
		const r = el.getBoundingClientRect(), svg = el.closest("svg");
		return {X: r.left + 10, Y: r.top + r.height / 2, W: r.width, Scale: svg.getBoundingClientRect().width / Number(svg.getAttribute("width"))};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	week := 7 * 28 * bb.Scale // one week to the right: Monday 9 March
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, bb.X, bb.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 10; i++ {
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, bb.X+week*float64(i)/10, bb.Y, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(chromedp.MouseReleased, bb.X+week, bb.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "successor pushed over SSE", successor+` === "2026-03-12"`)
	poll(t, ctx, "slip against the baseline over SSE", slip+`.includes("+5 j ouvrés") && document.querySelector('[data-testid="baseline-summary"]').textContent.includes("+5 j ouvrés")`)
	// the frozen bars stay drawn at the baseline's dates, before the moved ones
	poll(t, ctx, "frozen bar before the moved one", `Number(document.querySelector('[data-testid="base-`+a+`"]').getAttribute("x")) < Number(document.querySelector('[data-testid="bar-`+a+`"]').getAttribute("x"))`)
	screenshot(t, ctx, "gantt-dragged")
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="bar-`+s+`"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "the move persists", successor+` === "2026-03-12" && document.querySelector('[data-testid="bar-`+a+`"]').dataset.start === "2026-03-09"`)
	poll(t, ctx, "the comparison persists", slip+`.includes("+5 j ouvrés") && document.querySelector('[data-testid="baseline-summary"]').textContent.includes("+5 j ouvrés")`)
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
