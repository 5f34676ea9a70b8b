package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// predictTenant seeds a site with 15 finished tasks of one work type,
// planned 2 days and worked 3 (Monday to Wednesday), and one open task.
func predictTenant(t *testing.T) (*tenanttest.Tenant, string, string) {
	tt := handlertest.New(t)
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	wt := tt.Record("work_types", map[string]any{"code": "POSE", "name": "Pose de menuiseries", "sector": "btp", "default_days": 2})
	site := tt.Record("sites", map[string]any{"code": "CH-P", "name": "Chantier prévisions", "sector": "btp", "status": "active",
		"start": "2026-01-05 00:00:00.000Z", "project_manager": pm.Id, "team": []string{crew.Id}})
	monday := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := range 15 {
		d := monday.AddDate(0, 0, 7*i)
		task := tt.Record("tasks", map[string]any{"site": site.Id, "work_type": wt.Id, "title": "Pose " + d.Format("02/01"),
			"planned_start": d.Format(time.DateOnly), "duration_days": 2, "assignees": []string{crew.Id}, "status": "done", "progress": 100})
		for _, day := range []time.Time{d, d.AddDate(0, 0, 2)} {
			tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "task": task.Id, "clock_in": day.Add(7 * time.Hour),
				"clock_out": day.Add(15 * time.Hour), "status": "approved", "source": "office"})
		}
	}
	open := tt.Record("tasks", map[string]any{"site": site.Id, "work_type": wt.Id, "title": "Pose à venir",
		"planned_start": "2026-06-01", "duration_days": 2, "assignees": []string{crew.Id}, "status": "planned"})
	return tt, site.Id, open.Id
}

// TestDurationPredictionAPI: train from settings, the API's figures and
// reason, who may read them, tenant isolation; retraining and rollback
// (audited) from the accuracy page.
func TestDurationPredictionAPI(t *testing.T) {
	t.Parallel()
	tt, _, open := predictTenant(t)
	path := "/api/fieldops/tasks/" + open + "/duration-prediction"
	pm := tt.Token("users", "pm@acme.test")
	var p map[string]any
	get := func() {
		rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), path, pm, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("project manager: %d %s", rec.Code, rec.Body)
		}
		p = nil
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
	}
	get() // no model yet: the planned duration
	if p["p50_days"] != 2.0 || p["p80_days"] != 2.0 || p["model_version"] != 0.0 || p["n_similar"] != 0.0 {
		t.Errorf("without a model: %v", p)
	}
	cookie := tt.Login("pm@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/planning/accuracy/train", url.Values{}, cookie); rec.Code != http.StatusSeeOther {
		t.Fatalf("train: %d %s", rec.Code, rec.Body)
	}
	get() // 15 tasks planned 2 days, worked 3: P50 3, from 15 similar tasks
	if p["p50_days"] != 3.0 || p["p80_days"].(float64) < 3 || p["n_similar"] != 15.0 || p["model_version"] != 1.0 ||
		!strings.Contains(p["reason"].(string), "15") {
		t.Errorf("with model v1: %v", p)
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, cookie); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"p80_days"`) {
		t.Errorf("with a session: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct {
		who, token string
		code       int
	}{
		{"tenant admin", tt.Token("users", tt.Admin), http.StatusOK},
		{"crew", tt.Token("users", "crew@acme.test"), http.StatusForbidden},
		{"anonymous", "", http.StatusUnauthorized},
	} {
		if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), path, c.token, nil); rec.Code != c.code {
			t.Errorf("%s: %d, want %d (%s)", c.who, rec.Code, c.code, rec.Body)
		}
	}
	beta := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorTP)
	if rec := tenanttest.Do(t, tt.Registry, "GET", beta.Host(), path, beta.Token("users", beta.Admin), nil); rec.Code != http.StatusNotFound {
		t.Errorf("acme's task on beta's host: %d %s", rec.Code, rec.Body)
	}
	if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), "/api/fieldops/tasks/nope/duration-prediction", pm, nil); rec.Code != http.StatusNotFound {
		t.Errorf("unknown task: %d", rec.Code)
	}

	// retrain: same data, not worse, v2 active; roll back to v1 (audited)
	tenanttest.PostForm(t, tt.Registry, tt.Host(), "/planning/accuracy/train", url.Values{}, cookie)
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/planning/accuracy/rollback", url.Values{"version": {"1"}}, cookie)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("rollback: %d %s", rec.Code, rec.Body)
	}
	models, _ := domain.FindDurationModels(tt.App())
	if len(models) != 2 || models[0].State() != domain.DurationPrevious || models[1].State() != domain.DurationActive {
		t.Errorf("after rollback: %d models, v2 %s, v1 %s", len(models), models[0].State(), models[1].State())
	}
	if n, _ := tt.App().CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "duration_models", "record": models[1].Id, "action": "update"}); n != 2 {
		t.Errorf("v1's demotion and reactivation: %d audit events", n)
	}
	for _, c := range []struct {
		version string
		code    int
	}{{"1", http.StatusConflict}, {"9", http.StatusNotFound}, {"x", http.StatusBadRequest}} {
		if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/planning/accuracy/rollback", url.Values{"version": {c.version}}, cookie); rec.Code != c.code {
			t.Errorf("rollback %s: %d, want %d", c.version, rec.Code, c.code)
		}
	}
	crew := tt.Login("crew@acme.test", tenanttest.Password)
	for _, path := range []string{"/planning/accuracy/train", "/planning/accuracy/rollback"} {
		if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"version": {"2"}}, crew); rec.Code != http.StatusForbidden {
			t.Errorf("crew %s: %d", path, rec.Code)
		}
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/planning/accuracy", crew); rec.Code != http.StatusForbidden {
		t.Errorf("crew accuracy page: %d", rec.Code)
	}
}

// TestDurationPredictionPlanner: the task form shows P50/P80 with the
// reason, "Utiliser P80" fills the duration without saving, a save
// records the prediction, the Gantt shows the finish risk, and once the
// task is finished the accuracy page compares.
func TestDurationPredictionPlanner(t *testing.T) {
	t.Parallel()
	tt, site, open := predictTenant(t)
	cookie := tt.Login("pm@acme.test", tenanttest.Password)
	tenanttest.PostForm(t, tt.Registry, tt.Host(), "/planning/accuracy/train", url.Values{}, cookie)
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site+"/tasks/"+open+"/edit", cookie)
	body := rec.Body.String()
	for _, want := range []string{`data-testid="duration-hint"`, "15 tâches similaires", `name="use_p80"`, `data-testid="duration-p80"`} {
		if !strings.Contains(body, want) {
			t.Errorf("task form lacks %s", want)
		}
	}
	form := url.Values{"title": {"Pose à venir"}, "work_type": {""}, "start": {"2026-06-01"}, "duration": {"2"}, "use_p80": {"4"}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/sites/"+site+"/tasks/"+open, form, cookie); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), `value="4"`) {
		t.Errorf("use P80: %d", rec.Code)
	}
	if task, _ := domain.FindTask(tt.App(), open); task.DurationDays() != 2 {
		t.Errorf("use P80 saved the task: %v days", task.DurationDays())
	}
	task, _ := domain.FindTask(tt.App(), open)
	form = url.Values{"title": {"Pose à venir"}, "work_type": {task.WorkTypeID()}, "start": {"2026-06-01"}, "duration": {"2"}, "assignees": task.AssigneeIDs()}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/sites/"+site+"/tasks/"+open, form, cookie); rec.Code >= 400 {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionDurationPredictions, dbx.HashExp{"task": open, "p50_days": 3}); n != 1 {
		t.Errorf("prediction recorded: %d", n)
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site+"/gantt", cookie); !strings.Contains(rec.Body.String(), `data-testid="gantt-risk"`) {
		t.Errorf("Gantt without the risk: %d", rec.Code)
	}
	// the task finishes in 4 working days: the accuracy page compares
	task.SetStatus("done")
	if err := tt.App().Save(task.Record); err != nil {
		t.Fatal(err)
	}
	crewID := task.AssigneeIDs()[0]
	for _, d := range []string{"2026-06-01 07:00:00.000Z", "2026-06-04 07:00:00.000Z"} {
		tt.Record("time_entries", map[string]any{"user": crewID, "site": site, "task": open, "clock_in": d, "status": "approved", "source": "office"})
	}
	tenanttest.PostForm(t, tt.Registry, tt.Host(), "/planning/accuracy/train", url.Values{}, cookie)
	rec = tenanttest.Get(t, tt.Registry, tt.Host(), "/planning/accuracy", cookie)
	body = rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `data-testid="accuracy-types"`) || !strings.Contains(body, "Pose de menuiseries") ||
		!strings.Contains(body, `data-testid="accuracy-chart"`) || !strings.Contains(body, `data-testid="model-2"`) {
		t.Errorf("accuracy page: %d %s", rec.Code, body)
	}
}
