//go:build browser

package handlers_test

import (
	"context"
	"encoding/json"
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

// TestBrowserAcceptance: the project manager prepares a report with one
// reservation on the tablet page and signs it for the company (drawn
// signature); the office invites the client (invitation API); the client
// opens the magic link, reads the report and signs it on the portal; the
// crew lifts the reservation (its task done with a photo, through the
// domain's crew path); the client sees it lifted, with its photo.
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

	// the office invites the client's contact to the site
	boss, _ := app.FindAuthRecordByEmail("users", "claire.martin@demo.fieldops360.fr")
	tok, _ := boss.NewAuthToken()
	body, _ := json.Marshal(map[string]any{"email": "services.techniques@demo-mairie.fr", "name": "Sophie Morel", "client": site.GetString("client"), "sites": []string{site.Id}})
	req := tenanttest.NewRequest(http.MethodPost, b.tt.Host(), "/api/fieldops/client-invitations", strings.NewReader(string(body)))
	req.Header.Set("Authorization", tok)
	rec := tenanttest.Serve(b.tt.Registry, req)
	var inv struct {
		Link string `json:"link"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &inv); err != nil || inv.Link == "" {
		t.Fatalf("invitation: %d %s", rec.Code, rec.Body)
	}
	u, _ := url.Parse(inv.Link)

	// the client reads it on a phone (390 px wide)
	clientTab, clientProblems := b.tab(t)
	if _, err := chromedp.Call(clientTab, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	page := b.base + "/client/sites/" + site.Id + "/acceptance/" + aid
	err = chromedp.Do(clientTab,
		chromedp.Navigate(b.base+u.RequestURI()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="client-home"]`)),
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

	// the crew lifts the reservation: its task done with a photo
	res, _ := domain.AcceptanceReservations(app, aid)
	if len(res) != 1 {
		t.Fatalf("%d reservations, want 1", len(res))
	}
	crew, _ := app.FindAuthRecordByEmail("users", "antoine.girard@demo.fieldops360.fr")
	if _, err := domain.AddPhoto(app, crew, domain.PhotoInput{Subject: res[0].TaskID(), File: mustFile(t, pvJPEG(t))}); err != nil {
		t.Fatal(err)
	}
	if out, err := domain.ApplySync(app, crew, domain.SyncRequest{Operations: []domain.SyncOp{{Key: "01KACCEPTANCE0000000000009", Op: "update",
		Collection: domain.CollectionTasks, ID: res[0].TaskID(), Data: map[string]any{"status": domain.TaskDone}}}}); err != nil || out[0].Status != 200 {
		t.Fatalf("crew finishes the task: %v %+v", err, out)
	}
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
