package handlers_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/fieldops360/fieldops/tenanttest"
)

func TestPlanningPageListsSites(t *testing.T) {
	t.Parallel()
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
	// the multi-site chart: the site's span then its tasks on one axis,
	// the critical path in red, each row opening the site's Gantt
	chart := testid(d, "multi-chart")
	if chart.Find(`[data-testid="multi-site-`+g.site+`"]`).Length() != 1 {
		t.Error("multi-site chart: no row for the site")
	}
	xOf := func(id string) int {
		v, _ := chart.Find(`[data-testid="multi-` + id + `"] rect`).Attr("x")
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Errorf("bar of %s: x=%q", id, v)
		}
		return n
	}
	if ax, bx := xOf(g.a), xOf(g.b); bx <= ax {
		t.Errorf("task bars: A at x=%d, B at x=%d (B follows A)", ax, bx)
	}
	if cls, _ := chart.Find(`[data-testid="multi-` + g.b + `"] rect`).Attr("class"); cls != "gantt-bar gantt-critical" {
		t.Errorf("B's bar class %q, want critical", cls)
	}
	if href, _ := chart.Find(`[data-testid="multi-` + g.b + `"]`).Attr("href"); href != "/sites/"+g.site+"/gantt" {
		t.Errorf("B's row links to %q", href)
	}
	// site leads do not open the multi-site planning
	lead := g.Login("lead@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, g.Registry, g.Host(), "/planning", lead); rec.Code != http.StatusForbidden {
		t.Errorf("site lead: %d, want 403", rec.Code)
	}
}
