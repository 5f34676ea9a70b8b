package handlers_test

import (
	"github.com/pocketbase/pocketbase/core"

	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// checklistTenant: a manager, a site lead, two crew members of the site's
// team, a task of today assigned to the first one whose work type has a
// checklist (required check and measure 20–50 mm, optional text).
type checklistTenant struct {
	*tenanttest.Tenant
	manager, lead, crew, crew2, site, task, tpl, wt string
}

func newChecklistTenant(t *testing.T) checklistTenant {
	t.Helper()
	tt := handlertest.New(t)
	ct := checklistTenant{Tenant: tt}
	ct.manager = tt.User(domain.RoleManager, "boss@acme.test").Id
	ct.lead = tt.User(domain.RoleSiteLead, "lead@acme.test").Id
	ct.crew = tt.User(domain.RoleCrew, "crew@acme.test").Id
	ct.crew2 = tt.User(domain.RoleCrew, "crew2@acme.test").Id
	ct.tpl = tt.Record("checklist_templates", map[string]any{"code": "coulage_test", "name": "Contrôle coulage", "items": []map[string]any{
		{"id": "coffrage", "label": "Coffrage propre", "type": "check", "required": true},
		{"id": "enrobage", "label": "Enrobage", "type": "measure", "unit": "mm", "min": 20, "max": 50, "required": true},
		{"id": "note", "label": "Remarques", "type": "text"},
	}}).Id
	ct.wt = tt.Record("work_types", map[string]any{"code": "voile_test", "name": "Voile béton", "sector": "btp", "checklist": ct.tpl}).Id
	ct.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "address": "1 rue de la Paix, Nantes",
		"lat": 47.2184, "lng": -1.5536, "site_lead": ct.lead, "team": []string{ct.crew, ct.crew2}}).Id
	today := time.Now().UTC().Truncate(24 * time.Hour)
	ct.task = tt.Record("tasks", map[string]any{"site": ct.site, "title": "Voile R+1", "work_type": ct.wt, "status": "planned",
		"assignees": []string{ct.crew}, "planned_start": today, "duration_days": 1}).Id
	return ct
}

func (ct checklistTenant) status(t *testing.T) string {
	t.Helper()
	r, err := ct.App().FindRecordById("tasks", ct.task)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("status")
}

func TestChecklistBuilderValidationReorderAndSave(t *testing.T) {
	t.Parallel()
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	mc := ct.Login("boss@acme.test", tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/checklists", mc).Body.String())
	if testid(d, "checklist-"+ct.tpl).Length() != 1 || !strings.Contains(testid(d, "checklist-"+ct.tpl).Text(), "Voile béton") {
		t.Errorf("list does not show the template with its work type")
	}
	if testid(d, "nav-checklists").Length() != 1 {
		t.Error("no navigation entry for the manager")
	}
	for _, who := range []string{"crew@acme.test", "lead@acme.test"} {
		if rec := tenanttest.Get(t, reg, host, "/checklists", ct.Login(who, tenanttest.Password)); rec.Code != http.StatusForbidden {
			t.Errorf("%s on /checklists: %d, want 403", who, rec.Code)
		}
	}

	form := url.Values{"name": {"Réception"}, "code": {"reception_x"}, "count": {"3"},
		"item.0.id": {"a"}, "item.0.label": {"Propreté"}, "item.0.type": {"check"}, "item.0.required": {"1"},
		"item.1.id": {"b"}, "item.1.label": {""}, "item.1.type": {"text"},
		"item.2.id": {"c"}, "item.2.label": {"Température"}, "item.2.type": {"measure"}, "item.2.min": {"35"}, "item.2.max": {"5"},
		"work_types": {ct.wt}, "action": {"save"}}
	rec := tenanttest.PostForm(t, reg, host, "/checklists/new", form, mc)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("invalid template: %d", rec.Code)
	}
	d = doc(t, rec.Body.String())
	for _, f := range []string{"item.1.label", "item.2.unit", "item.2.min"} {
		if testid(d, "error-"+f).Length() != 1 {
			t.Errorf("no message for %s", f)
		}
	}
	if v, _ := testid(d, "field-item.2.label").Attr("value"); v != "Température" {
		t.Errorf("typed label lost: %q", v)
	}
	if v, _ := testid(d, "field-name").Attr("value"); v != "Réception" {
		t.Errorf("typed name lost: %q", v)
	}
	if _, ok := testid(d, "wt-"+ct.wt).Attr("checked"); !ok {
		t.Error("the ticked work type was lost")
	}

	// move item 2 up: redrawn, nothing saved, the moved item's button focused
	form.Set("action", "up:2")
	d = doc(t, tenanttest.PostForm(t, reg, host, "/checklists/new", form, mc).Body.String())
	if v, _ := testid(d, "field-item.1.label").Attr("value"); v != "Température" {
		t.Errorf("after up:2 item 1 = %q", v)
	}
	if _, ok := testid(d, "item-up-1").Attr("autofocus"); !ok {
		t.Error("focus does not follow the moved item")
	}
	// remove the empty item (now at index 2), fix the bounds and save
	form = url.Values{"name": {"Réception"}, "code": {"reception_x"}, "count": {"3"},
		"item.0.id": {"a"}, "item.0.label": {"Propreté"}, "item.0.type": {"check"}, "item.0.required": {"1"},
		"item.1.id": {"c"}, "item.1.label": {"Température"}, "item.1.type": {"measure"}, "item.1.unit": {"°C"}, "item.1.min": {"5"}, "item.1.max": {"35,5"},
		"item.2.id": {"b"}, "item.2.label": {""}, "item.2.type": {"text"}, "work_types": {ct.wt}, "action": {"remove:2"}}
	d = doc(t, tenanttest.PostForm(t, reg, host, "/checklists/new", form, mc).Body.String())
	if testid(d, "item-2").Length() != 0 || testid(d, "item-1").Length() != 1 {
		t.Error("remove:2 did not drop the item")
	}
	form.Set("count", "2")
	form.Set("action", "save")
	rec = tenanttest.PostForm(t, reg, host, "/checklists/new", form, mc)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	saved, err := ct.App().FindFirstRecordByData("checklist_templates", "code", "reception_x")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := domain.ParseChecklistItems([]byte(saved.GetString("items")))
	if len(items) != 2 || items[1].ID != "c" || items[1].Max == nil || *items[1].Max != 35.5 || !items[0].Required {
		t.Errorf("saved items %+v", items)
	}
	wt, _ := ct.App().FindRecordById("work_types", ct.wt)
	if wt.GetString("checklist") != saved.Id {
		t.Error("the work type was not linked to the new template")
	}
	if _, err := ct.App().FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'checklist_templates' && record = {:id} && actor = {:a}",
		dbx.Params{"id": saved.Id, "a": ct.manager}); err != nil {
		t.Error("no audit event by the manager for the new template")
	}
	// edit page shows it; the REST API refuses an invalid template with the reason
	if rec := tenanttest.Get(t, reg, host, "/checklists/"+saved.Id, mc); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Température") {
		t.Errorf("edit page: %d", rec.Code)
	}
	api := tenanttest.Do(t, reg, "POST", host, "/api/collections/checklist_templates/records", ct.Token("users", "boss@acme.test"),
		apiJSON(map[string]any{"code": "x_y", "name": "X", "items": []map[string]any{{"id": "a", "label": "T", "type": "measure"}}}))
	if api.Code != 400 || !strings.Contains(api.Body.String(), "unité") {
		t.Errorf("REST invalid template: %d %s", api.Code, api.Body)
	}
}

func TestCrewTaskDetailAccess(t *testing.T) {
	t.Parallel()
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	c := ct.Login("crew@acme.test", tenanttest.Password)

	home := doc(t, tenanttest.Get(t, reg, host, "/m/", c).Body.String())
	if href, _ := testid(home, "task-link").Attr("href"); href != "/m/tasks/"+ct.task {
		t.Errorf("home task link = %q", href)
	}
	rec := tenanttest.Get(t, reg, host, "/m/tasks/"+ct.task, c)
	if rec.Code != 200 {
		t.Fatalf("assigned crew: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	if testid(d, "task-title").Text() != "Voile R+1" || !strings.Contains(testid(d, "task-site").Text(), "CH-1") || testid(d, "task-start").Length() != 1 {
		t.Error("task, site or start button missing")
	}
	if href, _ := testid(d, "task-map").Attr("href"); !strings.Contains(href, "openstreetmap.org") {
		t.Errorf("map link %q", href)
	}
	if testid(d, "cl-input-enrobage").Length() != 1 || !strings.Contains(d.Find("#clh-enrobage").Text(), "20 – 50 mm") {
		t.Error("measure input with its bounds hint missing")
	}
	// not started: only an explicit start-of-work report may be signed
	for _, k := range []string{"photos", "sign_start", "consumption", "incident", "time", "proof"} {
		if testid(d, "task-link-"+k).Length() != 1 {
			t.Errorf("no %s link", k)
		}
	}
	run, _ := domain.FindChecklistRun(ct.App(), ct.task)
	if run == nil {
		t.Fatal("first open did not create the run")
	}
	// a team member not assigned: 404; the site lead: 200
	if rec := tenanttest.Get(t, reg, host, "/m/tasks/"+ct.task, ct.Login("crew2@acme.test", tenanttest.Password)); rec.Code != http.StatusNotFound {
		t.Errorf("unassigned crew: %d", rec.Code)
	}
	if rec := tenanttest.Get(t, reg, host, "/m/tasks/"+ct.task, ct.Login("lead@acme.test", tenanttest.Password)); rec.Code != 200 {
		t.Errorf("site lead: %d", rec.Code)
	}
	// the service worker precaches the page of the crew's task
	if sw := tenanttest.Get(t, reg, host, "/m/sw.js", c).Body.String(); !strings.Contains(sw, `"/m/tasks/`+ct.task+`"`) || !strings.Contains(sw, `"/m/tasks/`+ct.task+`/sign"`) || !strings.Contains(sw, "/assets/js/checklist.") {
		t.Error("sw.js does not precache the task page or checklist.js")
	}
	// office read-only view with who/when; not for crews
	if rec := tenanttest.Get(t, reg, host, "/tasks/"+ct.task+"/checklist", c); rec.Code != http.StatusForbidden {
		t.Errorf("crew on the office view: %d", rec.Code)
	}

	// across tenants: A's cookie is anonymous on B; B's user gets 404 for A's task id
	b := tenanttest.Provision(t, reg, "beta", domain.SectorTP)
	if rec := tenanttest.Get(t, reg, b.Host(), "/m/tasks/"+ct.task, c); rec.Code == 200 {
		t.Errorf("A's cookie on B: %d", rec.Code)
	}
	b.User(domain.RoleManager, "boss@beta.test")
	bc := b.Login("boss@beta.test", tenanttest.Password)
	for _, p := range []string{"/m/tasks/" + ct.task, "/tasks/" + ct.task + "/checklist"} {
		if rec := tenanttest.Get(t, reg, b.Host(), p, bc); rec.Code != http.StatusNotFound {
			t.Errorf("B's manager on %s: %d", p, rec.Code)
		}
	}
	if rec := tenanttest.PostForm(t, reg, b.Host(), "/m/tasks/"+ct.task+"/status", url.Values{"status": {"in_progress"}}, bc); rec.Code != http.StatusNotFound {
		t.Errorf("B's manager starting A's task: %d", rec.Code)
	}
}

func TestChecklistBlocksCompletionThroughRESTAndForms(t *testing.T) {
	t.Parallel()
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	tok := ct.Token("users", "crew@acme.test")
	patch := func(path string, body map[string]any) (int, string) {
		rec := tenanttest.Do(t, reg, "PATCH", host, path, tok, apiJSON(body))
		return rec.Code, rec.Body.String()
	}
	if code, body := patch("/api/collections/tasks/records/"+ct.task, map[string]any{"status": "in_progress"}); code != 200 {
		t.Fatalf("start: %d %s", code, body)
	}
	run, _ := domain.FindChecklistRun(ct.App(), ct.task)
	if run == nil {
		t.Fatal("starting did not create the run")
	}
	code, body := patch("/api/collections/tasks/records/"+ct.task, map[string]any{"status": "done"})
	if code != 400 || !strings.Contains(body, "Coffrage propre") || !strings.Contains(body, "Enrobage") || strings.Contains(body, "Remarques") {
		t.Fatalf("done with nothing answered: %d %s", code, body)
	}
	if ct.status(t) != "in_progress" {
		t.Fatal("the refused change was applied")
	}
	// answers through the REST API: forged complete and who are ignored
	code, body = patch("/api/collections/checklist_runs/records/"+run.Id, map[string]any{"complete": true,
		"answers": map[string]any{"coffrage": map[string]any{"value": true, "by": "someone-else"}, "enrobage": 12}})
	if code != 200 {
		t.Fatalf("answer: %d %s", code, body)
	}
	run, _ = domain.FindChecklistRun(ct.App(), ct.task)
	a := domain.ParseChecklistAnswers([]byte(run.GetString("answers")))
	if !run.GetBool("complete") || a["coffrage"].By != ct.crew || a["enrobage"].ByName != "Test crew" || !a["enrobage"].OutOfBounds || a["enrobage"].At == "" {
		t.Errorf("run complete %v answers %+v", run.GetBool("complete"), a)
	}
	// another crew member may not answer it
	other := tenanttest.Do(t, reg, "PATCH", host, "/api/collections/checklist_runs/records/"+run.Id, ct.Token("users", "crew2@acme.test"),
		apiJSON(map[string]any{"answers": map[string]any{"note": "x"}}))
	if other.Code == 200 {
		t.Error("an unassigned crew member answered the checklist")
	}
	if code, body := patch("/api/collections/tasks/records/"+ct.task, map[string]any{"status": "done"}); code != 200 {
		t.Fatalf("done once answered: %d %s", code, body)
	}

	// the forms without JavaScript: the office view shows who/when
	mc := ct.Login("boss@acme.test", tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/tasks/"+ct.task+"/checklist", mc).Body.String())
	if !strings.Contains(testid(d, "run-who-enrobage").Text(), "Test crew") || testid(d, "run-when-enrobage").Text() == "" ||
		!strings.Contains(testid(d, "run-value-enrobage").Text(), "12 mm") {
		t.Errorf("office view: %q %q %q", testid(d, "run-who-enrobage").Text(), testid(d, "run-when-enrobage").Text(), testid(d, "run-value-enrobage").Text())
	}
}

func TestCrewTaskFormsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	c := ct.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+ct.task+"/status", url.Values{"status": {"in_progress"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("start: %d", rec.Code)
	}
	rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+ct.task+"/status", url.Values{"status": {"done"}}, c)
	if rec.Code != 400 || !strings.Contains(testid(doc(t, rec.Body.String()), "task-error").Text(), "Coffrage propre") {
		t.Fatalf("finish with missing items: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/m/tasks/"+ct.task+"/checklist", url.Values{"a.enrobage": {"pas un nombre"}, "o.enrobage": {""}}, c)
	if rec.Code != 400 || !strings.Contains(testid(doc(t, rec.Body.String()), "task-error").Text(), "nombre") {
		t.Errorf("bad measure: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, "/m/tasks/"+ct.task+"/checklist", url.Values{"a.coffrage": {"true"}, "o.coffrage": {""}, "a.enrobage": {"32,5"}, "o.enrobage": {""}}, c)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("answers: %d", rec.Code)
	}
	d := doc(t, tenanttest.Get(t, reg, host, "/m/tasks/"+ct.task, c).Body.String())
	if v, _ := testid(d, "cl-input-enrobage").Attr("value"); v != "32,5" || testid(d, "cl-who-coffrage").Length() != 1 || testid(d, "task-finish").Length() != 1 {
		t.Errorf("page after answers: measure %q", v)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+ct.task+"/status", url.Values{"status": {"done"}}, c); rec.Code != http.StatusSeeOther || ct.status(t) != "done" {
		t.Errorf("finish once answered: %d %s", rec.Code, ct.status(t))
	}
}

func TestChecklistBlocksCompletionThroughSync(t *testing.T) {
	t.Parallel()
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	sync := func(ops ...map[string]any) []domain.SyncResult {
		rec := tenanttest.Do(t, reg, "POST", host, "/api/fieldops/sync", ct.Token("users", "crew@acme.test"), apiJSON(map[string]any{"operations": ops}))
		var out domain.SyncResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
			t.Fatalf("sync: %d %s", rec.Code, rec.Body)
		}
		return out.Results
	}
	res := sync(map[string]any{"key": ulid(301), "op": "update", "collection": "tasks", "id": ct.task, "data": map[string]any{"status": "in_progress"}})
	if res[0].Status != 200 {
		t.Fatalf("start: %+v", res)
	}
	run, _ := domain.FindChecklistRun(ct.App(), ct.task)
	if run == nil {
		t.Fatal("no run after a synced start")
	}
	res = sync(
		map[string]any{"key": ulid(302), "op": "update", "collection": "tasks", "id": ct.task, "data": map[string]any{"status": "done", "progress": 100}},
		map[string]any{"key": ulid(303), "op": "update", "collection": "checklist_runs", "id": run.Id, "device_time": "2026-03-02T08:30:00+01:00",
			"data": map[string]any{"complete": true, "answers": map[string]any{"coffrage": map[string]any{"value": true, "device_at": "2026-03-02T08:29:00+01:00"}}}},
		map[string]any{"key": ulid(304), "op": "update", "collection": "tasks", "id": ct.task, "data": map[string]any{"status": "done", "progress": 100}},
		map[string]any{"key": ulid(305), "op": "update", "collection": "checklist_runs", "id": run.Id,
			"data": map[string]any{"answers": map[string]any{"enrobage": map[string]any{"value": 30}}}},
		map[string]any{"key": ulid(306), "op": "update", "collection": "tasks", "id": ct.task, "data": map[string]any{"status": "done", "progress": 100}},
	)
	want := []int{400, 200, 400, 200, 200}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("op %d: %+v, want %d", i, r, want[i])
		}
	}
	if !strings.Contains(res[0].Error, "Coffrage propre") || !strings.Contains(res[0].Error, "Enrobage") || !strings.Contains(res[2].Error, "Enrobage") || strings.Contains(res[2].Error, "Coffrage") {
		t.Errorf("refusals do not list the missing items: %q / %q", res[0].Error, res[2].Error)
	}
	run, _ = domain.FindChecklistRun(ct.App(), ct.task)
	a := domain.ParseChecklistAnswers([]byte(run.GetString("answers")))
	if a["coffrage"].DeviceAt != "2026-03-02T07:29:00Z" || a["coffrage"].By != ct.crew || a["enrobage"].OutOfBounds || !run.GetBool("complete") {
		t.Errorf("answers %+v complete %v", a, run.GetBool("complete"))
	}
	if ct.status(t) != "done" {
		t.Errorf("status %s", ct.status(t))
	}
	// the audit trail holds the answers, by the crew member
	if _, err := ct.App().FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'checklist_runs' && record = {:id} && actor = {:a}",
		dbx.Params{"id": run.Id, "a": ct.crew}); err != nil {
		t.Error("no audit event of the answers by the crew member")
	}
}

// TestProofPDFHasChecklist: the proof bundle lists the checklist answers
// with who and when, and flags an out-of-bounds measure.
func TestProofPDFHasChecklist(t *testing.T) {
	t.Parallel()
	pdftotext := tenanttest.Tool(t, "pdftotext")
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	c := ct.Login("crew@acme.test", tenanttest.Password)
	tenanttest.Get(t, reg, host, "/m/tasks/"+ct.task, c) // first open creates the run
	if rec := tenanttest.PostForm(t, reg, host, "/m/tasks/"+ct.task+"/checklist", url.Values{"a.coffrage": {"true"}, "a.enrobage": {"55"}, "a.note": {"RAS"}}, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("answers: %d", rec.Code)
	}
	rec := tenanttest.Get(t, reg, host, "/tasks/"+ct.task+"/proof.pdf", c)
	if rec.Code != 200 {
		t.Fatalf("proof: %d", rec.Code)
	}
	path := filepath.Join(t.TempDir(), "proof.pdf")
	if err := os.WriteFile(path, rec.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	txt := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{"Fiche de contrôle", "Contrôle coulage", "Coffrage propre", "55 mm", "HORS TOLÉRANCE", "Test crew, le", "RAS"} {
		if !strings.Contains(txt, want) {
			t.Errorf("proof PDF lacks %q", want)
		}
	}
}

// TestChecklistTemplateDelete: the office deletes a template from its edit
// page; its work type loses it, a run already filled in keeps its items
// and answers; a crew member or site lead cannot delete; unknown → 404.
func TestChecklistTemplateDelete(t *testing.T) {
	t.Parallel()
	ct := newChecklistTenant(t)
	reg, host := ct.Registry, ct.Host()
	task, _ := ct.App().FindRecordById("tasks", ct.task)
	run, err := domain.EnsureChecklistRun(ct.App(), task, ct.crew)
	if err != nil || run == nil || len(domain.RunItems(run)) != 3 {
		t.Fatalf("run: %v %v", run, err)
	}
	if err := domain.SaveChecklistAnswers(ct.App(), mustUser(t, ct, ct.crew), run, map[string]any{"coffrage": map[string]any{"value": true}}); err != nil {
		t.Fatal(err)
	}
	mc := ct.Login("boss@acme.test", tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/checklists/"+ct.tpl, mc).Body.String())
	if a, _ := d.Find(`form[data-confirm]:has([data-testid="checklist-delete"])`).Attr("action"); a != "/checklists/"+ct.tpl+"/delete" {
		t.Fatalf("delete form action %q", a)
	}
	for _, email := range []string{"crew@acme.test", "lead@acme.test"} {
		if rec := tenanttest.PostForm(t, reg, host, "/checklists/"+ct.tpl+"/delete", nil, ct.Login(email, tenanttest.Password)); rec.Code != http.StatusForbidden {
			t.Errorf("%s deletes a template: %d, want 403", email, rec.Code)
		}
	}
	if rec := tenanttest.PostForm(t, reg, host, "/checklists/nope/delete", nil, mc); rec.Code != http.StatusNotFound {
		t.Errorf("unknown template: %d, want 404", rec.Code)
	}
	rec := tenanttest.PostForm(t, reg, host, "/checklists/"+ct.tpl+"/delete", nil, mc)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/checklists?toast=deleted" {
		t.Fatalf("delete: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if _, err := ct.App().FindRecordById("checklist_templates", ct.tpl); err == nil {
		t.Error("template still there")
	}
	if wt, _ := ct.App().FindRecordById("work_types", ct.wt); wt.GetString("checklist") != "" {
		t.Error("the work type still points at the deleted template")
	}
	run, _ = domain.FindChecklistRun(ct.App(), ct.task)
	if run == nil || len(domain.RunItems(run)) != 3 || !domain.ParseChecklistAnswers([]byte(run.GetString("answers")))["coffrage"].Value.(bool) {
		t.Errorf("the filled-in run lost its items or answers: %v", run)
	}
	if _, err := ct.App().FindFirstRecordByFilter("audit_events", "collection = 'checklist_templates' && action = 'delete' && record = {:r}", map[string]any{"r": ct.tpl}); err != nil {
		t.Errorf("deletion not audited: %v", err)
	}
}

func mustUser(t *testing.T, ct checklistTenant, id string) *core.Record {
	t.Helper()
	u, err := ct.App().FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
