package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSiteCostsLive: the costs tab opens its stream; approving a time
// entry of the site through the domain re-renders the tab with the new
// actual cost (8 h × 30 € = 240 €), while approving one of another site
// of the tenant, or an incident of another tenant, renders nothing. The
// stream has the page's guard: 403 for a crew member or another project
// manager, 404 for another tenant's site.
func TestSiteCostsLive(t *testing.T) {
	tt := handlertest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	tt.User(domain.RoleProjectManager, "pm2@acme.test")
	boss := tt.User(domain.RoleManager, "boss@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	crew.Set("hourly_cost", 30)
	if err := app.Save(crew.Record); err != nil {
		t.Fatal(err)
	}
	yesterday := domain.TenantFactsOf(app).Today(time.Now()).AddDate(0, 0, -1).Format(time.DateOnly)
	mkSite := func(code string) (*domain.Site, string) {
		s := tt.Record("sites", map[string]any{"code": code, "name": "Chantier " + code, "sector": "btp", "status": "active",
			"budget": 10000, "contract_amount": 12000, "project_manager": pm.Id, "team": []string{crew.Id}})
		e := tt.Record("time_entries", map[string]any{"user": crew.Id, "site": s.Id, "status": "submitted", "source": "office",
			"clock_in": yesterday + " 07:00:00.000Z", "clock_out": yesterday + " 15:00:00.000Z"})
		return &domain.Site{Record: s}, e.Id
	}
	site, entry := mkSite("CH-L")
	other, otherEntry := mkSite("CH-M")
	path := "/sites/" + site.Id + "/costs"
	pmC := tt.Login("pm@acme.test", tenanttest.Password)
	page := tenanttest.Get(t, tt.Registry, tt.Host(), path, pmC)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `id="costs-live"`) || !strings.Contains(page.Body.String(), path+"/stream") {
		t.Fatalf("costs page %d without its live stream", page.Code)
	}
	for _, who := range []string{"crew@acme.test", "pm2@acme.test"} {
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path+"/stream", tt.Login(who, tenanttest.Password)); rec.Code != http.StatusForbidden {
			t.Errorf("%s stream = %d, want 403", who, rec.Code)
		}
	}
	b := tenanttest.Provision(t, tt.Registry, "other", "btp")
	bs := b.Record("sites", map[string]any{"code": "CH-B", "name": "B", "sector": "btp", "status": "active"})
	bossC := tt.Login("boss@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+bs.Id+"/costs/stream", bossC); rec.Code != http.StatusNotFound {
		t.Errorf("another tenant's site stream = %d, want 404", rec.Code)
	}

	srv := httptest.NewServer(tt.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := sseEvents(t, ctx, srv.URL, tt.Host(), path+"/stream", pmC)
	waitStreams(t, app, 1)
	live := domain.LiveOf(app)
	before := live.Renders()
	// another site's approval and another tenant's incident: not this view
	if _, err := domain.ReviewTimeEntry(app, boss.Record, otherEntry, true, ""); err != nil {
		t.Fatal(err)
	}
	b.Record("incidents", map[string]any{"site": bs.Id, "kind": "damage", "severity": "low", "description": "B", "status": "open", "impact_eur": 900})
	time.Sleep(150 * time.Millisecond)
	if n := live.Renders(); n != before {
		t.Errorf("another site's or tenant's change rendered the costs view (%d renders)", n-before)
	}
	select {
	case ev := <-events:
		t.Fatalf("frame before any change of the site: %.300q", ev)
	default:
	}
	if _, err := domain.ReviewTimeEntry(app, boss.Record, entry, true, ""); err != nil {
		t.Fatal(err)
	}
	ev := nextEvent(t, events, `id="site-costs"`)
	if !strings.Contains(ev, "240,00\u00a0€") {
		t.Errorf("live costs after the approval: %.800q", ev)
	}
	if !strings.Contains(ev, `href="/reports?site=`+site.Id+`"`) {
		t.Error("the live tab lost its link to the site's reports")
	}
	if strings.Contains(ev, other.Id) || strings.Contains(ev, "CH-M") {
		t.Errorf("the stream shows another site")
	}
}
