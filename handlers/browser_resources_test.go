//go:build browser

package handlers_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
)

// TestBrowserReserveToolAndRecordConsumption: a site lead reserves a
// tool from its page (the URL on its QR label), a crew member records
// material used on their site from the crew app, and the fleet map
// loads Leaflet under the CSP with no tiles configured.
func TestBrowserReserveToolAndRecordConsumption(t *testing.T) {
	t.Setenv("FIELDOPS_MAP_TILES", "off") // no network: the page must still work
	b := newBrowserEnv(t)
	app := b.tt.App()
	lucas, _ := app.FindAuthRecordByEmail("users", "lucas.petit@demo.fieldops360.fr")
	// the demo seeds resources on its sites; Lucas is in the team of the
	// first one (CH-2026-011), where the materials are stocked.
	site, err := app.FindFirstRecordByData("sites", "code", "CH-2026-011")
	if err != nil {
		t.Fatal(err)
	}
	tool, err := app.FindFirstRecordByData(domain.CollectionEquipment, "code", "OUT-0002")
	if err != nil {
		t.Fatal(err)
	}
	mat, _ := app.FindFirstRecordByData(domain.CollectionMaterials, "sku", "CIM-35")

	// site lead: reserve the tool
	ctx, problems := b.tab(t)
	b.login(t, ctx, "karim.haddad@demo.fieldops360.fr", domain.DemoPassword)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(b.base+"/equipment/"+tool.Id),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="reserve-form"]`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-site`), site.Id),
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-user`), lucas.Id),
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-from`), "2030-03-04T07:30"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-to`), "2030-03-04T17:00"),
		chromedp.Click(chromedp.CSS(`[data-testid="reserve-submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "reservation saved", `!!document.querySelector('[data-testid="toast-success"]') && document.querySelectorAll('[data-testid="bookings"] li').length >= 1`)
	screenshot(t, ctx, "equipment-reserved")
	n, _ := app.CountRecords(domain.CollectionReservations, dbx.HashExp{"equipment": tool.Id, "user": lucas.Id})
	if n != 1 {
		t.Errorf("%d reservations stored, want 1", n)
	}
	// the same period again: refused with a clear message
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-user`), lucas.Id),
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-from`), "2030-03-04T09:00"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="reserve-form"] #f-to`), "2030-03-04T10:00"),
		chromedp.Click(chromedp.CSS(`[data-testid="reserve-submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "conflict shown", `(document.querySelector('[data-testid="form-error"]')||{}).textContent.includes("Déjà réservé")`)

	// the fleet map: Leaflet runs under the CSP, positions are listed
	if err := chromedp.Do(ctx, chromedp.Navigate(b.base+"/vehicles/map")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, "map ready", `!!window.L && document.querySelector('#fleet-map').classList.contains('res-map-ready') && document.querySelectorAll('[data-testid^="marker-"]').length === 5`)
	// every vehicle is in view: the map fits its markers (#15)
	poll(t, ctx, "markers in view", `(function () {
		var box = document.querySelector('#fleet-map').getBoundingClientRect();
		var ms = document.querySelectorAll('#fleet-map path.leaflet-interactive');
		return box.height > 100 && ms.length === 5 && Array.prototype.every.call(ms, function (m) {
			var r = m.getBoundingClientRect();
			return r.width > 0 && r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
		});
	})()`)
	screenshot(t, ctx, "fleet-map")
	for _, p := range problems() {
		if !strings.Contains(p, "status of 409") { // the refused reservation above
			t.Errorf("page error: %v", p)
		}
	}

	// crew: record consumption on their site
	cctx, cproblems := b.tab(t)
	b.login(t, cctx, "lucas.petit@demo.fieldops360.fr", domain.DemoPassword)
	if err := chromedp.Do(cctx,
		chromedp.Navigate(b.base+"/m/consumption"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="consume-form"]`)),
		chromedp.SetValue(chromedp.CSS(`#f-site`), site.Id),
		chromedp.SetValue(chromedp.CSS(`#f-material`), mat.Id),
		chromedp.SendKeys(chromedp.CSS(`#f-qty`), "2"),
		chromedp.Click(chromedp.CSS(`[data-testid="consume-submit"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll(t, cctx, "consumption recorded", `!!document.querySelector('[data-testid="toast-success"]') && !!document.querySelector('[data-testid="recent-consumption"]')`)
	screenshot(t, cctx, "crew-consumption")
	n, _ = app.CountRecords(domain.CollectionStockMoves, dbx.HashExp{"material": mat.Id, "kind": "consumption", "by": lucas.Id})
	if n != 1 {
		t.Errorf("%d consumptions by the crew member, want 1", n)
	}
	if p := cproblems(); len(p) > 0 {
		t.Errorf("crew page errors: %v", p)
	}
}
