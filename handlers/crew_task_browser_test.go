//go:build browser

package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/domain"
)

// TestBrowserCrewTaskChecklist: on the crew task page a crew member
// starts the job, is refused finishing it while required items are
// missing (the server's reason is shown), ticks a check and types a
// measure, finishes (answers then status go through the outbox in that
// order), and after a reload the answers, who/when and the status are
// still there — and in the database.
func TestBrowserCrewTaskChecklist(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	var crewEmail string
	for _, u := range domain.DemoUsers() {
		if u.Role == domain.RoleCrew {
			crewEmail = u.Email
			break
		}
	}
	crew, err := app.FindAuthRecordByEmail("users", crewEmail)
	if err != nil {
		t.Fatal(err)
	}
	tpl := b.tt.Record("checklist_templates", map[string]any{"code": "browser_cl", "name": "Contrôle avant coulage", "items": []map[string]any{
		{"id": "coffrage", "label": "Coffrage propre", "type": "check", "required": true},
		{"id": "enrobage", "label": "Enrobage", "type": "measure", "unit": "mm", "min": 20, "max": 50, "required": true},
		{"id": "note", "label": "Remarques", "type": "text"},
	}})
	wt := b.tt.Record("work_types", map[string]any{"code": "browser_wt", "name": "Voile béton", "sector": "btp", "checklist": tpl.Id})
	site := b.tt.Record("sites", map[string]any{"code": "CH-CL", "name": "Collège Jules Verne", "sector": "btp", "status": "active",
		"address": "3 rue Voltaire, Nantes", "lat": 47.21, "lng": -1.56, "team": []string{crew.Id}})
	task := b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Voile R+2", "work_type": wt.Id, "status": "planned",
		"assignees": []string{crew.Id}, "planned_start": time.Now().UTC().Truncate(24 * time.Hour), "duration_days": 1})
	status := func() string {
		r, _ := app.FindRecordById("tasks", task.Id)
		return r.GetString("status")
	}

	ctx, problems := b.tab(t)
	// tap scrolls the element to the middle of the screen (clear of the
	// fixed bottom tabs) and clicks it.
	tap := func(sel string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('`+sel+`').scrollIntoView({block: "center"}), true)`)); err != nil {
			t.Fatalf("scroll to %s: %v", sel, err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			screenshot(t, ctx, "crew-task-tap")
			t.Fatalf("tap %s: %v", sel, err)
		}
	}
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-link"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a[href="/m/tasks/`+task.Id+`"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-start"]`))); err != nil {
		screenshot(t, ctx, "crew-task-open")
		t.Fatal(err)
	}
	ready := `document.querySelector('[data-task-page]').dataset.ready === "1"`
	// start: through the outbox, then the page reloads with the new status
	poll(t, ctx, "task page script ready", ready)
	tap(`[data-testid="task-start"]`)
	poll(t, ctx, "task started", `document.querySelector('[data-task-page]').dataset.status === "in_progress" && !!document.querySelector('[data-testid="task-finish"]') && `+ready)
	if s := status(); s != "in_progress" {
		t.Fatalf("status on the server %q", s)
	}
	// finishing with nothing answered is refused, with the server's reason
	tap(`[data-testid="task-finish"]`)
	poll(t, ctx, "refusal shown", `(() => { const e = document.querySelector('[data-testid="task-error"]'); return !e.hidden && e.textContent.includes("Coffrage propre") && e.textContent.includes("Enrobage"); })()`)
	if q, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="task-queued"]').hidden`)); !q {
		t.Error("online, the page says the change is waiting in the outbox")
	}
	screenshot(t, ctx, "crew-task-refused")
	if s := status(); s != "in_progress" {
		t.Fatalf("refused finish applied: %q", s)
	}

	// answer a check and a measure, then finish
	tap(`[data-testid="cl-input-coffrage"]`)
	tap(`[data-testid="cl-input-enrobage"]`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`[data-testid="cl-input-enrobage"]`), "32,5")); err != nil {
		t.Fatal(err)
	}
	tap(`[data-testid="task-finish"]`)
	poll(t, ctx, "task done", `document.querySelector('[data-task-page]').dataset.status === "done"`)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="checklist"]`))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "crew-task-done")
	type state struct {
		Status, Measure, Who string
		Checked             bool
		Finish              bool
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[state](`({
		Status: document.querySelector('[data-task-page]').dataset.status,
		Measure: document.querySelector('[data-testid="cl-input-enrobage"]').value,
		Who: (document.querySelector('[data-testid="cl-who-enrobage"]') || {}).textContent || "",
		Checked: document.querySelector('[data-testid="cl-input-coffrage"]').checked,
		Finish: !!document.querySelector('[data-testid="task-finish"]'),
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "done" || st.Measure != "32,5" || !st.Checked || st.Finish || !strings.Contains(st.Who, crew.GetString("name")) {
		t.Errorf("after reload: %+v", st)
	}
	run, _ := domain.FindChecklistRun(app, task.Id)
	a := domain.ParseChecklistAnswers([]byte(run.GetString("answers")))
	if status() != "done" || !run.GetBool("complete") || a["enrobage"].Value != 32.5 || a["coffrage"].By != crew.Id || a["coffrage"].DeviceAt == "" {
		t.Errorf("server: status %q complete %v answers %+v", status(), run.GetBool("complete"), a)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}
