//go:build browser

package handlers_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// dialogs answers the page's confirm() dialogs with accept and records
// their messages.
type dialogs struct {
	accept atomic.Bool
	mu     sync.Mutex
	seen   []string
}

func (d *dialogs) listen(ctx context.Context) {
	chromedp.Listen(ctx, func(ev any) {
		e, ok := ev.(*page.EventJavascriptDialogOpening)
		if !ok {
			return
		}
		d.mu.Lock()
		d.seen = append(d.seen, e.Message)
		d.mu.Unlock()
		accept := d.accept.Load()
		go func() {
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		}()
	})
}

func (d *dialogs) messages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

// queueLegacyIncident queues, as an earlier version of the app did
// (before the phone checked its forms), an incident with only its site.
func queueLegacyIncident(t *testing.T, ctx context.Context, site string) {
	t.Helper()
	js := `(async () => {
		const m = await import("/assets/js/outbox.js");
		const now = new Date();
		await window.fieldopsOutbox.add({ key: m.ulid(now), op: "create", collection: "incidents", id: m.recordId(),
			data: { site: "` + site + `" }, device_time: now.toISOString() }, { from: "/m/incident" });
		return true;
	})()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("queue a legacy incident: %v", err)
	}
}

// TestBrowserCrewRefusedIncident: the crew app never loses work. On a
// 390×844 phone the incident form checks its fields before queuing;
// offline, a complete incident waits ("en attente d'envoi", no success
// message) next to one queued by an earlier version of the app with only
// its site; back online the complete one is accepted and the other,
// refused by the server, stays on the phone with the server's message
// and in the office's inbox (read by the site lead in another browser).
// Corrected in its form (reopened with its values and the message), it
// is accepted: the success message comes then, and the inbox entry is
// settled. Another refused send is discarded only once the user confirms
// (the office keeps its trace).
func TestBrowserCrewRefusedIncident(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	lead, err := app.FindAuthRecordByEmail("users", "karim.haddad@demo.fieldops360.fr")
	if err != nil {
		t.Fatal(err)
	}
	site := b.tt.Record("sites", map[string]any{"code": "CH-ALEA", "name": "Voirie rue de Strasbourg", "sector": "tp", "status": "active",
		"site_lead": lead.Id, "team": []string{crew.Id}})
	incidents := func() int {
		n, _ := app.CountRecords("incidents", dbx.HashExp{"site": site.Id})
		return int(n)
	}
	refusals := func(status string) []*core.Record {
		recs, _ := app.FindRecordsByFilter(domain.CollectionSyncConflicts, "kind = 'refusal' && status = {:s}", "created", 10, 0, dbx.Params{"s": status})
		return recs
	}

	ctx, problems := b.persistentTab(t)
	dlg := &dialogs{}
	dlg.listen(ctx)
	phone(t, ctx, 390, 844)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/incident"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="incident-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "service worker active", `navigator.serviceWorker.getRegistration("/m/").then(r => window.__sw = !!(r && r.active)), window.__sw === true`)
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="incident-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "controlled, outbox ready", `navigator.serviceWorker.controller !== null && !!window.fieldopsOutbox`)

	// 1. the phone checks the form: nothing is queued
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#f-site`), site.Id), tap(`[data-testid="incident-submit"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "field messages", `(document.querySelector('[data-testid="error-kind"]')||{}).textContent === "Choisissez « Type d'aléa »." && (document.querySelector('[data-testid="error-description"]')||{}).textContent === "Renseignez « Description »."`)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.fieldopsOutbox.all().then(l => l.length)`, chromedp.EvalAwaitPromise)); n != 0 {
		t.Errorf("an invalid form was queued (%d)", n)
	}
	screenshot(t, ctx, "crew-refused-1-checked")

	// 2. offline: a complete incident waits; an earlier version's one too
	cut := &atomic.Bool{}
	setNetwork(t, ctx, cut, true, -1)
	queueLegacyIncident(t, ctx, site.Id)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "safety"),
		chromedp.SetValue(chromedp.CSS(`#f-severity`), "high"),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), "Tranchée non balisée côté école"),
		tap(`[data-testid="incident-submit"]`)); err != nil {
		t.Fatal(err)
	}
	outboxCount(t, ctx, 2)
	poll(t, ctx, "waiting message", `[...document.querySelectorAll('[data-testid="toast-info"]')].some(e => e.textContent.startsWith("En attente d'envoi"))`)
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector('[data-testid="toast-success"]')`)); !ok {
		t.Error("a success message was shown while offline")
	}
	if n := incidents(); n != 0 {
		t.Fatalf("%d incidents on the server while offline", n)
	}

	// 3. online: one accepted, one refused, kept with the server's message
	setNetwork(t, ctx, cut, false, -1)
	deadline := time.Now().Add(30 * time.Second)
	for incidents() != 1 || len(refusals("open")) != 1 {
		if time.Now().After(deadline) {
			screenshot(t, ctx, "crew-refused-not-synced")
			t.Fatalf("after reconnecting: %d incidents, %d refusals", incidents(), len(refusals("open")))
		}
		time.Sleep(200 * time.Millisecond)
	}
	poll(t, ctx, "refused send listed", `document.querySelector('[data-testid="outbox-refused"]').dataset.count === "1" && document.querySelector('[data-testid="outbox-pending"]').hidden`)
	msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="refused-message"]').textContent`))
	if msg != "Choisissez le type d'aléa" {
		t.Errorf("refused message %q, want the server's", msg)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS(390))); got != "" {
		t.Errorf("with a refused send listed: %s", got)
	}
	screenshot(t, ctx, "crew-refused-2-listed")

	// the office sees it, in plain words
	lctx, lproblems := b.tab(t)
	b.login(t, lctx, lead.GetString("email"), domain.DemoPassword)
	refused := refusals("open")[0]
	entry := `document.querySelector('[data-testid="conflict-` + refused.Id + `"]')`
	if err := chromedp.Do(lctx, chromedp.Navigate(b.base+"/time-approvals"), chromedp.WaitReady(chromedp.CSS(`[data-testid="time-approvals-page"]`))); err != nil {
		t.Fatal(err)
	}
	text, _ := chromedp.Run(lctx, chromedp.Evaluate[string](`(`+entry+` || {innerText: ""}).innerText`))
	for _, want := range []string{"Refusé", "Signalement d'aléa", crew.GetString("name"), "CH-ALEA · Voirie rue de Strasbourg", "Choisissez le type d'aléa"} {
		if !strings.Contains(text, want) {
			t.Errorf("office inbox entry lacks %q: %q", want, text)
		}
	}
	screenshot(t, lctx, "crew-refused-3-office")

	// 4. corrected in its form, then accepted
	if err := chromedp.Do(ctx, tap(`[data-testid="refused-fix"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "form reopened", `location.search.startsWith("?fix=") && document.querySelector('#f-site').value === "`+site.Id+`" && (document.querySelector('[data-testid="error-kind"]')||{}).textContent === "Choisissez le type d'aléa" && !!document.querySelector('[data-testid="form-error"]')`)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS(390))); got != "" {
		t.Errorf("form reopened for correction: %s", got)
	}
	screenshot(t, ctx, "crew-refused-4-fixing")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#f-kind`), "delay"),
		chromedp.SetValue(chromedp.CSS(`#f-severity`), "medium"),
		chromedp.SendKeys(chromedp.CSS(`#f-description`), "Livraison des bordures reportée"),
		tap(`[data-testid="incident-submit"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "accepted, then the success message", `location.search === "?toast=incident" && (document.querySelector('[data-testid="toast-success"] span')||{}).textContent === "Aléa signalé au chef de chantier."`)
	poll(t, ctx, "nothing refused left", `document.querySelector('[data-testid="outbox-refused"]').hidden && !!window.fieldopsOutbox`)
	if n := incidents(); n != 2 {
		t.Errorf("%d incidents, want 2", n)
	}
	if r, _ := domain.FindSyncConflict(app, refused.Id); r.Status() != domain.ConflictResolved || r.ResolvedByID() != crew.Id {
		t.Errorf("inbox entry after the correction: status %q by %q", r.Status(), r.ResolvedByID())
	}
	if err := chromedp.Do(lctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS(`[data-testid="time-approvals-page"]`))); err != nil {
		t.Fatal(err)
	}
	if gone, _ := chromedp.Run(lctx, chromedp.Evaluate[bool](`!`+entry)); !gone {
		t.Error("the corrected send is still in the office's inbox")
	}

	// 5. another refused send is discarded only once confirmed
	queueLegacyIncident(t, ctx, site.Id)
	poll(t, ctx, "refused again (next retry)", `document.querySelector('[data-testid="outbox-refused"]').dataset.count === "1"`)
	dlg.accept.Store(false)
	if err := chromedp.Do(ctx, tap(`[data-testid="refused-discard"]`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.fieldopsOutbox.all().then(l => l.length)`, chromedp.EvalAwaitPromise)); n != 1 {
		t.Errorf("dismissing the confirmation discarded the send (%d left)", n)
	}
	dlg.accept.Store(true)
	if err := chromedp.Do(ctx, tap(`[data-testid="refused-discard"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "discarded", `document.querySelector('[data-testid="outbox-refused"]').hidden && (window.fieldopsOutbox.all().then(l => window.__n = l.length), window.__n === 0)`)
	if m := dlg.messages(); len(m) != 2 || !strings.HasPrefix(m[0], "Abandonner définitivement cet envoi") {
		t.Errorf("confirmations %q", m)
	}
	if open := refusals("open"); len(open) != 1 {
		t.Errorf("%d open refusals after the discard, want the office's trace of it", len(open))
	}
	if p := append(problems(), lproblems()...); len(p) > 0 {
		var real []string
		for _, x := range p {
			if !strings.Contains(x, "net::ERR_") && !strings.Contains(x, "Failed to fetch") && !strings.Contains(x, "ERR_INTERNET_DISCONNECTED") {
				real = append(real, x)
			}
		}
		if len(real) > 0 {
			t.Errorf("page errors: %v", real)
		}
	}
}
