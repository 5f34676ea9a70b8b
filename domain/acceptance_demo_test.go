package domain_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestDemoAcceptance: the demo's finished site has a signed acceptance
// report with one reservation open, one lifted and one accepted, and the
// demo's dispatch week is untouched by the reservations' tasks; the
// site's KPIs compute.
func TestDemoAcceptance(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	must(t, domain.SeedDemoAt(app, now))
	site, err := app.FindFirstRecordByFilter(domain.CollectionSites, "code = {:c}", dbx.Params{"c": "CH-2025-042"})
	must(t, err)
	sums, err := domain.ClientAcceptances(app, site.Id)
	must(t, err)
	if len(sums) != 1 {
		t.Fatalf("%d reports on the demo's finished site, want 1", len(sums))
	}
	s := sums[0]
	if s.Status != domain.AcceptanceSigned || !s.CompanySigned || !s.ClientSigned || s.Open != 1 || s.Lifted != 1 || s.Accepted != 1 {
		t.Errorf("demo report %+v, want signed with one open, one lifted, one accepted", s)
	}
	// the finished site has no cost and phaseless reservation tasks: its
	// figures compute (a nil cost map once panicked there)
	if _, err := domain.ComputeSiteKPIs(app, site.Id, time.Time{}, now); err != nil {
		t.Errorf("site KPIs: %v", err)
	}
	claire, err := app.FindAuthRecordByEmail("users", "claire.martin@demo.fieldops360.fr")
	must(t, err)
	w, err := domain.LoadDispatchWeek(app, claire, now)
	must(t, err)
	if len(w.Tasks) != 6 {
		t.Errorf("the dispatch week has %d tasks, want the demo's 6", len(w.Tasks))
	}
}
