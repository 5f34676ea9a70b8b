package handlers_test

import (
	"net/http"
	"testing"

	"github.com/fieldops360/fieldops/tenants/tenanttest"
)

func TestPlanningPageListsSites(t *testing.T) {
	g := newGanttTenant(t)
	g.Record("sites", map[string]any{"code": "CH-0", "name": "Archivé", "sector": "btp", "status": "done"})
	rec := tenanttest.Get(t, g.Registry, g.Host(), "/planning", g.pm)
	if rec.Code != http.StatusOK {
		t.Fatalf("planning: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	for _, id := range []string{"planning-page", "plan-site-" + g.site, "plan-task-" + g.a, "plan-critical-" + g.b, "gantt-link-" + g.site} {
		if testid(d, id).Length() != 1 {
			t.Errorf("data-testid %q missing", id)
		}
	}
	if href, _ := testid(d, "gantt-link-"+g.site).Attr("href"); href != "/sites/"+g.site+"/gantt" {
		t.Errorf("Gantt link %q", href)
	}
	if n := d.Find(`[data-testid^="plan-site-"]`).Length(); n != 1 {
		t.Errorf("%d sites listed, want 1 (done sites are left out)", n)
	}
	// site leads do not open the multi-site planning
	lead := g.Login("lead@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, g.Registry, g.Host(), "/planning", lead); rec.Code != http.StatusForbidden {
		t.Errorf("site lead: %d, want 403", rec.Code)
	}
}
