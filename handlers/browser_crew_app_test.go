//go:build browser

package handlers_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
)

// shownJS is true when the element of sel takes room on the page.
func shownJS(sel string) string {
	return `(() => { const el = document.querySelector('` + sel + `'); return !!el && el.checkVisibility(); })()`
}

// TestBrowserCrewClockInStates: on a 390×844 phone, with nothing open
// only "Pointer l'arrivée" shows; once clocked in only "Pointer le
// départ" (and a change of site); the change of site is refused on the
// phone until its box is ticked, then closes the open entry; clocked out,
// the page is back to "Pointer l'arrivée".
func TestBrowserCrewClockInStates(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	site := b.tt.Record("sites", map[string]any{"code": "CH-PT", "name": "Pont de la Rotonde", "sector": "tp", "status": "active", "team": []string{crew.Id}})
	entries := func(status string) int {
		n, _ := app.CountRecords(domain.CollectionTimeEntries, dbx.HashExp{"user": crew.Id, "status": status})
		return int(n)
	}
	ctx, problems := b.tab(t)
	phone(t, ctx, 390, 844)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	state := func(want string) {
		t.Helper()
		in, out, sw := shownJS(`[data-testid="clock-in"]`), shownJS(`[data-testid="clock-out"]`), shownJS(`[data-testid="switch-toggle"]`)
		js := map[string]string{
			"closed":    in + ` && !` + out + ` && !` + sw,
			"open":      `!` + in + ` && ` + out + ` && ` + sw,
			"switching": in + ` && ` + out + ` && !` + sw + ` && ` + shownJS(`[data-testid="field-switch"]`),
		}[want]
		poll(t, ctx, "clock page "+want, `!!window.fieldopsOutbox && `+js)
		if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS(390))); got != "" {
			t.Errorf("clock page %s: %s", want, got)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitReady(chromedp.CSS(`[data-testid="clock-in-form"]`))); err != nil {
		t.Fatal(err)
	}
	state("closed")
	screenshot(t, ctx, "crew-clock-1-closed")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`[data-testid="clock-in-form"] #f-site`), site.Id), tap(`[data-testid="clock-in"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "clocked in", `location.search === "?toast=clocked_in" && (document.querySelector('[data-testid="toast-success"] span')||{}).textContent === "Arrivée pointée."`)
	state("open")
	screenshot(t, ctx, "crew-clock-2-open")
	if n := entries(domain.TimeOpen); n != 1 {
		t.Fatalf("%d open entries, want 1", n)
	}

	// a change of site must be confirmed
	if err := chromedp.Do(ctx, tap(`[data-testid="switch-toggle"]`)); err != nil {
		t.Fatal(err)
	}
	state("switching")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`[data-testid="clock-in-form"] #f-site`), site.Id), tap(`[data-testid="clock-in"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "confirmation asked", `(document.querySelector('[data-testid="error-switch"]')||{}).textContent === "Cochez la case pour confirmer."`)
	screenshot(t, ctx, "crew-clock-3-confirm")
	if n, _ := app.CountRecords(domain.CollectionTimeEntries, dbx.HashExp{"user": crew.Id}); n != 1 {
		t.Fatalf("%d entries after an unconfirmed change of site, want 1", n)
	}
	if err := chromedp.Do(ctx, tap(`[data-testid="field-switch"]`), tap(`[data-testid="clock-in"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "site changed", `location.search === "?toast=clocked_in" && !!document.querySelector('[data-testid="toast-success"]')`)
	state("open")
	deadline := time.Now().Add(10 * time.Second)
	for entries(domain.TimeOpen) != 1 || entries(domain.TimeOpen)+entries(domain.TimeSubmitted) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("after the change of site: %d open, %d submitted", entries(domain.TimeOpen), entries(domain.TimeSubmitted))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// clock out: back to the clock-in only
	if err := chromedp.Do(ctx, tap(`[data-testid="clock-out"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "clocked out", `location.search === "?toast=clocked_out"`)
	state("closed")
	if n := entries(domain.TimeOpen); n != 0 {
		t.Errorf("%d entries still open", n)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// TestBrowserCrewMenuLanguageLogout: the crew app's menu switches the
// language (the page and the tabs follow, and back) and signs out: the
// session is gone (the app asks to sign in again).
func TestBrowserCrewMenuLanguageLogout(t *testing.T) {
	b := newBrowserEnv(t)
	_, crewEmail := b.demoCrew(t)
	ctx, problems := b.tab(t)
	phone(t, ctx, 390, 844)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitReady(chromedp.CSS(`[data-testid="crew-menu"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "menu closed", `!`+shownJS(`[data-testid="logout"]`))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="crew-menu-toggle"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "menu open", shownJS(`[data-testid="logout"]`)+` && `+shownJS(`[data-testid="lang-en"]`))
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](overflowJS(390))); got != "" {
		t.Errorf("menu open: %s", got)
	}
	screenshot(t, ctx, "crew-menu-open")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="lang-en"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "in English", `location.pathname === "/m/time" && document.documentElement.lang === "en" && document.querySelector('[data-testid="tab-time"]').textContent.trim() === "Time"`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="crew-menu-toggle"]`)), chromedp.Click(chromedp.CSS(`[data-testid="lang-fr"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "back in French", `document.documentElement.lang === "fr" && document.querySelector('[data-testid="tab-time"]').textContent.trim() === "Pointage"`)
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="crew-menu-toggle"]`)), chromedp.Click(chromedp.CSS(`[data-testid="logout"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "signed out", `location.pathname === "/login"`)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "asked to sign in again", `location.pathname === "/login"`)
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// TestBrowserCrewPhotoProgress: on a slow uplink a photo shows its own
// upload progress (a bar and a percentage) until the server has it.
func TestBrowserCrewPhotoProgress(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	site := b.tt.Record("sites", map[string]any{"code": "CH-PH", "name": "Halle", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	photo := testPhoto(t, t.TempDir(), 2400, 1800)
	ctx, problems := b.tab(t)
	phone(t, ctx, 390, 844)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/photos"), chromedp.WaitReady(chromedp.CSS(`[data-testid="photo-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox`)
	// the phone asks for the site and the photo first
	if err := chromedp.Do(ctx, tap(`[data-testid="photo-submit"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "field messages", `(document.querySelector('[data-testid="error-site"]')||{}).textContent === "Choisissez « Chantier »." && (document.querySelector('[data-testid="error-file"]')||{}).textContent === "Choisissez ou prenez une photo."`)
	setNetwork(t, ctx, &atomic.Bool{}, false, 120<<10)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="photo-form"] #f-site`), site.Id),
		chromedp.SendKeys(chromedp.CSS(`#f-caption`), "Charpente"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{photo}),
		tap(`[data-testid="photo-submit"]`)); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if n, _ := app.CountRecords("photos", dbx.HashExp{"by": crew.Id}); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			screenshot(t, ctx, "crew-photo-progress-timeout")
			t.Fatalf("photo not received; progress seen %v", seen)
		}
		p, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const li = document.querySelector('[data-testid="upload-item"]'); return li ? li.dataset.percent + "|" + li.querySelector('progress').value + "|" + li.querySelector('[data-testid="upload-percent"]').textContent + "|" + li.textContent : ""; })()`))
		if p != "" && !seen[p] {
			seen[p] = true
			if len(seen) == 2 {
				screenshot(t, ctx, "crew-photo-progress")
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	between := 0
	for p := range seen {
		parts := strings.Split(p, "|")
		if len(parts) == 4 && parts[0] != "0" && parts[0] != "100" && parts[1] == parts[0] && parts[2] == parts[0]+" %" && strings.Contains(parts[3], "Photo · Charpente") {
			between++
		}
	}
	t.Logf("progress seen: %v", seen)
	if between == 0 {
		t.Errorf("no progress between 0 and 100 %% was shown: %v", seen)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("page errors: %v", p)
	}
}

// TestBrowserCrewRefusedPhoto: a photo the server refuses (the crew
// member was taken off the site's team meanwhile) is not lost: the form
// keeps it with the reason, the app lists it on every page, and
// "Corriger" reopens it (file, caption) to be sent on another site.
func TestBrowserCrewRefusedPhoto(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	left := b.tt.Record("sites", map[string]any{"code": "CH-OLD", "name": "Ancien chantier", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	mine := b.tt.Record("sites", map[string]any{"code": "CH-NEW", "name": "Nouveau chantier", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	photo := testPhoto(t, t.TempDir(), 800, 600)
	ctx, problems := b.tab(t)
	phone(t, ctx, 390, 844)
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/photos"), chromedp.WaitReady(chromedp.CSS(`[data-testid="photo-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "outbox ready", `!!window.fieldopsOutbox`)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="photo-form"] #f-site`), left.Id),
		chromedp.SendKeys(chromedp.CSS(`#f-caption`), "Réseau avant remblai"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-file`), []string{photo})); err != nil {
		t.Fatal(err)
	}
	// the office takes the crew member off the site before the photo goes
	left.Set("team", []string{})
	if err := app.Save(left); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, tap(`[data-testid="photo-submit"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "refusal on the form", `(document.querySelector('[data-testid="form-error"]')||{}).textContent === "Vous ne faites pas partie de l'équipe de ce chantier" && document.querySelector('#f-file').files.length === 1 && document.querySelector('[data-testid="outbox-refused"]').dataset.count === "1" && document.querySelector('[data-testid="upload-progress"]').hidden`)
	if ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector('[data-testid="toast-success"]')`)); !ok {
		t.Error("a success message for a refused photo")
	}
	screenshot(t, ctx, "crew-photo-refused")
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/"), chromedp.WaitReady(chromedp.CSS(`[data-testid="crew-home"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "still listed elsewhere", `document.querySelector('[data-testid="outbox-refused"]').dataset.count === "1" && document.querySelector('[data-testid="refused-item"] strong').textContent === "Photo"`)
	if err := chromedp.Do(ctx, tap(`[data-testid="refused-fix"]`)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "photo reopened", `location.pathname === "/m/photos" && document.querySelector('#f-file').files.length === 1 && document.querySelector('#f-caption').value === "Réseau avant remblai" && !!document.querySelector('[data-testid="form-error"]')`)
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`[data-testid="photo-form"] #f-site`), mine.Id), tap(`[data-testid="photo-submit"]`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if n, _ := app.CountRecords("photos", dbx.HashExp{"by": crew.Id, "site": mine.Id}); n == 1 {
			break
		}
		if time.Now().After(deadline) {
			screenshot(t, ctx, "crew-photo-refused-not-resent")
			t.Fatal("the corrected photo did not reach the server")
		}
		time.Sleep(100 * time.Millisecond)
	}
	poll(t, ctx, "nothing left on the phone", `!!window.fieldopsOutbox && window.fieldopsOutbox.all().then(l => window.__left = l.length), window.__left === 0`)
	if n, _ := app.CountRecords("photos", dbx.HashExp{"by": crew.Id}); n != 1 {
		t.Errorf("%d photos, want the corrected one only", n)
	}
	if p := problems(); len(p) > 0 {
		var real []string
		for _, x := range p {
			if !strings.Contains(x, "403") {
				real = append(real, x)
			}
		}
		if len(real) > 0 {
			t.Errorf("page errors: %v", real)
		}
	}
}
