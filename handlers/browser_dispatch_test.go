//go:build browser

package handlers_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// dispatchFixture is a task of this week on the board, a cell of Lucas
// Petit (demo crew member) on its day, and a signed-in tab on the board
// with its live stream open.
type dispatchFixture struct {
	ctx              context.Context
	problems         func() []string
	task, cell, card string
	lucas            *core.Record
}

func openDispatchFixture(t *testing.T, b *browserEnv) dispatchFixture {
	t.Helper()
	app := b.tt.App()
	facts := domain.TenantFactsOf(app)
	cal := facts.Calendar()
	y, m, d := time.Now().In(facts.Location()).Date()
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
	f := dispatchFixture{task: task, lucas: lucas, cell: `[data-testid="cell-` + lucas.Id + `-` + day.Format(time.DateOnly) + `"]`, card: `[data-testid="card-` + task + `"]`}
	f.ctx, f.problems = b.tab(t)
	b.login(t, f.ctx, b.tt.Admin, tenanttest.Password)
	if err := chromedp.Do(f.ctx, chromedp.Navigate(b.base+"/dispatch?week="+domain.ISOWeekText(monday)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="unassigned"] `+f.card))); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for domain.LiveOf(app).Streams() < 2 { // the page's and the bell's
		if time.Now().After(deadline) {
			t.Fatal("the board did not open its live stream")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return f
}

// TestBrowserDispatchDragAssigns drags an unassigned task of this week
// onto a person's day on the dispatch board, under the production CSP:
// the cell shows the conflict check while the card is over it, the card
// lands in the cell (pushed over the page's SSE stream), stays there
// after a reload, and the task is assigned in the database.
func TestBrowserDispatchDragAssigns(t *testing.T) {
	b := newBrowserEnv(t)
	f := openDispatchFixture(t, b)
	from, to := f.points(t)
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, from.X, from.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for i := 1; i <= 12; i++ {
		k := float64(i) / 12
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, from.X+(to.X-from.X)*k, from.Y+(to.Y-from.Y)*k, chromedp.ButtonLeft))
	}
	if err := chromedp.Do(f.ctx, steps...); err != nil {
		t.Fatal(err)
	}
	poll(t, f.ctx, "conflict check shown before the drop", `document.querySelector('`+f.cell+`').dataset.state === "ok"`)
	if err := chromedp.Do(f.ctx, chromedp.MouseEvent(chromedp.MouseReleased, to.X, to.Y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
		t.Fatal(err)
	}
	poll(t, f.ctx, "card in Lucas's cell", `!!document.querySelector('`+f.cell+` `+f.card+`')`)
	screenshot(t, f.ctx, "dispatch-dropped")
	f.landed(t, b)
}

type point struct{ X, Y float64 }

// points scrolls the target cell into view, then measures the card and
// the cell (the list of unassigned tasks is sticky, so the card stays
// visible).
func (f dispatchFixture) points(t *testing.T) (from, to point) {
	t.Helper()
	type pts struct{ From, To point }
	ps, err := chromedp.Run(f.ctx, chromedp.Evaluate[pts](`(() => {
		const c = document.querySelector('`+f.cell+`');
		c.scrollIntoView({block: "center", inline: "center"});
		const at = (el) => { const r = el.getBoundingClientRect(); return {X: r.left + r.width / 2, Y: r.top + Math.min(r.height / 2, 20)}; };
		return {From: at(document.querySelector('`+f.card+`')), To: at(c)};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if ps.From.Y < 0 || ps.From.Y > 900 || ps.To.Y < 0 || ps.To.Y > 900 {
		t.Fatalf("card %v or cell %v out of the viewport", ps.From, ps.To)
	}
	return ps.From, ps.To
}

// landed checks that the card sits in the cell, also after a reload, and
// that the task is Lucas's in the database.
func (f dispatchFixture) landed(t *testing.T, b *browserEnv) {
	t.Helper()
	poll(t, f.ctx, "card in Lucas's cell", `!!document.querySelector('`+f.cell+` `+f.card+`')`)
	if err := chromedp.Do(f.ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="dispatch-board"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, f.ctx, "still there after a reload", `!!document.querySelector('`+f.cell+` `+f.card+`') && !document.querySelector('[data-testid="unassigned"] `+f.card+`')`)
	r, err := b.tt.App().FindRecordById("tasks", f.task)
	if err != nil || !slices.Equal(r.GetStringSlice("assignees"), []string{f.lucas.Id}) {
		t.Errorf("task assignees in the database: %v (%v)", r.GetStringSlice("assignees"), err)
	}
	if p := f.problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// TestBrowserDispatchTouchDragAssigns does the same drag with a finger
// (touch emulation): no native drag and drop on touch screens, the
// board's pointer fallback moves the card.
func TestBrowserDispatchTouchDragAssigns(t *testing.T) {
	b := newBrowserEnv(t)
	f := openDispatchFixture(t, b)
	touch := func(typ input.DispatchTouchEventType, x, y float64) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			one, id := 1.0, 0.0
			p := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{{X: x, Y: y, RadiusX: &one, RadiusY: &one, Force: &one, ID: &id}}}
			if typ == input.DispatchTouchEventTypeTouchEnd {
				p.TouchPoints = []*input.TouchPoint{}
			}
			_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, p)
			return err
		})
	}
	if err := chromedp.Do(f.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 1})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	from, to := f.points(t)
	steps := []chromedp.Action[chromedp.Void]{touch(input.DispatchTouchEventTypeTouchStart, from.X, from.Y)}
	for i := 1; i <= 12; i++ {
		k := float64(i) / 12
		steps = append(steps, touch(input.DispatchTouchEventTypeTouchMove, from.X+(to.X-from.X)*k, from.Y+(to.Y-from.Y)*k))
	}
	if err := chromedp.Do(f.ctx, steps...); err != nil {
		t.Fatal(err)
	}
	// NB: the ghost card only exists in the pointer fallback (native drag
	// and drop does not start from a finger)
	poll(t, f.ctx, "conflict check shown under the finger", `document.querySelector('`+f.cell+`').dataset.state === "ok" && !!document.querySelector(".board-ghost")`)
	if err := chromedp.Do(f.ctx, touch(input.DispatchTouchEventTypeTouchEnd, to.X, to.Y)); err != nil {
		t.Fatal(err)
	}
	f.landed(t, b)
}
