package handlers_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// readsTenant has two sites with their own crew (A: crewa, led by lead;
// B: crewb), a client, task, photo, signature, incident, document,
// clearance and absence on each side, and a costed material.
type readsTenant struct {
	*tenanttest.Tenant
	id map[string]string // name → record id
}

func newReadsTenant(t *testing.T) readsTenant {
	t.Helper()
	tt := handlertest.New(t)
	app := tt.App()
	rt := readsTenant{Tenant: tt, id: map[string]string{}}
	for _, u := range [][2]string{{"manager", domain.RoleManager}, {"pm", domain.RoleProjectManager}, {"lead", domain.RoleSiteLead},
		{"crewa", domain.RoleCrew}, {"crewb", domain.RoleCrew}} {
		r := tt.User(u[1], u[0]+"@acme.test").Record
		r.Set("hourly_cost", 42.5)
		must(t, app.Save(r))
		rt.id[u[0]] = r.Id
	}
	for _, side := range []string{"a", "b"} {
		cl := tt.Record("clients", map[string]any{"name": "Client " + side, "contact_name": "Contact " + side, "email": "client" + side + "@example.test", "phone": "+33 1 00 00 00 0" + side})
		site := map[string]any{"code": "CH-" + side, "name": "Chantier " + side, "sector": "btp", "status": "active", "client": cl.Id,
			"budget": 123457, "contract_amount": 150000, "team": []string{rt.id["crew"+side]}}
		assignees := []string{rt.id["crew"+side]}
		if side == "a" {
			site["site_lead"] = rt.id["lead"]
			assignees = append(assignees, rt.id["lead"])
		}
		s := tt.Record("sites", site)
		task := tt.Record("tasks", map[string]any{"site": s.Id, "title": "Tranchée " + side, "status": "planned", "assignees": assignees})
		crew, err := app.FindRecordById(domain.CollectionUsers, rt.id["crew"+side])
		must(t, err)
		jpg, err := filesystem.NewFileFromBytes(orientedJPEG(t, 64, 48, 1), "p"+side+".jpg")
		must(t, err)
		photo, err := domain.AddPhoto(app, crew, domain.PhotoInput{Subject: task.Id, Site: s.Id, File: jpg, Caption: "photo " + side})
		must(t, err)
		job := domain.PhotoJobOf(app, photo)
		must(t, domain.ProcessPhoto(app, testDerive, photo.Id, job.SiteName, job.Author, job.Zone))
		png, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(pngDataURL(t, true), "data:image/png;base64,"))
		sig, err := domain.AddSignature(app, crew, domain.SignatureInput{TaskID: task.Id, SignerName: "Client " + side, SignerRole: "client",
			Consent: true, PNG: png}, time.Now())
		must(t, err)
		inc, err := domain.ReportIncident(app, crew, domain.IncidentInput{Site: s.Id, Task: task.Id, Kind: "safety", Severity: "low", Description: "Incident " + side})
		must(t, err)
		inc.Set("impact_eur", 900)
		must(t, app.Save(inc))
		pdf, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4\n%%EOF\n"), "cert"+side+".pdf")
		must(t, err)
		clr, err := domain.AddClearance(app, nil, crew.Id, domain.ClearanceInput{Kind: "B0", Document: pdf})
		must(t, err)
		doc, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4\n%%EOF\n"), "plan"+side+".pdf")
		must(t, err)
		d, err := domain.UploadDocument(app, nil, s.Id, domain.DocumentInput{Kind: "plan", Title: "Plan " + side}, doc, time.Now())
		must(t, err)
		absence := tt.Record(domain.CollectionAvailability, map[string]any{"user": crew.Id, "kind": "sickness", "from": "2026-12-01 00:00:00.000Z", "to": "2026-12-03 00:00:00.000Z"})
		for k, v := range map[string]string{"client": cl.Id, "site": s.Id, "task": task.Id, "photo": photo.Id, "sig": sig.Id, "inc": inc.Id,
			"clr": clr.Id, "doc": d.Id, "absence": absence.Id} {
			rt.id[k+side] = v
		}
	}
	mat, err := domain.SaveMaterial(app, nil, "", domain.MaterialInput{SKU: "CIM-35", Name: "Ciment", Unit: "sac", UnitCost: 9.5})
	must(t, err)
	rt.id["material"] = mat.Id
	return rt
}

// testDerive is the photo deriver of these tests: the original, as is.
func testDerive(original io.Reader, _ []string) ([]byte, error) { return io.ReadAll(original) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// token returns the API token of a user of the tenant by name ("admin":
// the tenant admin).
func (rt readsTenant) token(name string) string {
	if name == "admin" {
		return rt.Token("users", rt.Admin)
	}
	return rt.Token("users", name+"@acme.test")
}

// items lists a collection through the REST API as name and returns the
// records (as JSON objects) and the status.
func (rt readsTenant) items(t *testing.T, name, path string) ([]map[string]any, int) {
	t.Helper()
	rec := tenanttest.Do(t, rt.Registry, http.MethodGet, rt.Host(), path, rt.token(name), nil)
	var out struct {
		Items []map[string]any `json:"items"`
	}
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: %v", name, path, err)
		}
	}
	return out.Items, rec.Code
}

func ids(items []map[string]any) []string {
	var out []string
	for _, it := range items {
		out = append(out, it["id"].(string))
	}
	slices.Sort(out)
	return out
}

func TestConfidentialFieldsPerRoleThroughREST(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	type want struct{ rates, costs, contacts bool }
	roles := map[string]want{
		"manager": {true, true, true}, "admin": {true, true, true},
		"pm": {false, true, true}, "lead": {false, true, true},
		"crewa": {false, false, false},
	}
	checks := []struct {
		path   string
		fields []string
		of     func(want) bool
	}{
		{"/api/collections/users/records", []string{"hourly_cost"}, func(w want) bool { return w.rates }},
		{"/api/collections/users/records/" + rt.id["crewa"], []string{"hourly_cost"}, func(w want) bool { return w.rates }},
		{"/api/collections/sites/records", []string{"budget", "contract_amount"}, func(w want) bool { return w.costs }},
		{"/api/collections/sites/records/" + rt.id["sitea"], []string{"budget", "contract_amount"}, func(w want) bool { return w.costs }},
		{"/api/collections/materials/records", []string{"unit_cost"}, func(w want) bool { return w.costs }},
		{"/api/collections/materials/records/" + rt.id["material"], []string{"unit_cost"}, func(w want) bool { return w.costs }},
		{"/api/collections/incidents/records", []string{"impact_eur"}, func(w want) bool { return w.costs }},
		{"/api/collections/clients/records", []string{"email", "phone"}, func(w want) bool { return w.contacts }},
	}
	for name, w := range roles {
		for _, c := range checks {
			rec := tenanttest.Do(t, rt.Registry, http.MethodGet, rt.Host(), c.path, rt.token(name), nil)
			if rec.Code != http.StatusOK {
				t.Errorf("%s GET %s: %d %s", name, c.path, rec.Code, rec.Body)
				continue
			}
			body := rec.Body.String()
			for _, f := range c.fields {
				if got := strings.Contains(body, `"`+f+`":`); got != c.of(w) {
					t.Errorf("%s GET %s: field %s present = %v, want %v", name, c.path, f, got, c.of(w))
				}
			}
		}
	}
	// expand: a crew member's tasks with their site and assignees
	items, code := rt.items(t, "crewa", "/api/collections/tasks/records?expand=site,assignees,site.client")
	raw, _ := json.Marshal(items)
	if code != 200 || len(items) != 1 || !strings.Contains(string(raw), `"CH-a"`) {
		t.Fatalf("crew tasks with expand: %d %s", code, raw)
	}
	for _, f := range []string{"budget", "contract_amount", "hourly_cost", "clienta@", "+33 1", "lead@acme.test"} {
		if strings.Contains(string(raw), f) {
			t.Errorf("crew reads %s through expand: %s", f, raw)
		}
	}
	// the superuser (dashboard) sees everything
	su := rt.Token(core.CollectionNameSuperusers, rt.Admin)
	rec := tenanttest.Do(t, rt.Registry, http.MethodGet, rt.Host(), "/api/collections/sites/records/"+rt.id["sitea"], su, nil)
	if !strings.Contains(rec.Body.String(), `"budget":123457`) {
		t.Errorf("superuser does not read the budget: %s", rec.Body)
	}
	// nobody but superusers filters or sorts on a confidential field
	for _, path := range []string{
		"/api/collections/materials/records?filter=" + url.QueryEscape("unit_cost>9"),
		"/api/collections/users/records?sort=-hourly_cost",
		"/api/collections/tasks/records?filter=" + url.QueryEscape("site.budget>100000"),
		"/api/collections/sites/records?filter=" + url.QueryEscape("contract_amount>0"),
	} {
		for _, name := range []string{"crewa", "manager"} {
			if _, code := rt.items(t, name, path); code != http.StatusBadRequest {
				t.Errorf("%s GET %s: %d, want 400", name, path, code)
			}
		}
	}
	// a crew member's own auth answer carries no rate either
	rec = tenanttest.Do(t, rt.Registry, http.MethodPost, rt.Host(), "/api/collections/users/auth-refresh", rt.token("crewa"), nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "hourly_cost") {
		t.Errorf("crew auth-refresh: %d %s", rec.Code, rec.Body)
	}
}

func TestAuditEventsHideRatesFromProjectManagers(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	path := "/api/collections/audit_events/records?perPage=200&filter=" + url.QueryEscape("collection='users'")
	for name, want := range map[string]bool{"manager": true, "pm": false} {
		items, code := rt.items(t, name, path)
		raw, _ := json.Marshal(items)
		if code != 200 || len(items) == 0 {
			t.Fatalf("%s audit events: %d %d", name, code, len(items))
		}
		if got := strings.Contains(string(raw), "hourly_cost"); got != want {
			t.Errorf("%s reads hourly_cost in audit diffs = %v, want %v", name, got, want)
		}
	}
	if _, code := rt.items(t, "crewa", path); code != 200 {
		t.Errorf("crew audit list: %d", code)
	} else if items, _ := rt.items(t, "crewa", path); len(items) != 0 {
		t.Errorf("crew reads %d audit events", len(items))
	}
}

func TestCrewReadsOnlyTheirSitesThroughREST(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	id := rt.id
	scenarios := []struct {
		collection string
		name       string
		want       []string
	}{
		{"tasks", "crewa", []string{id["taska"]}},
		{"tasks", "crewb", []string{id["taskb"]}},
		{"tasks", "lead", []string{id["taska"], id["taskb"]}},
		{"photos", "crewa", []string{id["photoa"]}},
		{"photos", "pm", []string{id["photoa"], id["photob"]}},
		{"signatures", "crewa", nil},
		{"signatures", "lead", []string{id["siga"], id["sigb"]}},
		{"incidents", "crewa", []string{id["inca"]}},
		{"incidents", "manager", []string{id["inca"], id["incb"]}},
		{"clearances", "crewa", []string{id["clra"]}},
		{"clearances", "lead", []string{id["clra"], id["clrb"]}},
		{"availability", "crewa", []string{id["absencea"]}},
		{"availability", "lead", []string{id["absencea"], id["absenceb"]}},
		{"clients", "crewa", []string{id["clienta"]}},
		{"clients", "pm", []string{id["clienta"], id["clientb"]}},
		{"documents", "crewb", []string{id["docb"]}},
		{"sites", "crewb", []string{id["siteb"]}},
	}
	for _, s := range scenarios {
		items, code := rt.items(t, s.name, "/api/collections/"+s.collection+"/records?perPage=500")
		want := slices.Clone(s.want)
		slices.Sort(want)
		if code != 200 || !slices.Equal(ids(items), want) {
			t.Errorf("%s lists %s: %d %v, want %v", s.name, s.collection, code, ids(items), want)
		}
	}
	// views of the other site's records answer 404 (as missing ones)
	for col, other := range map[string]string{"tasks": id["taskb"], "photos": id["photob"], "signatures": id["sigb"], "incidents": id["incb"],
		"clearances": id["clrb"], "availability": id["absenceb"], "clients": id["clientb"], "documents": id["docb"], "sites": id["siteb"]} {
		rec := tenanttest.Do(t, rt.Registry, http.MethodGet, rt.Host(), "/api/collections/"+col+"/records/"+other, rt.token("crewa"), nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("crew of A views %s of B: %d %s", col, rec.Code, rec.Body)
		}
	}
	// a filter through a relation sees only what the related rule allows
	items, _ := rt.items(t, "crewa", "/api/collections/photos/records?filter="+url.QueryEscape(`site.code="CH-b"`))
	if len(items) != 0 {
		t.Errorf("crew of A finds photos of B by filter: %v", ids(items))
	}
	// office data is not for crews
	for _, col := range []string{"plan_baselines", "task_links", "reports", "report_schedules", "alerts"} {
		if items, code := rt.items(t, "crewa", "/api/collections/"+col+"/records"); code != 200 || len(items) != 0 {
			t.Errorf("crew lists %s: %d %d", col, code, len(items))
		}
	}
}

func TestCrewPagesOfAnotherSiteAnswer404(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	c := rt.Login("crewa@acme.test", tenanttest.Password)
	for _, path := range []string{"/m/tasks/" + rt.id["taskb"], "/signatures/" + rt.id["sigb"], "/signatures/" + rt.id["sigb"] + "/image",
		"/signatures/" + rt.id["sigb"] + "/evidence.json", "/photos/" + rt.id["photob"] + "/thumb", "/photos/" + rt.id["photob"] + "/original",
		"/documents/" + rt.id["docb"] + "/file", "/tasks/" + rt.id["taskb"] + "/proof.pdf"} {
		if rec := tenanttest.Get(t, rt.Registry, rt.Host(), path, c); rec.Code != http.StatusNotFound {
			t.Errorf("crew of A on %s: %d, want 404", path, rec.Code)
		}
	}
	for _, path := range []string{"/m/tasks/" + rt.id["taska"], "/signatures/" + rt.id["siga"], "/photos/" + rt.id["photoa"] + "/thumb"} {
		if rec := tenanttest.Get(t, rt.Registry, rt.Host(), path, c); rec.Code != http.StatusOK {
			t.Errorf("crew of A on %s: %d, want 200", path, rec.Code)
		}
	}
}

// TestCostsOnPagesPerRole checks the pages against the same rules: people's
// hourly cost for managers only, site budgets for the office and site
// leads, nothing of it in the crew app.
func TestCostsOnPagesPerRole(t *testing.T) {
	t.Parallel()
	rt := newReadsTenant(t)
	const budget = `123\D{0,6}457` // 123457, grouped by the locale
	scenarios := []struct {
		name, path, money string
		want              bool
	}{
		{"manager", "/people", "42,50", true},
		{"pm", "/people", "42,50", false},
		{"lead", "/people", "42,50", false},
		{"lead", "/people/" + rt.id["crewa"], "42,5", false},
		{"lead", "/sites/" + rt.id["sitea"], budget, true},
		{"pm", "/materials", "9,50", true},
		{"crewa", "/m/", budget, false},
		{"crewa", "/m/tasks/" + rt.id["taska"], budget, false},
		{"crewa", "/m/consumption", "9,5", false},
	}
	for _, s := range scenarios {
		rec := tenanttest.Get(t, rt.Registry, rt.Host(), s.path, rt.Login(s.name+"@acme.test", tenanttest.Password))
		if rec.Code != http.StatusOK {
			t.Errorf("%s GET %s: %d", s.name, s.path, rec.Code)
			continue
		}
		if got := regexp.MustCompile(s.money).MatchString(rec.Body.String()); got != s.want {
			t.Errorf("%s GET %s shows %s = %v, want %v", s.name, s.path, s.money, got, s.want)
		}
	}
	// crews do not open the office pages that show amounts
	c := rt.Login("crewa@acme.test", tenanttest.Password)
	for _, path := range []string{"/sites", "/sites/" + rt.id["sitea"], "/materials", "/people"} {
		if rec := tenanttest.Get(t, rt.Registry, rt.Host(), path, c); rec.Code != http.StatusForbidden {
			t.Errorf("crew GET %s: %d, want 403", path, rec.Code)
		}
	}
}
