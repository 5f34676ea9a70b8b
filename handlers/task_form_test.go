package handlers_test

import (
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

// taskTenant: a public-works tenant with site AEP-1 (project manager pm,
// site lead lead, crew member crew in its team), site AEP-2 led by
// other, and reference data (a phase, work types, a crew, a vehicle, an
// equipment item).
type taskTenant struct {
	*tenanttest.Tenant
	site, site2, phase, dig, plain, crewID, van, tool string
	pmID, leadID, crewUser                            string
	pm, lead, crew, other                             *http.Cookie
	monday                                            string
}

func newTaskTenant(t *testing.T) taskTenant {
	t.Helper()
	now := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC) // a Tuesday
	reg := handlertest.NewRegistry(t, tenanttest.WithClock(func() time.Time { return now }))
	tt := tenanttest.Provision(t, reg, "tpco", domain.SectorTP)
	pm := tt.User(domain.RoleProjectManager, "pm@tpco.test")
	lead := tt.User(domain.RoleSiteLead, "lead@tpco.test")
	other := tt.User(domain.RoleSiteLead, "other@tpco.test")
	crew := tt.User(domain.RoleCrew, "crew@tpco.test")
	k := taskTenant{Tenant: tt, pmID: pm.Id, leadID: lead.Id, crewUser: crew.Id}
	k.site = tt.Record("sites", map[string]any{"code": "AEP-1", "name": "Réseau AEP", "sector": "tp", "status": "active",
		"project_manager": pm.Id, "site_lead": lead.Id, "team": []string{crew.Id}}).Id
	k.site2 = tt.Record("sites", map[string]any{"code": "AEP-2", "name": "Autre", "sector": "tp", "status": "active", "site_lead": other.Id}).Id
	k.phase = tt.Record("phases", map[string]any{"site": k.site, "name": "Terrassements"}).Id
	dig, err := tt.App().FindFirstRecordByData("work_types", "excavation", true)
	if err != nil {
		t.Fatal("no excavation work type")
	}
	plain, err := tt.App().FindFirstRecordByData("work_types", "excavation", false)
	if err != nil {
		t.Fatal("no other work type")
	}
	k.dig, k.plain = dig.Id, plain.Id
	k.crewID = tt.Record("crews", map[string]any{"name": "Équipe A", "members": []string{crew.Id}, "active": true}).Id
	k.van = tt.Record("vehicles", map[string]any{"plate": "AB-123-CD", "label": "Fourgon", "kind": "van", "status": "available"}).Id
	k.tool = tt.Record("equipment", map[string]any{"code": "MP-1", "name": "Mini-pelle", "status": "available"}).Id
	k.monday = "2026-03-09" // no public holiday in the next weeks
	k.pm = tt.Login("pm@tpco.test", tenanttest.Password)
	k.lead = tt.Login("lead@tpco.test", tenanttest.Password)
	k.other = tt.Login("other@tpco.test", tenanttest.Password)
	k.crew = tt.Login("crew@tpco.test", tenanttest.Password)
	return k
}

func (k taskTenant) task(t *testing.T, id string) domain.Task {
	t.Helper()
	r, err := domain.FindTask(k.App(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// form is a complete valid task form.
func (k taskTenant) form(title, workType string) url.Values {
	return url.Values{"title": {title}, "description": {"Tranchée sous chaussée"}, "phase": {k.phase}, "work_type": {workType},
		"start": {k.monday}, "duration": {"3"}, "pinned": {"true"}, "crew": {k.crewID}, "assignees": {k.crewUser},
		"vehicle": {k.van}, "equipment": {k.tool}}
}

// create posts the form and returns the new task's id.
func (k taskTenant) create(t *testing.T, c *http.Cookie, v url.Values) string {
	t.Helper()
	rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/new", v, c)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/sites/"+k.site+"/gantt") {
		t.Fatalf("create task: %d %s", rec.Code, rec.Body.String())
	}
	r, err := k.App().FindFirstRecordByFilter("tasks", "site = {:s} && title = {:t}", dbx.Params{"s": k.site, "t": v.Get("title")})
	if err != nil {
		t.Fatal(err)
	}
	return r.Id
}

// auditActors returns the actors of the audit events of a record.
func (k taskTenant) auditActors(t *testing.T, id string) []string {
	t.Helper()
	evs, err := k.App().FindRecordsByFilter(domain.CollectionAuditEvents, "record = {:r}", "seq", 0, 0, dbx.Params{"r": id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.GetString("actor"))
	}
	return out
}

func TestTaskFormCreateAndEdit(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	rec := tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/new", k.pm)
	if rec.Code != http.StatusOK {
		t.Fatalf("new task form: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	for _, id := range []string{"task-full-form", "field-title", "field-description", "field-phase", "field-work_type", "field-start", "field-end",
		"field-duration", "field-pinned", "field-crew", "field-assignees", "field-vehicle", "field-equipment", "task-save"} {
		if testid(d, id).Length() != 1 {
			t.Errorf("data-testid %q missing", id)
		}
	}
	if !strings.Contains(rec.Body.String(), "Type de travaux") || !strings.Contains(rec.Body.String(), "Mini-pelle") {
		t.Error("form not in French or equipment not offered")
	}
	id := k.create(t, k.pm, k.form("Pose canalisation", k.plain))
	tk := k.task(t, id)
	if tk.Description() != "Tranchée sous chaussée" || tk.PhaseID() != k.phase || tk.WorkTypeID() != k.plain || !tk.Pinned() ||
		tk.CrewID() != k.crewID || tk.VehicleID() != k.van || len(tk.AssigneeIDs()) != 1 || len(tk.EquipmentIDs()) != 1 || tk.Status() != domain.TaskPlanned {
		t.Errorf("saved task = %v", tk.PublicExport())
	}
	if tk.DurationDays() != 3 || tk.PlannedEnd().Sub(tk.PlannedStart()) != 48*time.Hour {
		t.Errorf("dates = %v → %v (%v d), want Monday → Wednesday", tk.PlannedStart(), tk.PlannedEnd(), tk.DurationDays())
	}
	if a := k.auditActors(t, id); len(a) != 1 || a[0] != k.pmID {
		t.Errorf("audit actors = %v, want [pm]", a)
	}
	// edit form shows the stored values; an end date gives the duration
	rec = tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/edit", k.pm)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `value="Pose canalisation"`) {
		t.Fatalf("edit form: %d", rec.Code)
	}
	v := k.form("Pose canalisation DN150", k.plain)
	mon, _ := time.Parse(time.DateOnly, k.monday)
	v.Set("end", mon.AddDate(0, 0, 7).Format(time.DateOnly))
	v.Del("equipment")
	v.Del("pinned")
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id, v, k.pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", rec.Code, rec.Body.String())
	}
	tk = k.task(t, id)
	if tk.Title() != "Pose canalisation DN150" || tk.DurationDays() != 6 || tk.Pinned() || len(tk.EquipmentIDs()) != 0 {
		t.Errorf("edited task: %q %v d pinned=%v equipment=%v", tk.Title(), tk.DurationDays(), tk.Pinned(), tk.EquipmentIDs())
	}
	if a := k.auditActors(t, id); len(a) != 2 || a[1] != k.pmID {
		t.Errorf("audit actors after edit = %v", a)
	}
	// the Gantt links to the form
	d = doc(t, tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/gantt", k.pm).Body.String())
	if testid(d, "task-new-link").Length() != 1 || testid(d, "edit-"+id).Length() != 1 || testid(d, "label-"+id).Length() != 1 ||
		testid(d, "bar-"+id).AttrOr("data-edit", "") != "/sites/"+k.site+"/tasks/"+id+"/edit" {
		t.Error("Gantt without the new-task and edit links")
	}
	d = doc(t, tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site, k.lead).Body.String())
	if href, _ := testid(d, "site-new-task").Attr("href"); href != "/sites/"+k.site+"/tasks/new" {
		t.Errorf("site page: new-task link %q", href)
	}
}

func TestTaskFormInEnglish(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	u, err := k.App().FindRecordById("users", k.pmID)
	if err != nil {
		t.Fatal(err)
	}
	u.Set("locale", "en")
	if err := k.App().Save(u); err != nil {
		t.Fatal(err)
	}
	body := tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/new", k.pm).Body.String()
	for _, want := range []string{"New task", "Work type", "Duration (working days)", "Save task"} {
		if !strings.Contains(body, want) {
			t.Errorf("English form without %q", want)
		}
	}
	rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/new", url.Values{"title": {""}, "start": {k.monday}, "duration": {"1"}}, k.pm)
	if rec.Code != http.StatusBadRequest || !strings.Contains(testid(doc(t, rec.Body.String()), "error-title").Text(), "title") {
		t.Errorf("English field error: %d", rec.Code)
	}
}

func TestTaskFormErrorsPerField(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	mon, _ := time.Parse(time.DateOnly, k.monday)
	for _, c := range []struct {
		field, value, want string
	}{
		{"title", " ", "Le titre est obligatoire"},
		{"start", "03/02/2026", ""},
		{"start", "", ""},
		{"duration", "0", ""},
		{"duration", "deux", ""},
		{"end", mon.AddDate(0, 0, -3).Format(time.DateOnly), ""},
		{"phase", "nope", "Choix inconnu"},
		{"work_type", "nope", "Choix inconnu"},
		{"vehicle", "nope", "Choix inconnu"},
		{"assignees", "nope", "Choix inconnu"},
		{"equipment", "nope", "Choix inconnu"},
	} {
		v := k.form("Tâche "+c.field, k.plain)
		v.Set(c.field, c.value)
		rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/new", v, k.pm)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s=%q: %d, want 400", c.field, c.value, rec.Code)
			continue
		}
		d := doc(t, rec.Body.String())
		msg := testid(d, "error-"+c.field)
		if msg.Length() != 1 || !strings.Contains(msg.Text(), c.want) {
			t.Errorf("%s=%q: field error %q", c.field, c.value, msg.Text())
		}
		if c.field != "title" && !strings.Contains(rec.Body.String(), `value="Tâche `+c.field+`"`) {
			t.Errorf("%s: typed-in title lost", c.field)
		}
	}
	if n, _ := k.App().CountRecords("tasks"); n != 0 {
		t.Errorf("%d tasks saved by refused forms", n)
	}
}

func TestTaskRenameAndDelete(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	id := k.create(t, k.lead, k.form("Regard", k.plain))
	rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/rename", url.Values{"title": {"Regard de visite"}}, k.lead)
	if rec.Code != http.StatusSeeOther || k.task(t, id).Title() != "Regard de visite" {
		t.Errorf("rename: %d %q", rec.Code, k.task(t, id).Title())
	}
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/rename", url.Values{"title": {""}}, k.lead)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Le titre est obligatoire") {
		t.Errorf("empty rename: %d", rec.Code)
	}
	// work recorded: a time entry refuses the delete with the reason
	worked := k.create(t, k.pm, k.form("Tranchée faite", k.plain))
	k.Record("time_entries", map[string]any{"user": k.crewUser, "site": k.site, "task": worked, "clock_in": "2026-03-03 07:00:00.000Z",
		"clock_out": "2026-03-03 09:00:00.000Z", "status": "submitted", "kind": "on_site", "source": "self"})
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+worked+"/delete", nil, k.pm)
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "du travail y est déjà enregistré") {
		t.Errorf("delete with work recorded: %d, want 409 with the reason", rec.Code)
	}
	if _, err := domain.FindTask(k.App(), worked); err != nil {
		t.Error("task with work recorded was deleted")
	}
	// a photo counts as work too
	photoTask := k.create(t, k.pm, k.form("Photo prise", k.plain))
	if worked, err := domain.TaskWorkRecorded(k.App(), photoTask); err != nil || worked {
		t.Fatalf("fresh task worked = %v %v", worked, err)
	}
	k.Record("photos", map[string]any{"subject": photoTask, "site": k.site, "by": k.crewUser})
	if rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+photoTask+"/delete", nil, k.pm); rec.Code != http.StatusConflict {
		t.Errorf("delete with a photo: %d, want 409", rec.Code)
	}
	// so does a checklist run (opened when the work started)
	runTask := k.create(t, k.pm, k.form("Checklist ouverte", k.plain))
	k.Record("checklist_runs", map[string]any{"task": runTask})
	if rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+runTask+"/delete", nil, k.pm); rec.Code != http.StatusConflict {
		t.Errorf("delete with a checklist run: %d, want 409", rec.Code)
	}
	// no work: deleted, audited
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/delete", nil, k.lead)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body.String())
	}
	if _, err := domain.FindTask(k.App(), id); err == nil {
		t.Error("task not deleted")
	}
	if a := k.auditActors(t, id); len(a) < 3 || a[len(a)-1] != k.leadID {
		t.Errorf("delete audit actors = %v", a)
	}
}

func TestTaskFormPermissions(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	id := k.create(t, k.pm, k.form("Branchement", k.plain))
	for _, c := range []struct {
		name   string
		cookie *http.Cookie
		want   int
	}{{"crew", k.crew, http.StatusForbidden}, {"lead of another site", k.other, http.StatusForbidden}} {
		if rec := tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/new", c.cookie); rec.Code != c.want {
			t.Errorf("%s GET new: %d, want %d", c.name, rec.Code, c.want)
		}
		if rec := tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/edit", c.cookie); rec.Code != c.want {
			t.Errorf("%s GET edit: %d, want %d", c.name, rec.Code, c.want)
		}
		for _, path := range []string{"/tasks/new", "/tasks/" + id, "/tasks/" + id + "/rename", "/tasks/" + id + "/delete"} {
			rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+path, k.form("Piratage", k.plain), c.cookie)
			if rec.Code != c.want {
				t.Errorf("%s POST %s: %d, want %d", c.name, path, rec.Code, c.want)
			}
		}
	}
	if tk := k.task(t, id); tk.Title() != "Branchement" {
		t.Errorf("task changed by a refused user: %q", tk.Title())
	}
	if n, _ := k.App().CountRecords("tasks"); n != 1 {
		t.Errorf("%d tasks, want 1", n)
	}
	// the site lead of the site edits it
	v := k.form("Branchement particulier", k.plain)
	if rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id, v, k.lead); rec.Code != http.StatusSeeOther {
		t.Errorf("lead edit: %d", rec.Code)
	}
	// a task of another site is not found through this site
	other := k.Record("tasks", map[string]any{"site": k.site2, "title": "Ailleurs", "planned_start": k.monday + " 00:00:00.000Z", "duration_days": 1, "status": "planned"})
	if rec := tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+other.Id+"/edit", k.pm); rec.Code != http.StatusNotFound {
		t.Errorf("task of another site: %d, want 404", rec.Code)
	}
}

// startAsAPI starts a task through the REST API as the crew's phone does.
func (k taskTenant) startAsAPI(t *testing.T, id, email string) int {
	t.Helper()
	rec := tenanttest.Do(t, k.Registry, http.MethodPatch, k.Host(), "/api/collections/tasks/records/"+id, k.Token("users", email), strings.NewReader(`{"status":"in_progress"}`))
	return rec.Code
}

func TestTaskFormGatesAndUrgentWorks(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	id := k.create(t, k.pm, k.form("Tranchée AEP", k.dig))
	if code := k.startAsAPI(t, id, "pm@tpco.test"); code != http.StatusBadRequest {
		t.Errorf("start an excavation without DT-DICT: %d, want 400", code)
	}
	// the form offers the declaration
	d := doc(t, tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/edit", k.lead).Body.String())
	link := testid(d, "urgent-link")
	if href, _ := link.Attr("href"); href != "/sites/"+k.site+"/tasks/"+id+"/urgent" {
		t.Fatalf("urgent link = %q", href)
	}
	urgent := "/sites/" + k.site + "/tasks/" + id + "/urgent"
	if rec := tenanttest.Get(t, k.Registry, k.Host(), urgent, k.crew); rec.Code != http.StatusForbidden {
		t.Errorf("crew opens the declaration: %d, want 403", rec.Code)
	}
	if rec := tenanttest.PostForm(t, k.Registry, k.Host(), urgent, url.Values{"urgent_reason": {"Fuite importante"}}, k.other); rec.Code != http.StatusForbidden {
		t.Errorf("lead of another site declares: %d, want 403", rec.Code)
	}
	rec := tenanttest.PostForm(t, k.Registry, k.Host(), urgent, url.Values{"urgent_reason": {"Fuite"}}, k.lead)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-urgent_reason").Length() != 1 {
		t.Errorf("short reason: %d", rec.Code)
	}
	if k.task(t, id).UrgentWorks() {
		t.Fatal("urgent works declared with a short reason")
	}
	if rec := tenanttest.Get(t, k.Registry, k.Host(), urgent, k.lead); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "R554-32") {
		t.Errorf("declaration page: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), urgent, url.Values{"urgent_reason": {"Fuite sur réseau AEP, rue de la Gare"}}, k.lead)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body.String())
	}
	tk := k.task(t, id)
	if !tk.UrgentWorks() || tk.UrgentReason() != "Fuite sur réseau AEP, rue de la Gare" {
		t.Errorf("declaration not stored: %v %q", tk.UrgentWorks(), tk.UrgentReason())
	}
	if a := k.auditActors(t, id); a[len(a)-1] != k.leadID {
		t.Errorf("declaration audit actors = %v, want the lead last", a)
	}
	d = doc(t, tenanttest.Get(t, k.Registry, k.Host(), "/sites/"+k.site+"/tasks/"+id+"/edit", k.pm).Body.String())
	lead, _ := domain.FindPerson(k.App(), k.leadID)
	if got := testid(d, "urgent-declared").Text(); !strings.Contains(got, "Travaux urgents déclarés par "+lead.Name()+" le ") || !strings.Contains(got, "rue de la Gare") ||
		testid(d, "urgent-link").Length() != 0 {
		t.Errorf("edit page after the declaration: %q", got)
	}
	if code := k.startAsAPI(t, id, "pm@tpco.test"); code != http.StatusOK {
		t.Errorf("start after the declaration: %d, want 200", code)
	}
}

func TestTaskValidation(t *testing.T) {
	t.Parallel()
	k := newTaskTenant(t)
	today := "2026-03-03 00:00:00.000Z"
	mk := func(site, title, status string) string {
		return k.Record("tasks", map[string]any{"site": site, "title": title, "planned_start": today, "duration_days": 1, "status": status}).Id
	}
	a, b, c := mk(k.site, "Pose A", "done"), mk(k.site, "Pose B", "done"), mk(k.site, "Pose C", "in_progress")
	elsewhere := mk(k.site2, "Ailleurs", "done")
	d := doc(t, tenanttest.Get(t, k.Registry, k.Host(), "/today", k.lead).Body.String())
	if testid(d, "validate-"+a).Length() != 1 || testid(d, "validate-pick-"+b).Length() != 1 || testid(d, "validate-"+elsewhere).Length() != 0 || testid(d, "validate-"+c).Length() != 0 {
		t.Error("daily plan: validate controls wrong (own done tasks only)")
	}
	status := func(id string) string { return k.task(t, id).Status() }
	// one
	rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/today/validate", url.Values{"task": {a}}, k.lead)
	if rec.Code != http.StatusSeeOther || status(a) != domain.TaskValidated {
		t.Fatalf("validate one: %d %s", rec.Code, status(a))
	}
	// refused batches change nothing
	for _, r := range []struct {
		name   string
		cookie *http.Cookie
		ids    []string
		want   int
	}{
		{"not done", k.lead, []string{b, c}, http.StatusConflict},
		{"other site", k.lead, []string{b, elsewhere}, http.StatusForbidden},
		{"none", k.lead, nil, http.StatusBadRequest},
		{"crew", k.crew, []string{b}, http.StatusForbidden},
	} {
		rec := tenanttest.PostForm(t, k.Registry, k.Host(), "/today/validate", url.Values{"task": r.ids}, r.cookie)
		if rec.Code != r.want {
			t.Errorf("%s: %d, want %d", r.name, rec.Code, r.want)
		}
	}
	if status(b) != domain.TaskDone || status(elsewhere) != domain.TaskDone {
		t.Error("a refused batch validated a task")
	}
	// bulk by the project manager (an office role)
	rec = tenanttest.PostForm(t, k.Registry, k.Host(), "/today/validate", url.Values{"task": {a, b}}, k.pm)
	if rec.Code != http.StatusSeeOther || status(b) != domain.TaskValidated || !strings.Contains(rec.Header().Get("Location"), "validated=1") {
		t.Errorf("bulk: %d %s %s", rec.Code, status(b), rec.Header().Get("Location"))
	}
	if a := k.auditActors(t, b); a[len(a)-1] != k.pmID {
		t.Errorf("validation audit actors = %v", a)
	}
}
