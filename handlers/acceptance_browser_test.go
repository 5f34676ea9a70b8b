//go:build browser

package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// drawPad strokes a "Z" across the canvas sel with real pointer input.
func drawPad(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const c = document.querySelector('`+sel+`'); c.scrollIntoView({block: "center"}); const r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`))
	if err != nil || len(rect) != 4 {
		t.Fatalf("canvas %s: %v %v", sel, rect, err)
	}
	pts := [][2]float64{{0.15, 0.25}, {0.5, 0.25}, {0.85, 0.25}, {0.5, 0.55}, {0.15, 0.8}, {0.85, 0.8}}
	send := func(typ input.DispatchMouseEventType, p [2]float64, buttons int64, clicks int64) {
		prm := input.DispatchMouseEventParams{Type: typ, X: rect[0] + p[0]*rect[2], Y: rect[1] + p[1]*rect[3], Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: clicks}
		if _, err := chromedp.Call(ctx, input.DispatchMouseEvent, prm); err != nil {
			t.Fatal(err)
		}
	}
	send(input.DispatchMouseEventTypeMousePressed, pts[0], 1, 1)
	for _, p := range pts[1:] {
		send(input.DispatchMouseEventTypeMouseMoved, p, 1, 0)
	}
	send(input.DispatchMouseEventTypeMouseReleased, pts[len(pts)-1], 0, 1)
}

// TestBrowserAcceptance is the scenario of issue #20, every step in
// Chromium as its users take it: the project manager prepares a report
// with one reservation on the tablet page and signs it for the company
// (drawn signature), then invites the client's contact from the client's
// office page (no SMTP: the link is shown there, and taken from the
// page); the client opens the magic link on a 390 px phone, reads the
// site's weekly report (listed, and its download is a PDF), reads and
// signs the report; a crew member of the site, in the crew app on a
// phone, photographs the lifting from the task page (the photo goes
// through the app's outbox) and finishes the task; the client sees the
// reservation lifted, with its photo.
func TestBrowserAcceptance(t *testing.T) {
	start := time.Now()
	b := newBrowserEnv(t)
	app := b.tt.App()
	site, err := app.FindFirstRecordByFilter(domain.CollectionSites, "code = {:c}", dbx.Params{"c": "CH-2026-014"})
	if err != nil {
		t.Fatal(err)
	}
	office, problems := b.tab(t)
	b.login(t, office, "nadia.roux@demo.fieldops360.fr", domain.DemoPassword)
	list := b.base + "/sites/" + site.Id + "/acceptance"
	err = chromedp.Do(office,
		chromedp.Navigate(list),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="acceptance-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-lots`), "Peinture"),
		chromedp.Click(chromedp.CSS(`[data-testid="acceptance-create"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reservation-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), "Reprise peinture couloir"),
		chromedp.Click(chromedp.CSS(`[data-testid="reservation-add"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reservation-1"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-company_name`), "Nadia Roux"),
	)
	if err != nil {
		t.Fatalf("prepare the report: %v", err)
	}
	drawPad(t, office, `[data-testid="canvas-company"]`)
	if err := chromedp.Do(office, chromedp.Click(chromedp.CSS(`[data-testid="sign-consent"]`)), chromedp.Click(chromedp.CSS(`[data-testid="acceptance-sign"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, office, "the company's signature", `document.querySelector('[data-testid="company-signature"]').textContent.includes("Nadia Roux")`)
	path, _ := chromedp.Run(office, chromedp.Evaluate[string](`location.pathname`))
	aid := path[strings.LastIndex(path, "/")+1:]

	// the week's report, archived as the weekly schedule does
	report := archiveWeeklyReport(t, b, site.Id)

	// the office invites the client's contact from the client's page
	link := inviteFromOffice(t, b, office, site.GetString("client"), site.Id)
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/client/") {
		t.Fatalf("the link shown on the office page: %q", link)
	}

	// the client opens it on a phone (390 px wide) and reads the report
	clientTab, clientProblems := b.tab(t)
	if _, err := chromedp.Call(clientTab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(clientTab,
		chromedp.Navigate(b.base+u.RequestURI()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="client-home"]`)),
		chromedp.Navigate(b.base+"/client/sites/"+site.Id),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="client-reports"] a[href$="/reports/`+report+`.pdf"]`)),
	)
	if err != nil {
		t.Fatalf("the client opens the site: %v", err)
	}
	type download struct {
		Status      int
		Type, Magic string
		Size        int
	}
	got, err := chromedp.Run(clientTab, chromedp.Evaluate[download](`fetch(document.querySelector('[data-testid="client-reports"] a[href$="/reports/`+report+`.pdf"]').href)
		.then(r => r.arrayBuffer().then(b => ({Status: r.status, Type: r.headers.get("Content-Type") || "", Size: b.byteLength, Magic: String.fromCharCode(...new Uint8Array(b.slice(0, 5)))})))`, chromedp.EvalAwaitPromise))
	if err != nil || got.Status != 200 || got.Magic != "%PDF-" || !strings.HasPrefix(got.Type, "application/pdf") || got.Size < 1000 {
		t.Fatalf("the client downloads the weekly report: %+v %v", got, err)
	}

	// … then reads and signs the acceptance report
	page := b.base + "/client/sites/" + site.Id + "/acceptance/" + aid
	err = chromedp.Do(clientTab,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reservation-1"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-client_name`), "Sophie Morel"),
	)
	if err != nil {
		t.Fatalf("the client opens the report: %v", err)
	}
	drawPad(t, clientTab, `[data-testid="canvas-client"]`)
	if err := chromedp.Do(clientTab, chromedp.Click(chromedp.CSS(`[data-testid="sign-consent"]`)), chromedp.Click(chromedp.CSS(`[data-testid="acceptance-sign"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, clientTab, "the report signed", `document.querySelector('[data-testid="acceptance-page"]').dataset.status === "signed" && !!document.querySelector('[data-testid="acceptance-pdf"]')`)

	// a crew member lifts the reservation in the crew app
	res, _ := domain.AcceptanceReservations(app, aid)
	if len(res) != 1 {
		t.Fatalf("%d reservations, want 1", len(res))
	}
	crewLifts(t, b, res[0].TaskID())

	if err := chromedp.Do(clientTab, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	poll(t, clientTab, "the reservation lifted", `document.querySelector('[data-testid="reservation-1"]').dataset.status === "lifted" && document.querySelector('[data-testid="lift-photo"]').naturalWidth > 0 && !!document.querySelector('[data-testid="accept-form-1"]')`)
	if w, _ := chromedp.Run(clientTab, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the client's report is %v px wide on a 390 px phone", w)
	}
	screenshot(t, clientTab, "acceptance-client-lifted")
	for _, p := range append(problems(), clientProblems()...) {
		t.Errorf("page problem: %s", p)
	}
	t.Logf("acceptance browser test: %v", time.Since(start).Round(time.Millisecond))
}

// archiveWeeklyReport archives this week's report of site (the PDF the
// office downloads, stored as the weekly schedule stores it) and returns
// its id.
func archiveWeeklyReport(t *testing.T, b *browserEnv, siteID string) string {
	t.Helper()
	week := domain.ISOWeekText(time.Now())
	tok := b.tt.Token("users", "nadia.roux@demo.fieldops360.fr")
	rec := tenanttest.Do(t, b.tt.Registry, http.MethodGet, b.tt.Host(), "/reports/sites/"+siteID+"/weekly.pdf?week="+week, tok, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "%PDF-") {
		t.Fatalf("weekly report: %d", rec.Code)
	}
	r, err := domain.ArchiveReport(b.tt.App(), domain.ReportArchive{Kind: domain.ReportWeekly, Period: week, SiteID: siteID,
		FileBase: "rapport-hebdo-" + week, PDF: rec.Body.Bytes(), Lang: "fr", Trigger: "schedule"})
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

// inviteFromOffice fills the invitation form of the client's office page
// in tab (a signed-in office user) for one site and returns the link the
// page shows.
func inviteFromOffice(t *testing.T, b *browserEnv, tab context.Context, clientID, siteID string) string {
	t.Helper()
	err := chromedp.Do(tab,
		chromedp.Navigate(b.base+"/clients/"+clientID),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="client-invite-form"]`)),
		chromedp.SendKeys(chromedp.CSS(`#field-name`), "Sophie Morel"),
		chromedp.SendKeys(chromedp.CSS(`#field-email`), "services.techniques@demo-mairie.fr"),
		tap(`[data-testid="client-invite-site"][value="`+siteID+`"]`),
		tap(`[data-testid="client-invite-submit"]`),
	)
	if err != nil {
		screenshot(t, tab, "acceptance-invite")
		t.Fatalf("the office invites the client: %v", err)
	}
	poll(t, tab, "the link shown", `(document.querySelector('[data-testid="client-link"] [data-testid="onetime-url"]') || {}).value.includes("/client/")`)
	link, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('[data-testid="client-link"] [data-testid="onetime-url"]').value`))
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// crewLifts signs in, on a 390 px phone, as a crew member assigned to the
// lifting task, photographs the lifting from the task page (the photos
// page it links to, through the app's outbox), starts and finishes the
// task.
func crewLifts(t *testing.T, b *browserEnv, taskID string) {
	t.Helper()
	app := b.tt.App()
	task, err := app.FindRecordById(domain.CollectionTasks, taskID)
	if err != nil || len(task.GetStringSlice("assignees")) == 0 {
		t.Fatalf("lifting task %v, assignees %v", err, task.GetStringSlice("assignees"))
	}
	crew, err := app.FindRecordById(domain.CollectionUsers, task.GetStringSlice("assignees")[0])
	if err != nil {
		t.Fatal(err)
	}
	photo := testPhoto(t, t.TempDir(), 800, 600)
	ctx, problems := b.tab(t)
	phone(t, ctx, 390, 844)
	b.login(t, ctx, crew.GetString("email"), domain.DemoPassword)
	taskPage := `[data-task-page][data-task="` + taskID + `"]`
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/tasks/"+taskID), chromedp.WaitVisible(chromedp.CSS(taskPage))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, tap(`[data-testid="task-link-photos"]`), chromedp.WaitReady(chromedp.CSS(`[data-testid="photo-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox && document.querySelector('[data-testid="photo-form"] [name="subject"]').value === "`+taskID+`"`)
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#f-caption`), "Peinture reprise"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{photo}),
		tap(`[data-testid="photo-submit"]`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if n, _ := app.CountRecords(domain.CollectionPhotos, dbx.HashExp{"subject": taskID, "by": crew.Id}); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			screenshot(t, ctx, "acceptance-crew-photo")
			t.Fatal("the lifting photo did not reach the server")
		}
	}
	poll(t, ctx, "nothing left on the phone", `window.fieldopsOutbox.all().then(l => window.__left = l.length), window.__left === 0`)

	ready := `document.querySelector('[data-task-page]').dataset.ready === "1"`
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/tasks/"+taskID), chromedp.WaitVisible(chromedp.CSS(taskPage))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "task page script ready", ready)
	if err := chromedp.Do(ctx, tap(`[data-testid="task-start"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "task started", `document.querySelector('[data-task-page]').dataset.status === "in_progress" && !!document.querySelector('[data-testid="task-finish"]') && `+ready)
	if err := chromedp.Do(ctx, tap(`[data-testid="task-finish"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "task done", `document.querySelector('[data-task-page]').dataset.status === "done"`)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS(390))); got != "" {
		t.Errorf("the crew's task page on a 390 px phone: %s", got)
	}
	screenshot(t, ctx, "acceptance-crew-done")
	for _, p := range problems() {
		t.Errorf("crew page problem: %s", p)
	}
}
