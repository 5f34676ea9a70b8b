package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// dispatchEnv: site CH-1 (project manager pm, site lead lead) in week 10
// of 2026 (today Tuesday 3 March); a trench task (2 d, needs AIPR-O) and
// A "Terrassement" (3 d) → B "Fondations" (2 d) FS, all unassigned;
// Alice holds a valid AIPR, Bruno an expired one, Chloé none.
type dispatchEnv struct {
	*tenanttest.Tenant
	site, trench, a, b  string
	alice, bruno, chloe string
	pmID                string
	pm, lead, crew      *http.Cookie
}

func newDispatchEnv(t *testing.T) dispatchEnv {
	t.Helper()
	now := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	d := dispatchEnv{Tenant: tt}
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	person := func(email, name string) string {
		u := tt.User(domain.RoleCrew, email)
		u.Set("name", name)
		if err := tt.App().Save(u.Record); err != nil {
			t.Fatal(err)
		}
		return u.Id
	}
	d.pmID = pm.Id
	d.alice, d.bruno, d.chloe = person("alice@acme.test", "Alice Martin"), person("bruno@acme.test", "Bruno Petit"), person("chloe@acme.test", "Chloé Roux")
	tt.Record("clearances", map[string]any{"user": d.alice, "kind": "AIPR-O", "valid_until": "2027-01-01 00:00:00.000Z"})
	tt.Record("clearances", map[string]any{"user": d.bruno, "kind": "AIPR-O", "valid_until": "2026-03-02 00:00:00.000Z"})
	wt := tt.Record("work_types", map[string]any{"code": "test_tranchee", "name": "Tranchée", "sector": "btp", "required_clearances": []string{"AIPR-O"}}).Id
	d.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "Rue de la Loire", "sector": "tp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "project_manager": pm.Id, "site_lead": lead.Id, "lat": 47.19, "lng": -1.57}).Id
	task := func(title string, dur int, f map[string]any) string {
		fields := map[string]any{"site": d.site, "title": title, "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": dur, "status": "planned"}
		for k, v := range f {
			fields[k] = v
		}
		return tt.Record("tasks", fields).Id
	}
	d.trench = task("Tranchée AEP", 2, map[string]any{"work_type": wt})
	d.a, d.b = task("Terrassement", 3, nil), task("Fondations", 2, nil)
	tt.Record("task_links", map[string]any{"from": d.a, "to": d.b, "type": "FS", "lag_days": 0})
	d.pm = tt.Login("pm@acme.test", tenanttest.Password)
	d.lead = tt.Login("lead@acme.test", tenanttest.Password)
	d.crew = tt.Login("alice@acme.test", tenanttest.Password)
	return d
}

// postJSON posts body as board.js does.
func (d dispatchEnv) postJSON(t *testing.T, c *http.Cookie, path string, body map[string]string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req := tenanttest.NewRequest(http.MethodPost, d.Host(), path, strings.NewReader(string(raw)))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(c)
	rec := tenanttest.Serve(d.Registry, req)
	out := map[string]any{}
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

func (d dispatchEnv) task(t *testing.T, id string) (start, end string, assignees []string) {
	t.Helper()
	r, err := d.App().FindRecordById("tasks", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetDateTime("planned_start").Time().Format(time.DateOnly), r.GetDateTime("planned_end").Time().Format(time.DateOnly), r.GetStringSlice("assignees")
}

func conflictCodes(body map[string]any) []string {
	var out []string
	list, _ := body["conflicts"].([]any)
	for _, c := range list {
		out = append(out, c.(map[string]any)["code"].(string))
	}
	return out
}

func TestDispatchBoardPage(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	for _, path := range []string{"/dispatch?week=2026-W10", "/dispatch"} {
		rec := tenanttest.Get(t, d.Registry, d.Host(), path, d.pm)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		h := doc(t, rec.Body.String())
		for _, id := range []string{"dispatch-page", "dispatch-board", "row-" + d.alice, "cell-" + d.alice + "-2026-03-02", "card-" + d.trench,
			"assign-form-" + d.trench, "propose-" + d.a, "week-prev", "week-next", "suggest-week", "toggle-rows"} {
			if testid(h, id).Length() != 1 {
				t.Errorf("%s: data-testid %q missing", path, id)
			}
		}
		if testid(h, "unassigned").Find(`[data-testid="card-`+d.b+`"]`).Length() != 1 {
			t.Errorf("%s: B not in the unassigned list", path)
		}
		if href, _ := testid(h, "week-next").Attr("href"); !strings.Contains(href, "2026-W11") {
			t.Errorf("next week link %q", href)
		}
		if h.Find("[style]").Length() != 0 || h.Find(`link[href*="board"]`).Length() != 1 || h.Find(`script[src*="board"][nonce]`).Length() != 1 {
			t.Errorf("%s: inline styles, or board.css/board.js not linked", path)
		}
	}
	if rec := tenanttest.Get(t, d.Registry, d.Host(), "/dispatch?week=2026-W99", d.pm); rec.Code != http.StatusBadRequest {
		t.Errorf("bad week: %d", rec.Code)
	}
	if rec := tenanttest.Get(t, d.Registry, d.Host(), "/dispatch", d.crew); rec.Code != http.StatusForbidden {
		t.Errorf("crew member on the board: %d, want 403", rec.Code)
	}
	if rec := tenanttest.Get(t, d.Registry, d.Host(), "/dispatch?rows=crew", d.lead); rec.Code != http.StatusOK {
		t.Errorf("site lead, crew rows: %d", rec.Code)
	}
}

func TestDispatchAssignRefusalsAndOverride(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	scenarios := []struct {
		name    string
		who     *http.Cookie
		body    map[string]string
		status  int
		message string
		codes   []string
	}{
		{"expired clearance", d.pm, map[string]string{"task": d.trench, "user": d.bruno}, http.StatusConflict, "AIPR-O", []string{"expired_clearance"}},
		{"missing clearance", d.pm, map[string]string{"task": d.trench, "user": d.chloe, "day": "2026-03-02"}, http.StatusConflict, "n'a pas l'habilitation requise AIPR-O", []string{"missing_clearance"}},
		{"site lead cannot override", d.lead, map[string]string{"task": d.trench, "user": d.bruno, "override_reason": "Recyclage AIPR en cours"}, http.StatusForbidden, "chef de projet", nil},
		{"crew member cannot assign", d.crew, map[string]string{"task": d.a, "user": d.alice}, http.StatusForbidden, "", nil},
		{"override reason too short", d.pm, map[string]string{"task": d.trench, "user": d.bruno, "override_reason": "urgent"}, http.StatusBadRequest, "10 caractères", nil},
		{"not a date", d.pm, map[string]string{"task": d.a, "user": d.alice, "day": "02/03/2026"}, http.StatusBadRequest, "AAAA-MM-JJ", nil},
		{"unknown task", d.pm, map[string]string{"task": "nosuchtask00000", "user": d.alice}, http.StatusNotFound, "introuvable", nil},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			rec, body := d.postJSON(t, s.who, "/dispatch/assign", s.body)
			msg, _ := body["message"].(string)
			if rec.Code != s.status || !strings.Contains(msg+rec.Body.String(), s.message) || !slices.Equal(conflictCodes(body), s.codes) {
				t.Errorf("%d %s, want %d mentioning %q with conflicts %v", rec.Code, rec.Body, s.status, s.message, s.codes)
			}
		})
	}
	if _, _, who := d.task(t, d.trench); len(who) != 0 {
		t.Fatalf("a refused assignment saved %v", who)
	}
	// the project manager overrides with a reason: saved, recorded, audited
	rec, body := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.trench, "user": d.bruno, "override_reason": "Recyclage AIPR passé hier, attestation à venir"})
	if rec.Code != http.StatusOK || body["override"] == nil {
		t.Fatalf("override: %d %s", rec.Code, rec.Body)
	}
	if _, _, who := d.task(t, d.trench); !slices.Equal(who, []string{d.bruno}) {
		t.Errorf("assignees after the override: %v", who)
	}
	ov, err := d.App().FindFirstRecordByFilter("assignment_overrides", "task = {:t}", dbx.Params{"t": d.trench})
	if err != nil || ov.GetString("by") != d.pmID || ov.GetString("user") != d.bruno || !strings.Contains(ov.GetString("conflicts"), "expired_clearance") {
		t.Fatalf("override record: %v %v", ov, err)
	}
	if n, _ := d.App().CountRecords("audit_events", dbx.HashExp{"collection": "assignment_overrides", "record": ov.Id, "actor": d.pmID}); n != 1 {
		t.Errorf("override audit events = %d, want 1", n)
	}
	page := tenanttest.Get(t, d.Registry, d.Host(), "/tasks/"+d.trench+"/assign", d.pm)
	if page.Code != http.StatusOK || !strings.Contains(testid(doc(t, page.Body.String()), "overrides").Text(), "Recyclage AIPR passé hier") {
		t.Errorf("the override is not shown on the task: %d", page.Code)
	}

	// the form path: a refusal shows the conflicts and the override form
	rec = tenanttest.PostForm(t, d.Registry, d.Host(), "/dispatch/assign", url.Values{"task": {d.trench}, "user": {d.chloe}, "week": {"2026-W10"}}, d.pm)
	h := doc(t, rec.Body.String())
	if rec.Code != http.StatusConflict || testid(h, "conflicts").Length() != 1 || testid(h, "override-form").Length() != 1 {
		t.Errorf("form refusal: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, d.Registry, d.Host(), "/dispatch/assign", url.Values{"task": {d.b}, "user": {d.chloe}, "week": {"2026-W10"}}, d.lead)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/dispatch?") {
		t.Errorf("form assign by the site lead: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

func TestDispatchMoveKeepsDurationAndReschedules(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	// A (3 d) dropped on Alice's Monday 9 March: A 9–11, B follows on the 12th
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.a, "user": d.alice, "day": "2026-03-09"}); rec.Code != http.StatusOK {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	if s, e, who := d.task(t, d.a); s != "2026-03-09" || e != "2026-03-11" || !slices.Equal(who, []string{d.alice}) {
		t.Errorf("A = %s → %s %v", s, e, who)
	}
	if s, _, _ := d.task(t, d.b); s != "2026-03-12" {
		t.Errorf("B starts %s, want 2026-03-12", s)
	}
	// moved from Alice's row to Chloé's Tuesday: Chloé replaces Alice
	rec, body := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.a, "user": d.chloe, "from": d.alice, "day": "2026-03-10"})
	if rec.Code != http.StatusOK {
		t.Fatalf("move: %d %s", rec.Code, rec.Body)
	}
	if w, _ := body["warnings"].([]any); len(w) != 0 {
		t.Errorf("warnings %v", w)
	}
	if s, e, who := d.task(t, d.a); s != "2026-03-10" || e != "2026-03-12" || !slices.Equal(who, []string{d.chloe}) {
		t.Errorf("A = %s → %s %v after the move", s, e, who)
	}
	if s, _, _ := d.task(t, d.b); s != "2026-03-13" {
		t.Errorf("B starts %s, want 2026-03-13", s)
	}
	// a double booking is only a warning
	rec, body = d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.b, "user": d.chloe, "day": "2026-03-12"})
	if rec.Code == http.StatusOK {
		if w, _ := body["warnings"].([]any); len(w) != 1 {
			t.Errorf("double booking warnings %v", body["warnings"])
		}
	} else if !strings.Contains(rec.Body.String(), "dépendances") {
		t.Errorf("B on the 12th: %d %s", rec.Code, rec.Body)
	}
	// unassign into the list
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/unassign", map[string]string{"task": d.a, "user": d.chloe}); rec.Code != http.StatusOK {
		t.Errorf("unassign: %d %s", rec.Code, rec.Body)
	}
	if _, _, who := d.task(t, d.a); len(who) != 0 {
		t.Errorf("after unassign: %v", who)
	}
}

func TestDispatchCheckAndSuggest(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	rec := tenanttest.Get(t, d.Registry, d.Host(), "/dispatch/check?task="+d.trench+"&user="+d.bruno+"&day=2026-03-03", d.pm)
	var got struct {
		Conflicts   []map[string]string `json:"conflicts"`
		Blocking    bool                `json:"blocking"`
		CanOverride bool                `json:"can_override"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK || !got.Blocking || !got.CanOverride ||
		len(got.Conflicts) != 1 || got.Conflicts[0]["code"] != "expired_clearance" {
		t.Errorf("check: %d %s", rec.Code, rec.Body)
	}
	rec = tenanttest.Get(t, d.Registry, d.Host(), "/tasks/"+d.trench+"/assign", d.pm)
	h := doc(t, rec.Body.String())
	if rec.Code != http.StatusOK || testid(h, "candidate-"+d.alice).Length() != 1 || testid(h, "assign-top").Length() != 1 ||
		!strings.Contains(testid(h, "assign-top").Text(), "Alice") {
		t.Errorf("candidates page: %d, top = %q", rec.Code, testid(h, "assign-top").Text())
	}
	rec = tenanttest.Get(t, d.Registry, d.Host(), "/dispatch/suggest?week=2026-W10", d.pm)
	h = doc(t, rec.Body.String())
	if rec.Code != http.StatusOK || testid(h, "line-"+d.trench).Length() != 1 {
		t.Fatalf("suggest: %d", rec.Code)
	}
	if v, _ := h.Find(`select[name="user_` + d.trench + `"] option[selected]`).Attr("value"); v != d.alice {
		t.Errorf("trench proposed to %q, want Alice", v)
	}
	// accept with the trench edited to Bruno: refused, names the task, nothing saved
	rec = tenanttest.PostForm(t, d.Registry, d.Host(), "/dispatch/accept", url.Values{"week": {"2026-W10"}, "pick": {d.a, d.trench},
		"user_" + d.a: {d.chloe}, "user_" + d.trench: {d.bruno}}, d.pm)
	if rec.Code != http.StatusConflict || !strings.Contains(testid(doc(t, rec.Body.String()), "form-error").Text(), "Tranchée AEP") {
		t.Errorf("accept refused: %d", rec.Code)
	}
	if _, _, who := d.task(t, d.a); len(who) != 0 {
		t.Error("a refused accept saved a line")
	}
	rec = tenanttest.PostForm(t, d.Registry, d.Host(), "/dispatch/accept", url.Values{"week": {"2026-W10"}, "pick": {d.a, d.trench},
		"user_" + d.a: {d.chloe}, "user_" + d.trench: {d.alice}}, d.pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", rec.Code, rec.Body)
	}
	if _, _, who := d.task(t, d.trench); !slices.Equal(who, []string{d.alice}) {
		t.Errorf("trench assignees %v", who)
	}
}

func TestDispatchCrossTenant(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	b := tenanttest.Provision(t, d.Registry, "beta", domain.SectorBTP)
	bSite := b.Record("sites", map[string]any{"code": "B-1", "name": "Pont", "sector": "btp", "status": "active"}).Id
	bTask := b.Record("tasks", map[string]any{"site": bSite, "title": "Pile", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 1}).Id
	if rec := tenanttest.Get(t, d.Registry, b.Host(), "/dispatch", d.pm); rec.Code != http.StatusSeeOther {
		t.Errorf("A's cookie on B's board: %d, want a redirect to the login", rec.Code)
	}
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": bTask, "user": d.alice}); rec.Code != http.StatusNotFound {
		t.Errorf("B's task assigned on A's host: %d", rec.Code)
	}
	for _, p := range []string{"/tasks/" + bTask + "/assign", "/dispatch/check?task=" + bTask + "&user=" + d.alice + "&day=2026-03-02"} {
		if rec := tenanttest.Get(t, d.Registry, d.Host(), p, d.pm); rec.Code != http.StatusNotFound {
			t.Errorf("%s on A's host: %d, want 404", p, rec.Code)
		}
	}
	if r, _ := b.App().FindRecordById("tasks", bTask); len(r.GetStringSlice("assignees")) != 0 {
		t.Error("B's task changed")
	}
}

// TestDispatchStreamTwoViewers opens two viewers' board streams and
// checks that an assignment reaches both.
func TestDispatchStreamTwoViewers(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	srv := httptest.NewServer(d.Registry)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	want := `data-task="` + d.trench + `" data-from="` + d.alice + `"`
	got := watchStreams(ctx, srv.URL, d.Host(), "/dispatch/stream?week=2026-W10", want, d.App(), d.pm, d.lead)
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.trench, "user": d.alice}); rec.Code != http.StatusOK {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	for i := 0; i < 2; i++ {
		select {
		case ok := <-got:
			if !ok {
				t.Errorf("viewer %d: stream ended without the new board", i+1)
			}
		case <-ctx.Done():
			t.Fatalf("viewer %d: no board with the trench in Alice's row within the timeout", i+1)
		}
	}
}

func TestDispatchCrewAssign(t *testing.T) {
	t.Parallel()
	d := newDispatchEnv(t)
	crew := d.Record("crews", map[string]any{"name": "Équipe Martin", "lead": d.alice, "members": []string{d.chloe}, "active": true}).Id
	// every member is checked: Chloé has no AIPR
	rec, body := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.trench, "crew": crew})
	if rec.Code != http.StatusConflict || !slices.Equal(conflictCodes(body), []string{"missing_clearance"}) || !strings.Contains(rec.Body.String(), "Chloé") {
		t.Errorf("crew on the trench: %d %s", rec.Code, rec.Body)
	}
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.a, "crew": crew, "day": "2026-03-03"}); rec.Code != http.StatusOK {
		t.Fatalf("crew on A: %d %s", rec.Code, rec.Body)
	}
	if r, _ := d.App().FindRecordById("tasks", d.a); r.GetString("crew") != crew {
		t.Errorf("tasks.crew = %q", r.GetString("crew"))
	} else if got := r.GetStringSlice("assignees"); !slices.Contains(got, d.alice) || !slices.Contains(got, d.chloe) {
		t.Errorf("the crew's people are not assignees: %v", got)
	}
	h := doc(t, tenanttest.Get(t, d.Registry, d.Host(), "/dispatch?week=2026-W10&rows=crew", d.pm).Body.String())
	if testid(h, "cell-"+crew+"-2026-03-03").Find(`[data-testid="card-`+d.a+`"]`).Length() != 1 {
		t.Error("A is not in the crew's Tuesday cell")
	}
	// by person, the members see it through their crew
	h = doc(t, tenanttest.Get(t, d.Registry, d.Host(), "/dispatch?week=2026-W10", d.pm).Body.String())
	if testid(h, "cell-"+d.chloe+"-2026-03-04").Find(`[data-testid="card-`+d.a+`"]`).Length() != 1 {
		t.Error("A is not in Chloé's Wednesday cell")
	}
	// taking the crew off takes its people off
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/unassign", map[string]string{"task": d.a, "crew": crew}); rec.Code != http.StatusOK {
		t.Fatalf("unassign the crew: %d %s", rec.Code, rec.Body)
	}
	if r, _ := d.App().FindRecordById("tasks", d.a); r.GetString("crew") != "" || len(r.GetStringSlice("assignees")) != 0 {
		t.Errorf("after unassigning the crew: crew %q, assignees %v", r.GetString("crew"), r.GetStringSlice("assignees"))
	}
}
