//go:build browser

package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestBrowserUrgentWorksFromGanttToPhone: an excavation task created from
// the Gantt's form on a site without a DT-DICT receipt; on a 390×844
// phone its site lead starts it offline, and back online the replayed
// start is refused with the gate's message, the urgent-works offer on the
// task page and a hint in the refused list. The declaration refuses a
// short reason under its field, takes a real one and comes back to the
// task, whose start is then accepted (the refused start is settled).
func TestBrowserUrgentWorksFromGanttToPhone(t *testing.T) {
	b, _, cut := newLoggedBrowserEnv(t)
	app := b.tt.App()
	crew, _ := b.demoCrew(t)
	var lead domain.NewUser
	for _, u := range domain.DemoUsers() {
		if u.Role == domain.RoleSiteLead {
			lead = u
			break
		}
	}
	leadRec, err := app.FindAuthRecordByEmail("users", lead.Email)
	if err != nil {
		t.Fatal(err)
	}
	dig, err := app.FindFirstRecordByData("work_types", "excavation", true)
	if err != nil {
		t.Fatal("no excavation work type in the demo")
	}
	site := b.tt.Record("sites", map[string]any{"code": "TRX-1", "name": "Tranchée rue de la Gare", "sector": "tp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "site_lead": leadRec.Id, "team": []string{crew.Id}})

	office, officeProblems := b.tab(t)
	b.login(t, office, b.tt.Admin, tenanttest.Password)
	newTaskFromGantt(t, office, b.base, site.Id,
		chromedp.SendKeys(chromedp.CSS(`#f-title`), "Tranchée AEP"),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), "Branchement sous chaussée"),
		chromedp.SetValue(chromedp.CSS(`#f-work_type`), dig.Id),
		chromedp.SetValue(chromedp.CSS(`#f-start`), "2026-03-09"),
		chromedp.SetValue(chromedp.CSS(`#f-duration`), "2"),
		chromedp.Click(chromedp.CSS(`input[name="assignees"][value="`+crew.Id+`"]`)))
	task, err := app.FindFirstRecordByData("tasks", "title", "Tranchée AEP")
	if err != nil || task.GetString("work_type") != dig.Id || task.GetString("site") != site.Id {
		t.Fatalf("the form's task: %v %v", err, task)
	}
	page := "/m/tasks/" + task.Id

	phone, problems := b.tab(t)
	if _, err := chromedp.Call(phone, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	b.login(t, phone, lead.Email, domain.DemoPassword)
	ready := `document.querySelector('[data-task-page]').dataset.ready === "1"`
	if err := chromedp.Do(phone, chromedp.Navigate(b.base+page), chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-start"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, phone, "task page script ready", ready)
	// offline: the start waits on the phone
	setNetwork(t, phone, cut, true, -1)
	if err := chromedp.Do(phone, tap(`[data-testid="task-start"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, phone, "the start waits", `!document.querySelector('[data-testid="task-queued"]').hidden`)
	// back online: the replay is refused by the gate, with the offer
	setNetwork(t, phone, cut, false, -1)
	shown := `(() => { const e = document.querySelector('[data-testid="task-error"]'), o = document.querySelector('[data-testid="urgent-offer"]');
		return !e.hidden && e.textContent.includes("DT-DICT") && !o.hidden && !!o.querySelector('[data-testid="urgent-declare"]'); })()`
	poll(t, phone, "the replayed start refused with the urgent-works offer", shown+` && !!document.querySelector('[data-testid="refused-urgent"]')`)
	screenshot(t, phone, "urgent-refused-phone")
	poll(t, phone, "the refusal fits the phone", `document.documentElement.scrollWidth <= 390`)
	if s := domainStatus(t, b, task.Id); s != "planned" {
		t.Fatalf("the refused start applied: %q", s)
	}
	// the page drawn again shows the refusal and its offer
	if err := chromedp.Do(phone, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-start"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, phone, "the refusal kept on the phone", shown)

	// the declaration: a short reason is refused under its field
	if err := chromedp.Do(phone, tap(`[data-testid="urgent-declare"]`), chromedp.WaitVisible(chromedp.CSS(`[data-testid="urgent-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-urgent_reason`), "Fuite"), tap(`[data-testid="urgent-submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-urgent_reason"]`))); err != nil {
		screenshot(t, phone, "urgent-short")
		t.Fatal(err)
	}
	poll(t, phone, "the short reason's message", `document.querySelector('[data-testid="error-urgent_reason"]').textContent.includes("10")`)
	if r, _ := app.FindRecordById("tasks", task.Id); r.GetBool("urgent_works") {
		t.Fatal("declared with a short reason")
	}
	if err := chromedp.Do(phone, chromedp.Clear(chromedp.CSS(`#f-urgent_reason`)),
		chromedp.SendKeys(chromedp.CSS(`#f-urgent_reason`), "Fuite sur le réseau AEP, rue de la Gare"), tap(`[data-testid="urgent-submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-start"]`))); err != nil {
		screenshot(t, phone, "urgent-declare")
		t.Fatal(err)
	}
	poll(t, phone, "back on the task, no offer", `location.pathname === "`+page+`" && !document.querySelector('[data-testid="urgent-offer"]') && `+ready)
	if err := chromedp.Do(phone, tap(`[data-testid="task-start"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, phone, "task started", `document.querySelector('[data-task-page]').dataset.status === "in_progress" && `+ready)
	poll(t, phone, "nothing left refused", `!document.querySelector('[data-testid="refused-item"]')`)
	screenshot(t, phone, "urgent-started-phone")
	r, _ := app.FindRecordById("tasks", task.Id)
	if r.GetString("status") != "in_progress" || !r.GetBool("urgent_works") || r.GetString("urgent_reason") != "Fuite sur le réseau AEP, rue de la Gare" {
		t.Errorf("task on the server: %q urgent %v %q", r.GetString("status"), r.GetBool("urgent_works"), r.GetString("urgent_reason"))
	}
	// (the network cut and the short reason's answer, 400, are expected)
	for _, p := range append(officeProblems(), problems()...) {
		if !strings.Contains(p, "net::ERR_") && !strings.Contains(p, "Failed to fetch") && !strings.Contains(p, "status of 400") {
			t.Errorf("page error: %s", p)
		}
	}
}

// domainStatus reads a task's status on the server.
func domainStatus(t *testing.T, b *browserEnv, id string) string {
	t.Helper()
	r, err := b.tt.App().FindRecordById("tasks", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("status")
}
