//go:build browser

package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
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
	crew, crewEmail := b.demoCrew(t)
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
		Checked              bool
		Finish               bool
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

// TestBrowserCrewTaskOffline: the service worker precaches the crew's
// upcoming task pages; offline, the task page opens from the cache, the
// answers go to the outbox ("waiting" notice, put back in the form after
// an offline reload) and reach the server once, when the network is back.
func TestBrowserCrewTaskOffline(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	tpl := b.tt.Record("checklist_templates", map[string]any{"code": "offline_cl", "name": "Mise en service", "items": []map[string]any{
		{"id": "isolement", "label": "Isolement", "type": "measure", "unit": "MΩ", "min": 0.5, "required": true},
		{"id": "capot", "label": "Capots remis", "type": "check", "required": true},
	}})
	wt := b.tt.Record("work_types", map[string]any{"code": "offline_wt", "name": "Tableau", "sector": "elec", "checklist": tpl.Id})
	site := b.tt.Record("sites", map[string]any{"code": "CH-OFF", "name": "Gymnase", "sector": "elec", "status": "active", "team": []string{crew.Id}})
	task := b.tt.Record("tasks", map[string]any{"site": site.Id, "title": "Tableau divisionnaire", "work_type": wt.Id, "status": "in_progress",
		"assignees": []string{crew.Id}, "planned_start": time.Now().UTC().Truncate(24 * time.Hour), "duration_days": 2})
	answers := func() map[string]domain.ChecklistAnswer {
		run, _ := domain.FindChecklistRun(app, task.Id)
		if run == nil {
			return nil
		}
		return domain.ParseChecklistAnswers([]byte(run.GetString("answers")))
	}

	ctx, problems := b.persistentTab(t)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="crew-home"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "service worker controls the page", `navigator.serviceWorker.controller !== null`)
	poll(t, ctx, "task page precached", `caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.match("/m/tasks/`+task.Id+`"))))).then(r => window.__cached = r.some(Boolean)), window.__cached === true`)

	setOffline := func(off bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		conds := []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}}
		yes := true
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{EmulateOfflineServiceWorker: &yes, MatchedNetworkConditions: conds}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
			t.Fatal(err)
		}
	}
	setOffline(true)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/tasks/"+task.Id), chromedp.WaitVisible(chromedp.CSS(`[data-testid="checklist-form"]`))); err != nil {
		screenshot(t, ctx, "crew-task-offline-open")
		t.Fatalf("offline task page: %v", err)
	}
	poll(t, ctx, "task page script ready", `document.querySelector('[data-task-page]').dataset.ready === "1"`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector('[data-testid="checklist-save"]').scrollIntoView({block: "center"}), true)`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="cl-input-capot"]').checked = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="cl-input-isolement"]`), "250"),
		chromedp.Click(chromedp.CSS(`[data-testid="checklist-save"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "answers waiting", `!document.querySelector('[data-testid="task-queued"]').hidden`)
	time.Sleep(1200 * time.Millisecond)
	if a := answers(); len(a) != 0 {
		t.Fatalf("answers reached the server while offline: %+v", a)
	}
	// an offline reload: the cached page, with the queued answers put back
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="checklist-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "queued answers shown", `document.querySelector('[data-testid="cl-input-capot"]').checked && document.querySelector('[data-testid="cl-input-isolement"]').value === "250" && !document.querySelector('[data-testid="task-queued"]').hidden`)
	screenshot(t, ctx, "crew-task-offline-queued")

	setOffline(false)
	deadline := time.Now().Add(20 * time.Second)
	for len(answers()) < 2 {
		if time.Now().After(deadline) {
			screenshot(t, ctx, "crew-task-not-synced")
			t.Fatalf("answers not replayed: %+v", answers())
		}
		time.Sleep(200 * time.Millisecond)
	}
	a := answers()
	if a["isolement"].Value != 250.0 || a["capot"].Value != true || a["capot"].By != crew.Id || a["capot"].DeviceAt == "" {
		t.Errorf("answers %+v", a)
	}
	var real []string
	for _, p := range problems() {
		if !strings.Contains(p, "ERR_INTERNET_DISCONNECTED") && !strings.Contains(p, "Failed to fetch") && !strings.Contains(p, "net::ERR_") {
			real = append(real, p)
		}
	}
	if len(real) > 0 {
		t.Errorf("page errors: %v", real)
	}
}
