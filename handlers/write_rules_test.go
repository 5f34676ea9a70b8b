package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// apiAs sends a JSON request to the REST API with token and returns the
// status, the body and the decoded record (when it is one).
func (w *permWorld) apiAs(token, method, path string, body any) (int, string, map[string]any) {
	w.t.Helper()
	var rec = tenanttest.Do(w.t, w.Registry, method, w.Host(), path, token, nil)
	if body != nil {
		rec = tenanttest.Do(w.t, w.Registry, method, w.Host(), path, token, apiJSON(body))
	}
	out := map[string]any{}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, rec.Body.String(), out
}

// syncAs sends one sync operation as the user of email.
func (w *permWorld) syncAs(email string, op syncOp) domain.SyncResult {
	w.t.Helper()
	rec := tenanttest.Do(w.t, w.Registry, "POST", w.Host(), "/api/fieldops/sync", w.Token("users", email), apiJSON(map[string]any{"operations": []syncOp{op}}))
	var out domain.SyncResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 || len(out.Results) != 1 {
		w.t.Fatalf("sync: %d %s", rec.Code, rec.Body)
	}
	return out.Results[0]
}

func dbTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// TestWriteContractProof: proof is created by its protocol only — never
// through the REST API (a crew token, a superuser's dashboard) nor as a
// bare sync record — and never edited.
func TestWriteContractProof(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	crew := w.Token("users", "crew@acme.test")
	su := w.Token("_superusers", w.Admin)
	task := w.task(true)
	sig := map[string]any{"subject": task.Id, "signer_name": "M. Client", "signer_role": "client", "consent_text": "ok",
		"signed_at": dbTime(time.Now().Add(-time.Hour)), "document_sha256": strings.Repeat("a", 64)}
	photo := map[string]any{"subject": task.Id, "site": w.siteA, "by": w.id(domain.RoleManager), "original_sha256": strings.Repeat("b", 64)}
	for _, c := range []struct {
		who, token, col string
		body            map[string]any
	}{{"crew", crew, "signatures", sig}, {"crew", crew, "photos", photo}, {"superuser", su, "signatures", sig}, {"superuser", su, "photos", photo}} {
		code, body, _ := w.apiAs(c.token, "POST", "/api/collections/"+c.col+"/records", c.body)
		if code != 400 && code != 403 {
			t.Errorf("%s creates %s through the API: %d %s", c.who, c.col, code, body)
		}
		if c.who == "superuser" && !strings.Contains(body, "application terrain") {
			t.Errorf("superuser's refusal of %s does not say why: %s", c.col, body)
		}
	}
	if n, _ := w.App().CountRecords("signatures"); n != 0 {
		t.Errorf("%d signatures stored", n)
	}
	stored := w.rec("photos", map[string]any{"subject": task.Id, "site": w.siteA, "by": w.id(domain.RoleCrew)})
	if code, body, _ := w.apiAs(su, "PATCH", "/api/collections/photos/records/"+stored.Id, map[string]any{"by": w.id(domain.RoleManager)}); code != 403 {
		t.Errorf("superuser edits a photo's author: %d %s", code, body)
	}
	for _, col := range []string{"photos", "signatures"} {
		res := w.syncAs("crew@acme.test", syncOp{"key": ulid(900 + len(col)), "op": "create", "collection": col, "data": map[string]any{"subject": task.Id}})
		if res.Status != 403 {
			t.Errorf("sync creates bare %s: %+v", col, res)
		}
	}
	// the protocol still works: the crew app's signature page
	c := w.Login("crew@acme.test", tenanttest.Password)
	rec := w.postForm(c, "/m/tasks/"+task.Id+"/sign", url.Values{"signer_name": {"M. Client"}, "signer_role": {"client"},
		"consent": {"true"}, "signature": {pngDataURL(t, true)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("signature page: %d", rec.Code)
	}
	s, err := w.App().FindFirstRecordByData("signatures", "subject", task.Id)
	if _, want, _ := domain.TaskDocument(w.App(), task.Id); err != nil || s.GetString("document_sha256") != want {
		t.Errorf("signed document hash not the server's: %v", err)
	}
	// the image hash is evidence too: nobody rewrites it
	if code, body, _ := w.apiAs(su, "PATCH", "/api/collections/signatures/records/"+s.Id, map[string]any{"image_sha256": strings.Repeat("c", 64)}); code != 403 {
		t.Errorf("superuser rewrites a signature's image hash: %d %s", code, body)
	}
	if again, _ := w.App().FindRecordById("signatures", s.Id); again == nil || again.GetString("image_sha256") != s.GetString("image_sha256") || len(s.GetString("image_sha256")) != 64 {
		t.Errorf("image hash %q changed or missing", s.GetString("image_sha256"))
	}
}

// TestWriteContractAuthors: a client never names someone else as the
// author of what it records, and the server sets the author fields.
func TestWriteContractAuthors(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	crew, lead := w.Token("users", "crew@acme.test"), w.Token("users", "site_lead@acme.test")
	manager := w.id(domain.RoleManager)
	incident := map[string]any{"site": w.siteA, "kind": "safety", "severity": "high", "description": "Garde-corps manquant"}
	forged := map[string]any{"reported_by": manager}
	for k, v := range incident {
		forged[k] = v
	}
	if code, body, _ := w.apiAs(crew, "POST", "/api/collections/incidents/records", forged); code != 400 && code != 403 {
		t.Errorf("crew reports an incident as the manager: %d %s", code, body)
	}
	code, body, inc := w.apiAs(crew, "POST", "/api/collections/incidents/records", incident)
	if code != 200 || inc["reported_by"] != w.id(domain.RoleCrew) {
		t.Fatalf("crew's incident: %d %s", code, body)
	}
	if code, _, _ := w.apiAs(lead, "PATCH", "/api/collections/incidents/records/"+inc["id"].(string), map[string]any{"reported_by": manager}); code == 200 {
		t.Error("the site lead rewrote an incident's reporter")
	}
	if code, body, _ := w.apiAs(crew, "POST", "/api/collections/stock_moves/records",
		map[string]any{"material": w.material, "kind": "consumption", "qty": 1, "site": w.siteA, "by": w.id("other")}); code != 400 && code != 403 {
		t.Errorf("crew records a consumption as someone else: %d %s", code, body)
	}
	code, body, move := w.apiAs(crew, "POST", "/api/collections/stock_moves/records",
		map[string]any{"material": w.material, "kind": "consumption", "qty": 1, "site": w.siteA, "unit_cost": 0})
	if code != 200 || move["by"] != w.id(domain.RoleCrew) {
		t.Fatalf("crew's consumption: %d %s (the author is the server's)", code, body)
	}
	if _, shown := move["unit_cost"]; shown {
		t.Errorf("crew's consumption answer shows the unit cost: %s", body)
	}
	if code, body, stored := w.apiAs(w.Token("users", "manager@acme.test"), "GET", "/api/collections/stock_moves/records/"+move["id"].(string), nil); stored["unit_cost"] != 9.5 {
		t.Errorf("crew's consumption stored unit cost %v, want the material's 9.5 (the server's): %d %s", stored["unit_cost"], code, body)
	}
	entry := map[string]any{"user": w.id("other"), "site": w.siteA, "clock_in": dbTime(time.Now().Add(-2 * time.Hour))}
	if code, body, _ := w.apiAs(crew, "POST", "/api/collections/time_entries/records", entry); code != 400 && code != 403 {
		t.Errorf("crew clocks in someone else: %d %s", code, body)
	}
	entry = map[string]any{"site": w.siteA, "user": w.id(domain.RoleCrew), "clock_in": dbTime(time.Now().Add(-2 * time.Hour)),
		"source": "office", "flags": map[string]any{"switched": true, "overlap": []string{"x"}}}
	code, body, te := w.apiAs(crew, "POST", "/api/collections/time_entries/records", entry)
	if code != 200 || te["source"] != "self" || strings.Contains(body, `"switched"`) || !strings.Contains(body, `"in":{`) {
		t.Errorf("crew's own entry: %d %s (source and flags are the server's)", code, body)
	}
	// a lead cannot clock in a person on a site they do not run
	entry = map[string]any{"user": w.id("other"), "site": w.siteB, "clock_in": dbTime(time.Now().Add(-time.Hour))}
	if code, body, _ := w.apiAs(lead, "POST", "/api/collections/time_entries/records", entry); code != 400 && code != 403 {
		t.Errorf("site lead of A clocks in a crew of B: %d %s", code, body)
	}
}

// TestWriteTimeBounds: the time clock's rules on the REST API and the
// sync endpoint (issue #14: a 71 h entry backdated a month, a clock-out
// before the clock-in, a sync entry dated 9999-12-31).
func TestWriteTimeBounds(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	crew, lead := w.Token("users", "crew@acme.test"), w.Token("users", "site_lead@acme.test")
	monthAgo := time.Now().AddDate(0, -1, 0)
	long := func(user string) map[string]any {
		return map[string]any{"user": user, "site": w.siteA, "clock_in": dbTime(monthAgo), "clock_out": dbTime(monthAgo.Add(71 * time.Hour))}
	}
	refusals := []struct {
		name, token string
		body        map[string]any
		want        string
	}{
		{"crew: 71 h backdated a month", crew, long(w.id(domain.RoleCrew)), "7 jours"},
		{"site lead: 71 h a month ago", lead, long(w.id(domain.RoleCrew)), "24 h"},
		{"clock-out before clock-in", crew, map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": dbTime(time.Now().Add(-time.Hour)), "clock_out": dbTime(time.Now().Add(-2 * time.Hour))}, "Le départ doit suivre"},
		{"dated 9999-12-31", lead, map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": "9999-12-31 08:00:00.000Z"}, "futur"},
		{"dated 1970", lead, map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": "1970-01-01 08:00:00.000Z"}, "plus de 2 ans"},
		{"created approved", lead, map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": dbTime(time.Now().Add(-time.Hour)), "status": "approved"}, "ouvert ou soumis"},
	}
	for _, r := range refusals {
		code, body, _ := w.apiAs(r.token, "POST", "/api/collections/time_entries/records", r.body)
		if code != 400 || !strings.Contains(body, r.want) {
			t.Errorf("%s: %d %s, want 400 saying %q", r.name, code, body, r.want)
		}
	}
	day := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	for i, s := range []struct {
		data map[string]any
		want string
	}{
		{map[string]any{"site": w.siteA, "clock_in": "9999-12-31 08:00:00.000Z"}, "futur"},
		{map[string]any{"site": w.siteA, "clock_in": day + " 00:00:00.000Z", "clock_out": "9999-12-31 08:00:00.000Z"}, "futur"},
		{map[string]any{"site": w.siteA, "clock_in": dbTime(time.Now().Add(-71 * time.Hour)), "clock_out": dbTime(time.Now().Add(-time.Hour))}, "24 h"},
		{map[string]any{"site": w.siteA, "clock_in": dbTime(monthAgo)}, "7 jours"},
		{map[string]any{"site": w.siteB, "clock_in": dbTime(time.Now().Add(-time.Hour))}, "équipe"},
	} {
		res := w.syncAs("crew@acme.test", syncOp{"key": ulid(700 + i), "op": "create", "collection": "time_entries", "data": s.data})
		if res.Status < 400 || res.Status >= 500 || !strings.Contains(res.Error, s.want) {
			t.Errorf("sync %v: %+v, want a refusal saying %q", s.data, res, s.want)
		}
	}
	if n, _ := w.App().CountRecords("time_entries"); n != 0 {
		t.Errorf("%d entries stored by refused writes", n)
	}
	// a forgotten clock-out is closed (never left open) and flagged long
	code, body, open := w.apiAs(crew, "POST", "/api/collections/time_entries/records", map[string]any{"user": w.id(domain.RoleCrew), "site": w.siteA, "clock_in": dbTime(time.Now().Add(-30 * time.Hour))})
	if code != 200 {
		t.Fatalf("open entry: %d %s", code, body)
	}
	code, body, closed := w.apiAs(crew, "PATCH", "/api/collections/time_entries/records/"+open["id"].(string), map[string]any{"clock_out": dbTime(time.Now())})
	flags, _ := closed["flags"].(map[string]any)
	if code != 200 || closed["status"] != "submitted" || flags["long"] != true {
		t.Errorf("closing a 30 h entry: %d %s, want submitted and flagged long", code, body)
	}
}

// TestWriteBadInput: the 500s found (a duplicate Gantt link, a NaN
// hourly cost) answer 400 with a message, and quantities, amounts and
// durations are bounded on every path.
func TestWriteBadInput(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	manager, crew := w.Token("users", "manager@acme.test"), w.Token("users", "crew@acme.test")
	from, to := w.task(true), w.task(true)
	c := w.Login("manager@acme.test", tenanttest.Password)
	link := url.Values{"from": {from.Id}, "to": {to.Id}, "type": {"FS"}, "lag": {"0"}}
	if rec := w.postForm(c, "/sites/"+w.siteA+"/links", link); rec.Code != http.StatusSeeOther {
		t.Fatalf("first link: %d", rec.Code)
	}
	if rec := w.postForm(c, "/sites/"+w.siteA+"/links", link); rec.Code != 400 || !strings.Contains(rec.Body.String(), "déjà liées") {
		t.Errorf("duplicate link on the Gantt: %d", rec.Code)
	}
	api := []struct {
		name, token, method, path string
		body                      map[string]any
		want                      string
	}{
		{"duplicate link", manager, "POST", "/api/collections/task_links/records", map[string]any{"from": from.Id, "to": to.Id, "type": "FS", "lag_days": 0}, "déjà liées"},
		{"NaN hourly cost", manager, "PATCH", "/api/collections/users/records/" + w.id(domain.RoleCrew), map[string]any{"hourly_cost": "NaN"}, "pas un nombre"},
		{"hourly cost 1e23", manager, "PATCH", "/api/collections/users/records/" + w.id(domain.RoleCrew), map[string]any{"hourly_cost": 1e23}, "au plus 10000"},
		{"unit cost 1e23", manager, "POST", "/api/collections/materials/records", map[string]any{"sku": "BIG", "name": "x", "unit": "u", "unit_cost": 1e23}, "au plus 1000000000"},
		{"consumption of 1e23", crew, "POST", "/api/collections/stock_moves/records", map[string]any{"material": w.material, "kind": "consumption", "qty": 1e23, "site": w.siteA}, "au plus 1000000"},
		{"task of 1e23 days", manager, "PATCH", "/api/collections/tasks/records/" + from.Id, map[string]any{"duration_days": 1e23}, "au plus 1000"},
		{"lag of a billion days", manager, "POST", "/api/collections/task_links/records", map[string]any{"from": to.Id, "to": w.task(true).Id, "type": "FS", "lag_days": 1e9}, "au plus 1000"},
		{"order line of 1e23", manager, "POST", "/api/collections/purchase_orders/records", map[string]any{"supplier": w.supplier, "number": "BC-X", "lines": []map[string]any{{"material": w.material, "qty": 1e23, "unit_cost": 1}}}, "Ligne 1"},
		{"reservation of two years", manager, "POST", "/api/collections/reservations/records", map[string]any{"asset_kind": "vehicle", "asset": w.vehicle, "vehicle": w.vehicle, "from": w.future(1), "to": w.future(800)}, "366 jours"},
		{"stock move dated tomorrow", manager, "POST", "/api/collections/stock_moves/records", map[string]any{"material": w.material, "kind": "receipt", "qty": 1, "location": "depot", "at": w.future(1)}, "futur"},
	}
	for _, a := range api {
		code, body, _ := w.apiAs(a.token, a.method, a.path, a.body)
		if code != 400 || !strings.Contains(body, a.want) {
			t.Errorf("%s: %d %s, want 400 saying %q", a.name, code, body, a.want)
		}
	}
	pages := []struct {
		name, path string
		values     url.Values
	}{
		{"NaN hourly cost", "/people/" + w.id(domain.RoleCrew), url.Values{"name": {"Test"}, "role": {"crew"}, "hourly_cost": {"NaN"}}},
		{"hourly cost 1e23", "/people/" + w.id(domain.RoleCrew), url.Values{"name": {"Test"}, "role": {"crew"}, "hourly_cost": {"1e23"}}},
		{"consumption of 1e23", "/m/consumption", url.Values{"site": {w.siteA}, "material": {w.material}, "qty": {"1e23"}}},
		{"task of 5000 days", "/sites/" + w.siteA + "/tasks", url.Values{"title": {"Longue"}, "start": {"2027-03-08"}, "duration": {"5000"}}},
	}
	for _, p := range pages {
		if rec := w.postForm(c, p.path, p.values); rec.Code != 400 {
			t.Errorf("page %s: %d, want 400 with the form", p.name, rec.Code)
		}
	}
	res := w.syncAs("crew@acme.test", syncOp{"key": ulid(800), "op": "create", "collection": "stock_moves", "data": map[string]any{"material": w.material, "qty": 1e23, "site": w.siteA}})
	if res.Status != 400 || !strings.Contains(res.Error, "au plus") {
		t.Errorf("sync consumption of 1e23: %+v", res)
	}
	u, _ := w.App().FindRecordById("users", w.id(domain.RoleCrew))
	if v := u.GetFloat("hourly_cost"); v != 0 {
		t.Errorf("hourly cost stored: %v", v)
	}
}

// TestConfidentialFieldsWritableByTheirRoles: PocketBase drops hidden
// fields from a non-superuser's REST write; a role that may see a
// confidential field sets it through the API like any field, another
// gets a 403 naming it (never a silent drop).
func TestConfidentialFieldsWritableByTheirRoles(t *testing.T) {
	t.Parallel()
	w := newPermWorld(t)
	manager := w.Token("users", "manager@acme.test")
	crewID := w.id(domain.RoleCrew)
	if code, body, _ := w.apiAs(manager, "PATCH", "/api/collections/users/records/"+crewID, map[string]any{"hourly_cost": 42.5}); code != 200 {
		t.Fatalf("manager sets an hourly cost: %d %s", code, body)
	}
	if _, _, u := w.apiAs(manager, "GET", "/api/collections/users/records/"+crewID, nil); u["hourly_cost"] != 42.5 {
		t.Errorf("hourly cost stored %v, want 42.5", u["hourly_cost"])
	}
	crew := w.Token("users", "crew@acme.test")
	code, body, _ := w.apiAs(crew, "PATCH", "/api/collections/users/records/"+crewID, map[string]any{"hourly_cost": 99})
	if code != 403 || !strings.Contains(body, "hourly_cost") {
		t.Errorf("crew sets their own hourly cost: %d %s, want 403 naming the field", code, body)
	}
	if _, _, u := w.apiAs(manager, "GET", "/api/collections/users/records/"+crewID, nil); u["hourly_cost"] != 42.5 {
		t.Errorf("hourly cost after the crew's attempt %v, want 42.5", u["hourly_cost"])
	}
}
