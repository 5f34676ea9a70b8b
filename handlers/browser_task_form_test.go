//go:build browser

package handlers_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// newTaskFromGantt opens the full task form from a site's Gantt, fills it
// (fill) and saves it, back on the Gantt.
func newTaskFromGantt(t *testing.T, ctx context.Context, base, siteID string, fill ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	steps := append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/sites/" + siteID + "/gantt"),
		chromedp.Click(chromedp.CSS(`[data-testid="task-new-link"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-full-form"]`))}, fill...)
	steps = append(steps, chromedp.Click(chromedp.CSS(`[data-testid="task-save"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="gantt-page"]`)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		screenshot(t, ctx, "task-from-gantt")
		t.Fatal(err)
	}
}

// TestBrowserTaskFormFromGantt creates a task through the full task form
// reached from the Gantt (desktop, production CSP), sees its bar, then
// clicks the bar to open its form with the values saved.
func TestBrowserTaskFormFromGantt(t *testing.T) {
	b := newBrowserEnv(t)
	site := b.tt.Record("sites", map[string]any{"code": "TSK-1", "name": "Formulaire", "sector": "btp", "status": "active", "start": "2026-03-02 00:00:00.000Z"})
	wts, err := domain.FindTaskChoices(b.tt.App(), site.Id)
	if err != nil || len(wts["work_type"]) == 0 {
		t.Fatalf("no work type to choose: %v", err)
	}
	wt := wts["work_type"][0]
	ctx, problems := b.tab(t)
	b.login(t, ctx, b.tt.Admin, tenanttest.Password)
	newTaskFromGantt(t, ctx, b.base, site.Id, chromedp.SendKeys(chromedp.CSS(`#f-title`), "Coulage dalle"),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), "Dalle du RDC"),
		chromedp.SetValue(chromedp.CSS(`#f-work_type`), wt.ID),
		chromedp.SetValue(chromedp.CSS(`#f-start`), "2026-03-09"),
		chromedp.SetValue(chromedp.CSS(`#f-duration`), "4"))
	bar := `[...document.querySelectorAll('.gantt-bar')].find((b) => b.querySelector('title').textContent.startsWith("Coulage dalle"))`
	poll(t, ctx, "the new task's bar", bar+`.dataset.start === "2026-03-09" && `+bar+`.dataset.end === "2026-03-12"`)
	task, err := b.tt.App().FindFirstRecordByData("tasks", "title", "Coulage dalle")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="bar-`+task.Id+`"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="bar-`+task.Id+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-full-form"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "the task's form with its values", `document.querySelector("#f-title").value === "Coulage dalle" && document.querySelector("#f-work_type").value === "`+wt.ID+`" && document.querySelector("#f-duration").value === "4"`)
	// every control of the form fits a 390 px phone
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-full-form"]`))); err != nil {
		t.Fatal(err)
	}
	// (the office shell's header itself is wider: not this form's)
	poll(t, ctx, "the form fits 390 px", `[...document.querySelectorAll('[data-testid="task-form-page"] *')].every((e) => e.getBoundingClientRect().right <= 391)`)
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
