package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/tenanttest"
)

// TestDashboardAlertsNameTheirSite: two sites whose PPSPS expire the
// same week give two alerts told apart by their site; a milestone and an
// incident name their site too; a person's clearance (no site) does not
// pretend to concern one. The same in English.
func TestDashboardAlertsNameTheirSite(t *testing.T) {
	t.Parallel()
	it := newIncidentTenant(t) // clock: Tuesday 3 March 2026; CH-1 École, CH-2 Gymnase
	for _, s := range []string{it.site, it.site2} {
		it.Record("documents", map[string]any{"site": s, "kind": "ppsps", "title": "PPSPS", "version": 1, "current": true,
			"valid_until": "2026-03-06 00:00:00.000Z"})
	}
	it.Record("milestones", map[string]any{"site": it.site2, "name": "Réception", "due": "2026-03-02 00:00:00.000Z"})
	it.Record("clearances", map[string]any{"user": it.leadID, "kind": "CACES R482", "valid_until": "2026-03-20 00:00:00.000Z"})

	rec := tenanttest.Get(t, it.Registry, it.Host(), "/dashboard", it.manager)
	if rec.Code != http.StatusOK {
		t.Fatalf("dashboard: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	var alerts []string
	testid(d, "dashboard-alerts").Find("li").Each(func(_ int, li *goquery.Selection) { alerts = append(alerts, strings.TrimSpace(li.Text())) })
	want := []string{
		"Chantier CH-1 · École : Document « PPSPS » expire le",
		"Chantier CH-2 · Gymnase : Document « PPSPS » expire le",
		"Chantier CH-2 · Gymnase : Jalon « Réception » en retard",
	}
	for _, w := range want {
		if !containsPrefix(alerts, w) {
			t.Errorf("no alert %q in %q", w, alerts)
		}
	}
	for _, a := range alerts {
		if strings.Contains(a, "CACES") && strings.HasPrefix(a, "Chantier") {
			t.Errorf("a clearance names a site: %q", a)
		}
	}
	if len(alerts) != 4 {
		t.Errorf("%d alerts, want 4: %q", len(alerts), alerts)
	}
	if got := strings.TrimSpace(testid(d, "dashboard-incident-"+it.inc).Find("a").Text()); got != "Chantier CH-1 · École : Autre" {
		t.Errorf("incident line %q", got)
	}

	// English (the manager's own language)
	boss, err := it.App().FindAuthRecordByEmail("users", "boss@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	boss.Set("locale", "en")
	if err := it.App().Save(boss); err != nil {
		t.Fatal(err)
	}
	rec = tenanttest.Get(t, it.Registry, it.Host(), "/dashboard", it.manager)
	body := rec.Body.String()
	for _, w := range []string{"Site CH-2 · Gymnase: Document", "Site CH-1 · École: "} {
		if !strings.Contains(body, w) {
			t.Errorf("English dashboard lacks %q", w)
		}
	}

	// the site page shows its own alerts without repeating its name
	rec = tenanttest.Get(t, it.Registry, it.Host(), "/sites/"+it.site2, it.manager)
	site := testid(doc(t, rec.Body.String()), "site-alerts").Text()
	if !strings.Contains(site, "Milestone") || strings.Contains(site, "Site CH-2") {
		t.Errorf("site page alerts %q", site)
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
