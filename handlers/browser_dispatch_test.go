//go:build browser

package handlers_test

import (
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants/tenanttest"
)

// TestBrowserDispatchDragAssigns drags an unassigned task of this week
// onto a person's day on the dispatch board, under the production CSP:
// the cell shows the conflict check while the card is over it, the card
// lands in the cell (pushed over the page's SSE stream), stays there
// after a reload, and the task is assigned in the database.
func TestBrowserDispatchDragAssigns(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	cal, loc, err := domain.TenantCalendar(app)
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := time.Now().In(loc).Date()
	monday := domain.WeekMonday(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	day := cal.NextWorkingDay(monday)
	if day.After(monday.AddDate(0, 0, 4)) {
		t.Skip("no working day this week")
	}
	site := b.tt.Record("sites", map[string]any{"code": "DSP-1", "name": "Dispatch", "sector": "btp", "status": "active", "start": day})
	task := b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Pose des regards", "planned_start": day, "duration_days": 1, "status": "planned"}).Id
	lucas, err := app.FindAuthRecordByEmail("users", "lucas.petit@demo.fieldops360.fr")
	if err != nil {
		t.Fatal(err)
	}
	cell := `[data-testid="cell-` + lucas.Id + `-` + day.Format(time.DateOnly) + `"]`
	card := `[data-testid="card-` + task + `"]`

	ctx, problems := b.tab(t)
	b.login(t, ctx, b.tt.Admin, tenanttest.Password)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/dispatch?week="+domain.ISOWeekText(monday)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="unassigned"] `+card))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for domain.BrokerOf(app).Subscribers() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the board did not open its live stream")
		}
		time.Sleep(50 * time.Millisecond)
	}
	type pt struct{ X, Y float64 }
	type pts struct{ From, To pt }
	// scroll the target cell into view, then measure both (the list of
	// unassigned tasks is sticky, so the card stays visible)
	ps, err := chromedp.Run(ctx, chromedp.Evaluate[pts](`(() => {
		const c = document.querySelector('`+cell+`');
		c.scrollIntoView({block: "center", inline: "center"});
		const at = (el) => { const r = el.getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + Math.min(r.height / 2, 20)}; };
		return {From: at(document.querySelector('`+card+`')), To: at(c)};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	from, to := ps.From, ps.To
	if from.Y < 0 || from.Y > 900 || to.Y < 0 || to.Y > 900 {
		t.Fatalf("card %v or cell %v out of the viewport", from, to)
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, from.X, from.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 12; i++ {
		f := float64(i) / 12
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, from.X+(to.X-from.X)*f, from.Y+(to.Y-from.Y)*f, chromedp.ButtonLeft))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "conflict check shown before the drop", `document.querySelector('`+cell+`').dataset.state === "ok"`)
	if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseReleased, to.X, to.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "card in Lucas's cell", `!!document.querySelector('`+cell+` `+card+`')`)
	screenshot(t, ctx, "dispatch-dropped")
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="dispatch-board"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "still there after a reload", `!!document.querySelector('`+cell+` `+card+`') && !document.querySelector('[data-testid="unassigned"] `+card+`')`)
	r, err := app.FindRecordById("tasks", task)
	if err != nil || !slices.Equal(r.GetStringSlice("assignees"), []string{lucas.Id}) {
		t.Errorf("task assignees in the database: %v (%v)", r.GetStringSlice("assignees"), err)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
