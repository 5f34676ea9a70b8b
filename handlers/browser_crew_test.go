//go:build browser

package handlers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
)

// TestBrowserCrewOfflineClockIn: the crew app is installable (manifest,
// active service worker with a fetch handler, no installability error);
// offline (DevTools network emulation) the cached page still opens and a
// clock-in goes to the IndexedDB outbox ("1 action en attente"); back
// online the outbox replays and the server has exactly one clock-in, with
// the position taken at that moment inside the site's zone.
func TestBrowserCrewOfflineClockIn(t *testing.T) {
	b := newBrowserEnv(t)
	app := b.tt.App()
	crew, crewEmail := b.demoCrew(t)
	site := b.tt.Record("sites", map[string]any{"code": "CH-PWA", "name": "Réseau HTA Rezé", "sector": "elec", "status": "active",
		"lat": 47.1900, "lng": -1.5600, "geofence_m": 200, "team": []string{crew.Id}})
	entries := func() int {
		n, _ := app.CountRecords(domain.CollectionTimeEntries, dbx.HashExp{"user": crew.Id, "site": site.Id})
		return int(n)
	}

	ctx, problems := b.persistentTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
		Permission:       &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: b.base}); err != nil {
		t.Logf("geolocation permission: %v (clock-in then carries no position)", err)
	}
	lat, lng, acc := 47.1901, -1.5601, 12.0
	if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc}); err != nil {
		t.Logf("geolocation override: %v", err)
	}
	b.login(t, ctx, crewEmail, domain.DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clock-in-form"]`))); err != nil {
		t.Fatal(err)
	}

	// installability
	swState := func() string {
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.serviceWorker.getRegistration("/m/").then(r => r && r.active ? r.active.state + "|" + r.scope : "")`, chromedp.EvalAwaitPromise))
		return s
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.HasPrefix(swState(), "activated|") {
		if time.Now().After(deadline) {
			screenshot(t, ctx, "crew-sw-missing")
			t.Fatalf("service worker not active: %q", swState())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if s := swState(); !strings.HasSuffix(s, "/m/") {
		t.Errorf("service worker scope: %q", s)
	}
	man, err := chromedp.Call(ctx, page.GetAppManifest, page.GetAppManifestParams{})
	if err != nil || man.URL == "" || len(man.Errors) > 0 {
		t.Errorf("manifest: url %q errors %+v (%v)", man.URL, man.Errors, err)
	}
	// NB: reload once so the page is controlled by the active worker.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clock-in-form"]`))); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "page controlled by the service worker", `navigator.serviceWorker.controller !== null`)
	inst, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Errorf("installability check: %v", err)
	}
	for _, e := range inst.InstallabilityErrors {
		t.Errorf("installability error: %s %+v", e.ErrorID, e.ErrorArguments)
	}

	// offline: the cached page opens, the clock-in is queued
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
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/m/time"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="clock-in-form"]`))); err != nil {
		screenshot(t, ctx, "crew-offline-page")
		t.Fatalf("offline page: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="clock-in-form"] #f-site`), site.Id),
		chromedp.Click(chromedp.CSS(`[data-testid="clock-in"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "one action waiting", `document.querySelector('[data-testid="outbox-pending"]').dataset.count === "1" && !document.querySelector('[data-testid="outbox-pending"]').hidden`)
	poll(t, ctx, "open entry shown offline", `!document.querySelector('[data-testid="open-entry"]').hidden`)
	screenshot(t, ctx, "crew-offline-queued")
	time.Sleep(1500 * time.Millisecond) // a retry tick while offline
	if n := entries(); n != 0 {
		t.Fatalf("%d entries on the server while offline", n)
	}

	// back online: replayed once
	setOffline(false)
	deadline = time.Now().Add(20 * time.Second)
	for entries() == 0 {
		if time.Now().After(deadline) {
			screenshot(t, ctx, "crew-online-not-synced")
			t.Fatal("the outbox was not replayed after reconnecting")
		}
		time.Sleep(200 * time.Millisecond)
	}
	poll(t, ctx, "outbox empty", `(() => { const el = document.querySelector('[data-testid="outbox-pending"]'); return el && el.hidden; })()`)
	time.Sleep(6 * time.Second) // past a retry tick: no second send
	if n := entries(); n != 1 {
		t.Errorf("%d clock-ins on the server, want exactly 1", n)
	}
	e, err := app.FindFirstRecordByFilter(domain.CollectionTimeEntries, "user = {:u} && site = {:s}", dbx.Params{"u": crew.Id, "s": site.Id})
	if err != nil {
		t.Fatal(err)
	}
	f := domain.TimeFlagsOf(e)
	t.Logf("entry %s: source %s status %s flags %s", e.Id, e.GetString("source"), e.GetString("status"), e.GetString("flags"))
	if e.GetString("source") != domain.SourceSync || e.GetString("status") != domain.TimeOpen || f.In == nil {
		t.Errorf("entry: source %q status %q flags %+v", e.GetString("source"), e.GetString("status"), f.In)
	}
	if f.In != nil && f.In.Status != domain.GeoInside && f.In.Status != domain.GeoNoFix {
		t.Errorf("geofence at clock-in: %+v", f.In)
	}
	screenshot(t, ctx, "crew-online-synced")
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
