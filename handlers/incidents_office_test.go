package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// incidentTenant: site CH-1 (pm, lead, crew in its team) with A
// "Terrassement" (3 d, from Monday 2 March 2026) → B "Fondations" (2 d)
// FS, a second site CH-2 led by other, and an open incident on CH-1
// reported by the crew member.
type incidentTenant struct {
	ganttTenant
	inc, site2                 string
	lead, other, crew, manager *http.Cookie
	leadID                     string
}

func newIncidentTenant(t *testing.T) incidentTenant {
	t.Helper()
	g := newGanttTenant(t)
	it := incidentTenant{ganttTenant: g}
	lead, err := g.App().FindAuthRecordByEmail("users", "lead@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	crew, err := g.App().FindAuthRecordByEmail("users", "crew@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	it.leadID = lead.Id
	site, _ := g.App().FindRecordById("sites", g.site)
	site.Set("site_lead", lead.Id)
	site.Set("team", []string{crew.Id})
	if err := g.App().Save(site); err != nil {
		t.Fatal(err)
	}
	other := g.User(domain.RoleSiteLead, "other@acme.test")
	g.User(domain.RoleManager, "boss@acme.test")
	it.site2 = g.Record("sites", map[string]any{"code": "CH-2", "name": "Gymnase", "sector": "btp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "site_lead": other.Id}).Id
	it.inc = g.Record("incidents", map[string]any{"site": g.site, "kind": "other", "severity": "low",
		"description": "Fuite sur le réseau", "reported_by": crew.Id}).Id
	it.lead = g.Login("lead@acme.test", tenanttest.Password)
	it.other = g.Login("other@acme.test", tenanttest.Password)
	it.crew = g.Login("crew@acme.test", tenanttest.Password)
	it.manager = g.Login("boss@acme.test", tenanttest.Password)
	return it
}

func (it incidentTenant) post(t *testing.T, suffix string, v url.Values, c *http.Cookie) (int, string) {
	t.Helper()
	rec := tenanttest.PostForm(t, it.Registry, it.Host(), "/sites/"+it.site+"/incidents/"+it.inc+suffix, v, c)
	return rec.Code, rec.Body.String()
}

func qualify(days, eur string) url.Values {
	return url.Values{"kind": {"safety"}, "severity": {"high"}, "description": {"Chute d'un garde-corps"},
		"task": {""}, "impact_days": {days}, "impact_eur": {eur}}
}

func (it incidentTenant) end(t *testing.T, id string) string {
	t.Helper()
	r, err := it.App().FindRecordById("tasks", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetDateTime("planned_end").Time().Format(time.DateOnly)
}

func TestIncidentQualifyImpactDaysMovesSchedule(t *testing.T) {
	t.Parallel()
	it := newIncidentTenant(t)
	if got := it.start(t, it.b); got != "2026-03-05" {
		t.Fatalf("B starts %s before the impact", got)
	}
	audits := func() int64 {
		n, err := it.App().CountRecords("audit_events", dbx.HashExp{"collection": "tasks", "record": it.b})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := audits()
	v := qualify("2", "1250")
	v.Set("task", it.a)
	v.Set("assigned_to", it.leadID)
	if code, body := it.post(t, "", v, it.lead); code != http.StatusSeeOther {
		t.Fatalf("qualify: %d %s", code, body)
	}
	inc, err := domain.FindIncident(it.App(), it.inc)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Kind() != "safety" || inc.Severity() != "high" || inc.ImpactDays() != 2 || inc.ImpactEUR() != 1250 ||
		inc.AssignedToID() != it.leadID || inc.TaskID() != it.a || inc.Status() != "in_progress" {
		t.Fatalf("incident after qualify: %v", inc.PublicExport())
	}
	// A lasts 5 working days (Mon 2 → Fri 6), B follows on Mon 9 → Tue 10.
	if a, b, bEnd := it.end(t, it.a), it.start(t, it.b), it.end(t, it.b); a != "2026-03-06" || b != "2026-03-09" || bEnd != "2026-03-10" {
		t.Fatalf("after +2 d: A ends %s, B %s → %s", a, b, bEnd)
	}
	if audits() <= before {
		t.Fatal("the successor's move is not audited")
	}
	// lowering the impact gives the days back to A, and B comes back
	v.Set("impact_days", "0")
	if code, body := it.post(t, "", v, it.lead); code != http.StatusSeeOther {
		t.Fatalf("impact 0: %d %s", code, body)
	}
	if a, b := it.end(t, it.a), it.start(t, it.b); a != "2026-03-04" || b != "2026-03-05" {
		t.Fatalf("after impact 0: A ends %s, B starts %s", a, b)
	}
	page := tenanttest.Get(t, it.Registry, it.Host(), "/sites/"+it.site+"/incidents/"+it.inc+"?toast=incident_saved", it.lead)
	d := doc(t, page.Body.String())
	if page.Code != http.StatusOK || testid(d, "incident-form").Length() != 1 || !strings.Contains(page.Body.String(), "Aléa enregistré.") {
		t.Fatalf("incident page: %d", page.Code)
	}
	if got := strings.TrimSpace(testid(d, "incident-status").Text()); got != "En cours de traitement" {
		t.Fatalf("status shown %q", got)
	}
}

func TestIncidentFormErrorsPerField(t *testing.T) {
	t.Parallel()
	it := newIncidentTenant(t)
	cases := []struct {
		field string
		set   map[string]string
	}{
		{"kind", map[string]string{"kind": ""}},
		{"severity", map[string]string{"severity": "huge"}},
		{"description", map[string]string{"description": "   "}},
		{"impact_days", map[string]string{"impact_days": "-1"}},
		{"impact_days", map[string]string{"impact_days": "1.5"}},
		{"impact_days", map[string]string{"impact_days": "abc"}},
		{"impact_days", map[string]string{"impact_days": "5000", "task": it.a}},
		{"impact_eur", map[string]string{"impact_eur": "-3"}},
		{"task", map[string]string{"impact_days": "2"}},
		{"assigned_to", map[string]string{"assigned_to": "nobody12345678"}},
	}
	for _, c := range cases {
		v := qualify("0", "0")
		for k, val := range c.set {
			v.Set(k, val)
		}
		code, body := it.post(t, "", v, it.pm)
		if code != http.StatusBadRequest || testid(doc(t, body), "error-"+c.field).Length() != 1 {
			t.Errorf("%v: %d, error-%s missing", c.set, code, c.field)
		}
	}
	// a task of another site
	other := it.Record("tasks", map[string]any{"site": it.site2, "title": "Ailleurs", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 1, "status": "planned"})
	v := qualify("1", "0")
	v.Set("task", other.Id)
	if code, body := it.post(t, "", v, it.pm); code != http.StatusBadRequest || testid(doc(t, body), "error-task").Length() != 1 {
		t.Errorf("task of another site: %d", code)
	}
	if inc, _ := domain.FindIncident(it.App(), it.inc); inc.Kind() != "other" || inc.ImpactDays() != 0 {
		t.Fatalf("a refused form changed the incident: %v", inc.PublicExport())
	}
	if got := it.start(t, it.b); got != "2026-03-05" {
		t.Fatalf("a refused form moved B to %s", got)
	}
}

func TestIncidentPermissions(t *testing.T) {
	t.Parallel()
	it := newIncidentTenant(t)
	for name, c := range map[string]*http.Cookie{"crew": it.crew, "lead of another site": it.other} {
		if code, _ := it.post(t, "", qualify("0", "0"), c); code != http.StatusForbidden {
			t.Errorf("%s qualifies: %d", name, code)
		}
		if code, _ := it.post(t, "/close", url.Values{"resolution": {"Réparé"}}, c); code != http.StatusForbidden {
			t.Errorf("%s closes: %d", name, code)
		}
	}
	page := tenanttest.Get(t, it.Registry, it.Host(), "/sites/"+it.site+"/incidents/"+it.inc, it.other)
	if page.Code != http.StatusOK || testid(doc(t, page.Body.String()), "incident-form").Length() != 0 {
		t.Errorf("another site's lead sees the form: %d", page.Code)
	}
	// the incident is not reachable through another site's URL
	rec := tenanttest.Get(t, it.Registry, it.Host(), "/sites/"+it.site2+"/incidents/"+it.inc, it.manager)
	if rec.Code != http.StatusNotFound {
		t.Errorf("incident under another site: %d", rec.Code)
	}
	for name, c := range map[string]*http.Cookie{"site lead": it.lead, "project manager": it.pm, "manager": it.manager} {
		if code, body := it.post(t, "", qualify("0", "0"), c); code != http.StatusSeeOther {
			t.Errorf("%s qualifies: %d %s", name, code, body)
		}
	}
	if inc, _ := domain.FindIncident(it.App(), it.inc); inc.Severity() != "high" {
		t.Fatalf("not qualified: %s", inc.Severity())
	}
}

func TestIncidentCloseAndReopen(t *testing.T) {
	t.Parallel()
	it := newIncidentTenant(t)
	if code, body := it.post(t, "/close", url.Values{"resolution": {"  "}}, it.lead); code != http.StatusBadRequest ||
		testid(doc(t, body), "error-resolution").Length() != 1 {
		t.Fatalf("close without resolution: %d", code)
	}
	if code, _ := it.post(t, "/reopen", nil, it.lead); code != http.StatusConflict {
		t.Fatalf("reopen an open incident: %d", code)
	}
	if code, _ := it.post(t, "/close", url.Values{"resolution": {"Garde-corps remplacé"}}, it.lead); code != http.StatusSeeOther {
		t.Fatalf("close: %d", code)
	}
	inc, _ := domain.FindIncident(it.App(), it.inc)
	if inc.Status() != "closed" || inc.Resolution() != "Garde-corps remplacé" {
		t.Fatalf("closed: %s %q", inc.Status(), inc.Resolution())
	}
	for _, p := range []string{"/sites/" + it.site + "/incidents", "/sites/" + it.site + "/incidents/" + it.inc} {
		noRawValues(t, p, tenanttest.Get(t, it.Registry, it.Host(), p, it.lead).Body.String())
	}
	if code, _ := it.post(t, "/close", url.Values{"resolution": {"encore"}}, it.lead); code != http.StatusConflict {
		t.Fatalf("close twice: %d", code)
	}
	if code, _ := it.post(t, "/reopen", nil, it.crew); code != http.StatusForbidden {
		t.Fatalf("crew reopens: %d", code)
	}
	if code, _ := it.post(t, "/reopen", nil, it.pm); code != http.StatusSeeOther {
		t.Fatalf("reopen: %d", code)
	}
	if inc, _ := domain.FindIncident(it.App(), it.inc); inc.Status() != "open" {
		t.Fatalf("reopened: %s", inc.Status())
	}
}

func TestIncidentCostsAndDashboard(t *testing.T) {
	t.Parallel()
	it := newIncidentTenant(t)
	if code, body := it.post(t, "", qualify("0", "1250.5"), it.pm); code != http.StatusSeeOther {
		t.Fatalf("qualify: %d %s", code, body)
	}
	it.Record("incidents", map[string]any{"site": it.site2, "kind": "weather", "severity": "low", "description": "Pluie", "impact_eur": 100})
	rec := tenanttest.Get(t, it.Registry, it.Host(), "/sites/"+it.site+"/resources", it.pm)
	d := doc(t, rec.Body.String())
	if got := testid(d, "site-incident-cost").Text(); !strings.Contains(got, "1\u202f250,50") {
		t.Errorf("incident cost shown %q", got)
	}
	if got := testid(d, "site-total-cost").Text(); !strings.Contains(got, "1\u202f250,50") {
		t.Errorf("site total shown %q", got)
	}
	costs, err := domain.FindSiteCosts(it.App(), it.site)
	if err != nil || costs.Incidents != 1250.5 || costs.Total != 1250.5 {
		t.Fatalf("site costs %+v %v", costs, err)
	}
	// dashboard: the high-severity safety incident is listed first
	it.Record("incidents", map[string]any{"site": it.site, "kind": "quality", "severity": "medium", "description": "Reprise d'enduit"})
	rec = tenanttest.Get(t, it.Registry, it.Host(), "/dashboard", it.manager)
	d = doc(t, rec.Body.String())
	items := testid(d, "dashboard-incidents").Find("li")
	if rec.Code != http.StatusOK || items.Length() != 3 {
		t.Fatalf("dashboard: %d, %d incidents", rec.Code, items.Length())
	}
	if sev, _ := items.First().Attr("data-severity"); sev != "high" || !strings.Contains(items.First().Text(), "Sécurité") {
		t.Errorf("first incident: %s %q", sev, items.First().Text())
	}
	if testid(d, "dashboard-incident-"+it.inc).Length() != 1 {
		t.Error("the safety incident is missing from the dashboard")
	}
}
