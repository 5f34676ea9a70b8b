package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// syncTenant: a site lead, two crew members in the site's team, a task
// assigned to the first crew member, a material in stock on the site.
type syncTenant struct {
	*tenanttest.Tenant
	lead, crew, crew2, site, task, material string
}

func newSyncTenant(t *testing.T) syncTenant {
	t.Helper()
	tt := handlertest.New(t)
	st := syncTenant{Tenant: tt}
	st.lead = tt.User(domain.RoleSiteLead, "lead@acme.test").Id
	st.crew = tt.User(domain.RoleCrew, "crew@acme.test").Id
	st.crew2 = tt.User(domain.RoleCrew, "crew2@acme.test").Id
	st.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"lat": 47.2184, "lng": -1.5536, "geofence_m": 150, "site_lead": st.lead, "team": []string{st.crew, st.crew2}}).Id
	st.task = tt.Record("tasks", map[string]any{"site": st.site, "title": "Tranchée", "status": "planned", "assignees": []string{st.crew}}).Id
	mat, err := domain.SaveMaterial(tt.App(), nil, "", domain.MaterialInput{SKU: "CIM-35", Name: "Ciment", Unit: "sac", UnitCost: 9.5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.RecordStockMove(tt.App(), nil, domain.StockMoveInput{Material: mat.Id, Kind: domain.MoveReceipt, Qty: 10, Location: domain.SiteLocation(st.site)}); err != nil {
		t.Fatal(err)
	}
	st.material = mat.Id
	return st
}

// syncDay is the day of the synced clock-ins: two days ago, within the
// crew's own backdating window (domain.TimeSelfBackdate).
var syncDay = time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)

// ulid returns a valid, distinct test ULID.
func ulid(n int) string { return fmt.Sprintf("01J%023d", n) }

type syncOp = map[string]any

func (st syncTenant) sync(t *testing.T, email string, ops ...syncOp) (int, []domain.SyncResult) {
	t.Helper()
	rec := tenanttest.Do(t, st.Registry, "POST", st.Host(), "/api/fieldops/sync", st.Token("users", email), apiJSON(map[string]any{"operations": ops}))
	var out domain.SyncResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out.Results
}

func (st syncTenant) count(t *testing.T, col string, where dbx.Expression) int {
	t.Helper()
	n, err := st.App().CountRecords(col, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestSyncIdempotentReplay(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	batch := []syncOp{
		{"key": ulid(1), "op": "create", "collection": "time_entries", "device_time": syncDay + "T08:01:00+01:00",
			"data": map[string]any{"site": st.site, "in_lat": 47.2185, "in_lng": -1.5536, "in_accuracy": 12}},
		{"key": ulid(2), "op": "create", "collection": "incidents", "device_time": syncDay + "T09:00:00+01:00",
			"data": map[string]any{"site": st.site, "kind": "delay", "severity": "medium", "description": "Livraison béton en retard"}},
		{"key": ulid(3), "op": "create", "collection": "stock_moves", "data": map[string]any{"material": st.material, "qty": 2, "site": st.site}},
	}
	audit0 := st.count(t, domain.CollectionAuditEvents, nil)
	code, first := st.sync(t, "crew@acme.test", batch...)
	if code != http.StatusOK || len(first) != 3 {
		t.Fatalf("first sync: %d %+v", code, first)
	}
	for _, r := range first {
		if r.Status != 200 || r.ID == "" {
			t.Errorf("op %s: %+v", r.Key, r)
		}
	}
	code, again := st.sync(t, "crew@acme.test", batch...)
	if code != http.StatusOK {
		t.Fatalf("replay: %d", code)
	}
	for i := range first {
		if again[i] != first[i] {
			t.Errorf("replay of %s = %+v, want the original %+v", first[i].Key, again[i], first[i])
		}
	}
	if n := st.count(t, "time_entries", dbx.HashExp{"user": st.crew}); n != 1 {
		t.Errorf("%d time entries after a replay, want 1", n)
	}
	if n := st.count(t, "incidents", nil); n != 1 {
		t.Errorf("%d incidents after a replay, want 1", n)
	}
	if n := st.count(t, "stock_moves", dbx.HashExp{"kind": "consumption"}); n != 1 {
		t.Errorf("%d consumptions after a replay, want 1", n)
	}
	entry, _ := st.App().FindRecordById("time_entries", first[0].ID)
	if entry.GetString("source") != "sync" || entry.GetString("user") != st.crew || domain.TimeFlagsOf(entry).In.Status != domain.GeoInside {
		t.Errorf("entry source %q user %q flags %s", entry.GetString("source"), entry.GetString("user"), entry.GetString("flags"))
	}
	if got := entry.GetDateTime("clock_in").String(); got != syncDay+" 07:01:00.000Z" {
		t.Errorf("clock_in = %s, want the device time in UTC", got)
	}
	// each effect is in the audit trail, by the crew member, chain intact
	ev, err := st.App().FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'incidents' && record = {:id}", dbx.Params{"id": first[1].ID})
	if err != nil || ev.GetString("actor") != st.crew {
		t.Errorf("incident audit event: %v actor %q", err, ev.GetString("actor"))
	}
	if st.count(t, domain.CollectionAuditEvents, nil) < audit0+3 { // one event per effect (sync_ops bookkeeping is not audited)
		t.Error("audit trail did not grow")
	}
	if rep, err := domain.VerifyAuditChain(st.App()); err != nil || !rep.OK {
		t.Errorf("audit chain: %+v %v", rep, err)
	}
}

func TestSyncPartialFailuresInOrder(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	code, res := st.sync(t, "crew@acme.test",
		syncOp{"key": "not-a-ulid", "op": "create", "collection": "incidents", "data": map[string]any{}},
		syncOp{"key": ulid(10), "op": "create", "collection": "users", "data": map[string]any{"email": "x@y.z"}},
		syncOp{"key": ulid(11), "op": "create", "collection": "incidents", "data": map[string]any{"site": st.site, "kind": "delay"}},
		syncOp{"key": ulid(12), "op": "create", "collection": "time_entries", "data": map[string]any{"user": st.crew2, "site": st.site, "clock_in": syncDay + " 07:00:00.000Z"}},
		syncOp{"key": ulid(13), "op": "create", "collection": "stock_moves", "data": map[string]any{"material": st.material, "kind": "receipt", "qty": 100, "site": st.site}},
		syncOp{"key": ulid(14), "op": "create", "collection": "stock_moves", "data": map[string]any{"material": st.material, "qty": 50, "site": st.site}},
		syncOp{"key": ulid(15), "op": "create", "collection": "incidents", "data": map[string]any{"site": st.site, "kind": "safety", "severity": "high", "description": "Garde-corps manquant", "secret": 1}},
		syncOp{"key": ulid(16), "op": "create", "collection": "incidents", "data": map[string]any{"site": st.site, "kind": "safety", "severity": "high", "description": "Garde-corps manquant"}},
	)
	if code != 200 || len(res) != 8 {
		t.Fatalf("%d %+v", code, res)
	}
	want := []int{400, 403, 400, 403, 403, 409, 400, 200}
	for i, w := range want {
		if res[i].Status != w {
			t.Errorf("op %d (%s): status %d (%s), want %d", i, res[i].Key, res[i].Status, res[i].Error, w)
		}
		if w != 200 && res[i].Error == "" {
			t.Errorf("op %d: no error message", i)
		}
	}
	if n := st.count(t, "incidents", nil); n != 1 {
		t.Errorf("%d incidents, want 1", n)
	}
	if n := st.count(t, "time_entries", nil); n != 0 {
		t.Errorf("a refused time entry was stored")
	}
	// refusals are answered identically on replay (key recorded)
	_, again := st.sync(t, "crew@acme.test", syncOp{"key": ulid(12), "op": "create", "collection": "time_entries", "data": map[string]any{"site": st.site}})
	if again[0] != res[3] {
		t.Errorf("replay of a refusal = %+v, want %+v", again[0], res[3])
	}
}

func TestSyncConflictInbox(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	app := st.App()
	task, _ := app.FindRecordById("tasks", st.task)
	base := task.GetDateTime("updated").String()
	code, res := st.sync(t, "crew@acme.test", syncOp{"key": ulid(20), "op": "update", "collection": "tasks", "id": st.task,
		"data": map[string]any{"status": "in_progress", "progress": 30, "@base_updated": base}})
	if code != 200 || res[0].Status != 200 {
		t.Fatalf("assigned crew updates progress: %+v", res)
	}
	// the office reassigns the task while the crew member is offline
	task, _ = app.FindRecordById("tasks", st.task)
	task.Set("assignees", []string{st.crew2})
	if err := app.Save(task); err != nil {
		t.Fatal(err)
	}
	_, res = st.sync(t, "crew@acme.test",
		syncOp{"key": ulid(21), "op": "update", "collection": "tasks", "id": st.task, "data": map[string]any{"status": "done", "progress": 100}},
		syncOp{"key": ulid(22), "op": "update", "collection": "tasks", "id": "nosuchtask0000", "data": map[string]any{"progress": 10}},
	)
	for _, r := range res {
		if r.Status != 409 || r.Conflict == "" {
			t.Errorf("%s: %+v, want 409 with a conflict id", r.Key, r)
		}
	}
	// a stale base version is a conflict, not an overwrite
	_, res2 := st.sync(t, "crew2@acme.test", syncOp{"key": ulid(23), "op": "update", "collection": "tasks", "id": st.task,
		"data": map[string]any{"progress": 50, "@base_updated": base}})
	if res2[0].Status != 409 {
		t.Errorf("stale update: %+v", res2[0])
	}
	task, _ = app.FindRecordById("tasks", st.task)
	if task.GetString("status") == "done" || task.GetFloat("progress") != 30 {
		t.Errorf("task changed by a conflicting op: status %q progress %v", task.GetString("status"), task.GetFloat("progress"))
	}
	c, err := app.FindRecordById(domain.CollectionSyncConflicts, res[0].Conflict)
	if err != nil {
		t.Fatal(err)
	}
	if c.GetString("status") != "open" || c.GetString("user") != st.crew || c.GetString("site") != st.site || !strings.Contains(c.GetString("data"), `"done"`) {
		t.Errorf("conflict record: %v", c.FieldsData())
	}
	lead, _ := app.FindRecordById("users", st.lead)
	open, err := domain.FindOpenConflicts(app, lead)
	if err != nil || len(open) != 3 {
		t.Errorf("site lead inbox: %d conflicts (%v), want 3", len(open), err)
	}
	if err := domain.ResolveConflict(app, lead, c.Id); err != nil {
		t.Error(err)
	}
	// an approved (locked) entry edited offline lands in the inbox too
	_, r := st.sync(t, "crew@acme.test", syncOp{"key": ulid(24), "op": "create", "collection": "time_entries", "id": "te0000000000001",
		"data": map[string]any{"site": st.site, "clock_in": syncDay + " 07:00:00.000Z", "clock_out": syncDay + " 11:00:00.000Z"}})
	if r[0].Status != 200 || r[0].ID != "te0000000000001" {
		t.Fatalf("create with a client id: %+v", r[0])
	}
	if _, err := domain.ReviewTimeEntry(app, lead, r[0].ID, true, ""); err != nil {
		t.Fatal(err)
	}
	_, r = st.sync(t, "crew@acme.test", syncOp{"key": ulid(25), "op": "update", "collection": "time_entries", "id": r[0].ID,
		"data": map[string]any{"clock_out": syncDay + " 12:00:00.000Z", "edit_reason": "oubli"}})
	if r[0].Status != 409 || r[0].Conflict == "" {
		t.Errorf("edit of an approved entry: %+v, want 409 in the inbox", r[0])
	}
}

func TestSyncAuthAndIsolation(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	body := func() *strings.Reader {
		return apiJSON(map[string]any{"operations": []syncOp{{"key": ulid(30), "op": "create", "collection": "incidents",
			"data": map[string]any{"site": st.site, "kind": "weather", "severity": "low", "description": "Orage"}}}})
	}
	if rec := tenanttest.Do(t, st.Registry, "POST", st.Host(), "/api/fieldops/sync", "", body()); rec.Code != 401 {
		t.Errorf("anonymous: %d", rec.Code)
	}
	if rec := tenanttest.Do(t, st.Registry, "POST", st.Host(), "/api/fieldops/sync", st.Token("_superusers", st.Admin), body()); rec.Code != 401 && rec.Code != 404 {
		t.Logf("superuser token: %d", rec.Code)
	}
	if rec := tenanttest.Do(t, st.Registry, "POST", st.Host(), "/api/fieldops/sync", st.Token("users", "crew@acme.test"), strings.NewReader(`{"operations":[`)); rec.Code != 400 {
		t.Errorf("malformed body: %d %s", rec.Code, rec.Body)
	}
	// session cookie, same-origin
	c := st.Login("crew@acme.test", tenanttest.Password)
	req := tenanttest.NewRequest("POST", st.Host(), "/api/fieldops/sync", body())
	req.AddCookie(c)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if rec := tenanttest.Serve(st.Registry, req); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":200`) {
		t.Errorf("session cookie: %d %s", rec.Code, rec.Body)
	}
	// tenant A's token and cookie on tenant B's host
	b := tenanttest.Provision(t, st.Registry, "beta", domain.SectorTP)
	if rec := tenanttest.Do(t, st.Registry, "POST", b.Host(), "/api/fieldops/sync", st.Token("users", "crew@acme.test"), body()); rec.Code != 401 {
		t.Errorf("A's token on B: %d %s", rec.Code, rec.Body)
	}
	req = tenanttest.NewRequest("POST", b.Host(), "/api/fieldops/sync", body())
	req.AddCookie(c)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if rec := tenanttest.Serve(st.Registry, req); rec.Code != 401 {
		t.Errorf("A's cookie on B: %d", rec.Code)
	}
	// a deactivated user is refused
	if _, err := domain.SetUserActive(st.App(), nil, st.crew2, false); err != nil {
		t.Fatal(err)
	}
	if code, _ := st.sync(t, "crew2@acme.test", syncOp{"key": ulid(31), "op": "create", "collection": "incidents"}); code != 401 {
		t.Errorf("inactive user: %d", code)
	}
}
