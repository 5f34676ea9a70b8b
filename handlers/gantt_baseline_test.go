package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestGanttBaseline saves a baseline, moves the first task by two working
// days and checks the comparison: frozen bars drawn, slip of each task
// and of the site's finish, the audit trail, and the refusals.
func TestGanttBaseline(t *testing.T) {
	t.Parallel()
	g := newGanttTenant(t)
	base := "/sites/" + g.site
	// no name: the form comes back with the message, nothing saved
	rec := tenanttest.PostForm(t, g.Registry, g.Host(), base+"/baselines", url.Values{"name": {"  "}}, g.pm)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Donnez un nom") {
		t.Fatalf("empty name: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, g.Registry, g.Host(), base+"/baselines", url.Values{"name": {"Planning signé"}}, g.pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save baseline: %d %s", rec.Code, rec.Body.String())
	}
	loc := rec.Header().Get("Location")
	u, _ := url.Parse(loc)
	id := u.Query().Get("baseline")
	if id == "" {
		t.Fatalf("redirect without the baseline: %q", loc)
	}
	n, _ := g.App().CountRecords(domain.CollectionAuditEvents)
	if _, err := g.App().FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'plan_baselines' && record = {:r} && action = 'create'", map[string]any{"r": id}); err != nil {
		t.Errorf("baseline not in the audit trail (%d events): %v", n, err)
	}
	// same name again: refused
	rec = tenanttest.PostForm(t, g.Registry, g.Host(), base+"/baselines", url.Values{"name": {"planning SIGNÉ"}}, g.pm)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "existe déjà") {
		t.Errorf("duplicate name: %d", rec.Code)
	}

	// A (3 d from Mon 2 March) moves to Wed 4 March: A ends Fri 6 (+2), B
	// (was Thu 5–Fri 6) follows to Mon 9–Tue 10 (+2 over the weekend).
	if rec := tenanttest.PostForm(t, g.Registry, g.Host(), base+"/tasks/"+g.a+"/dates", url.Values{"start": {"2026-03-04"}}, g.pm); rec.Code != http.StatusSeeOther {
		t.Fatalf("move: %d", rec.Code)
	}
	rec = tenanttest.Get(t, g.Registry, g.Host(), base+"/gantt?baseline="+id, g.pm)
	if rec.Code != http.StatusOK {
		t.Fatalf("compare: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	for _, tid := range []string{"base-" + g.a, "base-" + g.b, "baseline-summary", "baseline-delete"} {
		if testid(d, tid).Length() != 1 {
			t.Errorf("data-testid %q missing", tid)
		}
	}
	if got := strings.TrimSpace(testid(d, "slip-"+g.b).Text()); !strings.Contains(got, "+2 j ouvrés") {
		t.Errorf("slip of B = %q, want +2 j ouvrés", got)
	}
	if got := testid(d, "baseline-summary").Text(); !strings.Contains(got, "Planning signé") || !strings.Contains(got, "+2 j ouvrés") {
		t.Errorf("finish summary = %q", got)
	}
	// the frozen bar of A stays at Monday 2 March while its bar moved
	bx, _ := testid(d, "base-"+g.a).Attr("x")
	ax, _ := testid(d, "bar-"+g.a).Attr("x")
	if bx == ax {
		t.Errorf("frozen bar at x=%s like the moved bar", bx)
	}
	// the live stream keeps the comparison
	if got, _ := d.Find("#gantt-live").Attr("data-on-load"); !strings.Contains(got, "baseline="+id) {
		t.Errorf("stream without the baseline: %q", got)
	}
	// a new task after the baseline is marked new
	rec = tenanttest.PostForm(t, g.Registry, g.Host(), base+"/tasks", url.Values{"title": {"Réseaux"}, "start": {"2026-03-02"}, "duration": {"1"}}, g.pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add task: %d", rec.Code)
	}
	rec = tenanttest.Get(t, g.Registry, g.Host(), base+"/gantt?baseline="+id, g.pm)
	if !strings.Contains(rec.Body.String(), "Nouvelle") {
		t.Errorf("new task not marked")
	}
	// the crew cannot save baselines, another tenant cannot see them
	crew := g.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, g.Registry, g.Host(), base+"/baselines", url.Values{"name": {"Crew"}}, crew); rec.Code != http.StatusForbidden {
		t.Errorf("crew saves a baseline: %d, want 403", rec.Code)
	}
	lead := g.Login("lead@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, g.Registry, g.Host(), base+"/baselines/"+id+"/delete", nil, lead); rec.Code != http.StatusForbidden {
		t.Errorf("a site lead of another site deletes a baseline: %d, want 403", rec.Code)
	}
	other := tenanttest.Provision(t, g.Registry, "beta", domain.SectorBTP)
	oSite := other.Record("sites", map[string]any{"code": "B-1", "name": "Pont", "sector": "btp", "status": "active"}).Id
	if rec := tenanttest.PostForm(t, g.Registry, g.Host(), "/sites/"+oSite+"/baselines", url.Values{"name": {"X"}}, g.pm); rec.Code != http.StatusNotFound {
		t.Errorf("baseline on another tenant's site: %d, want 404", rec.Code)
	}
	if rec := tenanttest.PostForm(t, g.Registry, g.Host(), "/sites/"+g.site+"/baselines/nope/delete", nil, g.pm); rec.Code != http.StatusNotFound {
		t.Errorf("unknown baseline: %d, want 404", rec.Code)
	}
	// delete
	if rec := tenanttest.PostForm(t, g.Registry, g.Host(), base+"/baselines/"+id+"/delete", nil, g.pm); rec.Code != http.StatusSeeOther {
		t.Errorf("delete: %d", rec.Code)
	}
	if n, _ := g.App().CountRecords(domain.CollectionBaselines); n != 0 {
		t.Errorf("%d baselines after delete", n)
	}
}
