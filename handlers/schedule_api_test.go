package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// scheduleAnswer is the schedule API's JSON.
type scheduleAnswer struct {
	Site struct {
		ID           string   `json:"id"`
		Finish       string   `json:"finish"`
		CriticalPath []string `json:"critical_path"`
	} `json:"site"`
	Tasks []struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Start       string `json:"start"`
		End         string `json:"end"`
		EarlyStart  string `json:"early_start"`
		EarlyFinish string `json:"early_finish"`
		LateStart   string `json:"late_start"`
		LateFinish  string `json:"late_finish"`
		Float       int    `json:"total_float_days"`
		Critical    bool   `json:"critical"`
	} `json:"tasks"`
}

// apiPlanTenant builds a site with tasks and links through the REST API,
// as an outside integration would: A (3 d) → B (2 d) FS, A → C (1 d) SS
// lag 1; C → B FF lag 1.
type apiPlanTenant struct {
	*tenanttest.Tenant
	site, a, b, c string
	pmToken       string
}

func newAPIPlanTenant(t *testing.T) apiPlanTenant {
	t.Helper()
	tt := handlertest.New(t)
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	tt.User(domain.RoleCrew, "crew@acme.test")
	p := apiPlanTenant{Tenant: tt, pmToken: tt.Token("users", "pm@acme.test")}
	p.site = tt.Record("sites", map[string]any{"code": "CH-9", "name": "Collège", "sector": "btp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "project_manager": pm.Id}).Id
	create := func(col string, body map[string]any) string {
		rec := tenanttest.Do(t, tt.Registry, "POST", tt.Host(), "/api/collections/"+col+"/records", p.pmToken, apiJSON(body))
		if rec.Code != http.StatusOK {
			t.Fatalf("create %s: %d %s", col, rec.Code, rec.Body)
		}
		var out struct{ ID string }
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out.ID
	}
	p.a = create("tasks", map[string]any{"site": p.site, "title": "Terrassement", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 3, "status": "planned"})
	p.b = create("tasks", map[string]any{"site": p.site, "title": "Fondations", "planned_start": "2026-03-02 00:00:00.000Z", "planned_end": "2026-03-03 00:00:00.000Z", "status": "planned"})
	p.c = create("tasks", map[string]any{"site": p.site, "title": "Réseaux", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 1, "status": "todo"})
	create("task_links", map[string]any{"from": p.a, "to": p.b, "type": "FS", "lag_days": 0})
	create("task_links", map[string]any{"from": p.a, "to": p.c, "type": "SS", "lag_days": 1})
	return p
}

func TestScheduleAPI(t *testing.T) {
	t.Parallel()
	p := newAPIPlanTenant(t)
	path := "/api/fieldops/sites/" + p.site + "/schedule"
	rec := tenanttest.Do(t, p.Registry, "GET", p.Host(), path, p.pmToken, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("schedule: %d %s", rec.Code, rec.Body)
	}
	var got scheduleAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// A Mon 2–Wed 4 March; B after A: Thu 5–Fri 6 (2 days from its end);
	// C one day after A starts: Tue 3, float until Fri 6.
	want := map[string]string{
		"Terrassement": "2026-03-02 2026-03-04 2026-03-02 2026-03-04 0 true",
		"Fondations":   "2026-03-05 2026-03-06 2026-03-05 2026-03-06 0 true",
		"Réseaux":      "2026-03-03 2026-03-03 2026-03-06 2026-03-06 3 false",
	}
	if len(got.Tasks) != 3 {
		t.Fatalf("%d tasks, want 3: %s", len(got.Tasks), rec.Body)
	}
	for _, task := range got.Tasks {
		line := strings.Join([]string{task.EarlyStart, task.EarlyFinish, task.LateStart, task.LateFinish}, " ") + " " +
			itoa(task.Float) + " " + map[bool]string{true: "true", false: "false"}[task.Critical]
		if line != want[task.Title] {
			t.Errorf("%s: got %s, want %s", task.Title, line, want[task.Title])
		}
		if task.Start != task.EarlyStart || task.End != task.EarlyFinish {
			t.Errorf("%s: start/end %s/%s differ from early dates", task.Title, task.Start, task.End)
		}
	}
	if got.Site.ID != p.site || got.Site.Finish != "2026-03-06" || strings.Join(got.Site.CriticalPath, ",") != p.a+","+p.b {
		t.Errorf("site: %+v", got.Site)
	}
	// the session cookie works too
	c := p.Login("pm@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, p.Registry, p.Host(), path, c); rec.Code != http.StatusOK {
		t.Errorf("with the session cookie: %d", rec.Code)
	}
	// crews outside the site's team and anonymous callers are refused
	if rec := tenanttest.Do(t, p.Registry, "GET", p.Host(), path, p.Token("users", "crew@acme.test"), nil); rec.Code != http.StatusNotFound {
		t.Errorf("crew outside the team: %d, want 404", rec.Code)
	}
	if rec := tenanttest.Do(t, p.Registry, "GET", p.Host(), path, "", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", rec.Code)
	}
}

func TestScheduleAPICrossTenant(t *testing.T) {
	t.Parallel()
	p := newAPIPlanTenant(t)
	b := tenanttest.Provision(t, p.Registry, "beta", domain.SectorBTP)
	b.User(domain.RoleManager, "boss@beta.test")
	bSite := b.Record("sites", map[string]any{"code": "B-1", "name": "Pont", "sector": "btp", "status": "active"}).Id
	// A's token on B's host: not a user there
	if rec := tenanttest.Do(t, p.Registry, "GET", b.Host(), "/api/fieldops/sites/"+bSite+"/schedule", p.pmToken, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("A's token on B's host: %d, want 401", rec.Code)
	}
	// B's site id on A's host: unknown there
	if rec := tenanttest.Do(t, p.Registry, "GET", p.Host(), "/api/fieldops/sites/"+bSite+"/schedule", p.pmToken, nil); rec.Code != http.StatusNotFound {
		t.Errorf("B's site on A's host: %d, want 404", rec.Code)
	}
	// A's session cookie on B's host
	c := p.Login("pm@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, p.Registry, b.Host(), "/api/fieldops/sites/"+bSite+"/schedule", c); rec.Code != http.StatusUnauthorized {
		t.Errorf("A's cookie on B's host: %d, want 401", rec.Code)
	}
}

func TestTaskLinksAPIRefusals(t *testing.T) {
	t.Parallel()
	p := newAPIPlanTenant(t)
	other := p.Record("sites", map[string]any{"code": "CH-10", "name": "Lycée", "sector": "btp", "status": "active"}).Id
	foreign := p.Record("tasks", map[string]any{"site": other, "title": "Dalle", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 1}).Id
	scenarios := []struct {
		name     string
		body     map[string]any
		contains string
	}{
		{"a link closing a cycle", map[string]any{"from": p.b, "to": p.a, "type": "FS", "lag_days": 0}, "circulaires"},
		{"a longer cycle", map[string]any{"from": p.c, "to": p.a, "type": "SF", "lag_days": -2}, "Terrassement"},
		{"a self-link", map[string]any{"from": p.a, "to": p.a, "type": "FS", "lag_days": 0}, "elle-même"},
		{"a link across sites", map[string]any{"from": p.a, "to": foreign, "type": "FS", "lag_days": 0}, "même chantier"},
	}
	for _, s := range scenarios {
		rec := tenanttest.Do(t, p.Registry, "POST", p.Host(), "/api/collections/task_links/records", p.pmToken, apiJSON(s.body))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), s.contains) {
			t.Errorf("%s: %d %s, want 400 mentioning %q", s.name, rec.Code, rec.Body, s.contains)
		}
	}
	// moving A through the API pushes B (auto-scheduling)
	rec := tenanttest.Do(t, p.Registry, "PATCH", p.Host(), "/api/collections/tasks/records/"+p.a, p.pmToken, apiJSON(map[string]any{"planned_start": "2026-03-09 00:00:00.000Z"}))
	if rec.Code != http.StatusOK {
		t.Fatalf("move A: %d %s", rec.Code, rec.Body)
	}
	b, _ := p.App().FindRecordById("tasks", p.b)
	if got := b.GetDateTime("planned_start").Time().Format("2006-01-02"); got != "2026-03-12" {
		t.Errorf("B starts %s after A moved to 9 March, want 2026-03-12", got)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
