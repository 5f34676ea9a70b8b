package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenanttest"
)

const platformHost = "localhost"

func portalLogin(t *testing.T, reg *tenants.Registry) *http.Cookie {
	t.Helper()
	if _, err := reg.UpsertSuperuser("root@fieldops.test", tenanttest.Password, "test"); err != nil {
		t.Fatal(err)
	}
	rec := tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {tenanttest.Password}})
	c := tenanttest.SessionCookie(rec)
	if rec.Code != http.StatusSeeOther || c == nil {
		t.Fatalf("portal login = %d", rec.Code)
	}
	return c
}

func TestPortalGuardAndIsolation(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg := tt.Registry
	// anonymous → login page
	if rec := tenanttest.Get(t, reg, platformHost, "/portal"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/login" {
		t.Errorf("anonymous /portal = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	// a tenant admin's cookie is worthless on the platform host
	tenantCookie := tt.Login(tt.Admin, tenanttest.Password)
	if rec := tenanttest.Get(t, reg, platformHost, "/portal", tenantCookie); rec.Code != http.StatusSeeOther {
		t.Errorf("tenant cookie on /portal = %d, want redirect to login", rec.Code)
	}
	// a tenant's dashboard superuser is not a platform superuser
	rec := tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {tt.Admin}, "password": {tenanttest.Password}})
	if rec.Code != http.StatusBadRequest {
		t.Errorf("tenant admin on the portal login = %d, want 400", rec.Code)
	}
	// and the platform cookie is worthless on a tenant host
	pc := portalLogin(t, reg)
	if rec := tenanttest.Get(t, reg, tt.Host(), "/users", pc); rec.Code != http.StatusSeeOther {
		t.Errorf("platform cookie on tenant /users = %d, want redirect to login", rec.Code)
	}
	rec = tenanttest.Get(t, reg, platformHost, "/portal", pc)
	d := doc(t, rec.Body.String())
	if rec.Code != 200 || testid(d, "tenant-acme").Length() != 1 || testid(d, "replication-off").Length() != 1 {
		t.Fatalf("portal home = %d", rec.Code)
	}
	if !strings.Contains(testid(d, "tenant-acme").Text(), "1 / 1") {
		t.Errorf("users column: %q", testid(d, "tenant-acme").Text())
	}
	// single node (issue #21): the shards page says so, no shard on the
	// tenant page, no move
	if d := doc(t, tenanttest.Get(t, reg, platformHost, "/portal/shards", pc).Body.String()); testid(d, "shards-single-node").Length() != 1 || testid(d, "shards-table").Length() != 0 {
		t.Error("single node: the shards page should say there are no shards")
	}
	if testid(doc(t, tenanttest.Get(t, reg, platformHost, "/portal/tenants/acme", pc).Body.String()), "tenant-shard").Length() != 0 {
		t.Error("single node: the tenant page shows a shard")
	}
	if rec := tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/acme/move", url.Values{"to": {"s2"}}, pc); rec.Code != http.StatusNotFound {
		t.Errorf("single node move = %d, want 404", rec.Code)
	}
}

func TestPortalCreateSuspendDelete(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t)
	pc := portalLogin(t, reg)

	// plain form post: same code path as the CLI, result shown once
	form := url.Values{"slug": {"martin-tp"}, "name": {"Martin TP"}, "sector": {"tp"}, "admin_email": {"chef@martin-tp.fr"}, "plan": {"pro"}}
	rec := tenanttest.PostForm(t, reg, platformHost, "/portal/tenants", form, pc)
	d := doc(t, rec.Body.String())
	if rec.Code != 200 || testid(d, "create-result").Length() != 1 {
		t.Fatalf("create = %d %s", rec.Code, rec.Body.String())
	}
	pw := testid(d, "created-password").Text()
	if len(pw) < 16 || testid(d, "created-url").Text() != "http://martin-tp.localhost:8090/" {
		t.Errorf("result: url %q password %q", testid(d, "created-url").Text(), pw)
	}
	tt := &tenanttest.Tenant{T: t, Registry: reg, Slug: "martin-tp"}
	tt.Login("chef@martin-tp.fr", pw)

	// duplicate (409) and invalid (400): the field error, values kept
	rec = tenanttest.PostForm(t, reg, platformHost, "/portal/tenants", form, pc)
	d = doc(t, rec.Body.String())
	if rec.Code != http.StatusConflict || !strings.Contains(testid(d, "error-slug").Text(), "existe déjà") {
		t.Errorf("duplicate = %d %q", rec.Code, testid(d, "error-slug").Text())
	}
	bad := url.Values{"slug": {"www"}, "name": {"X"}, "sector": {"tp"}, "admin_email": {"a@b.fr"}}
	rec = tenanttest.PostForm(t, reg, platformHost, "/portal/tenants", bad, pc)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-slug").Length() != 1 {
		t.Errorf("reserved slug = %d", rec.Code)
	}

	// suspend → tenant host answers 503; resume → back
	if rec := tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/martin-tp/suspend", nil, pc); rec.Code != http.StatusSeeOther {
		t.Fatalf("suspend = %d", rec.Code)
	}
	if rec := tenanttest.Get(t, reg, "martin-tp.localhost", "/login"); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("suspended tenant = %d", rec.Code)
	}
	tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/martin-tp/resume", nil, pc)
	if rec := tenanttest.Get(t, reg, "martin-tp.localhost", "/login"); rec.Code != 200 {
		t.Errorf("resumed tenant = %d", rec.Code)
	}

	// delete needs the slug typed
	rec = tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/martin-tp/delete", url.Values{"confirm": {"martin"}}, pc)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-confirm").Length() != 1 {
		t.Errorf("delete without confirmation = %d", rec.Code)
	}
	if info, _ := reg.Get("martin-tp"); info.Status != tenants.StatusActive {
		t.Fatalf("tenant changed without confirmation: %s", info.Status)
	}
	rec = tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/martin-tp/delete", url.Values{"confirm": {"martin-tp"}}, pc)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("delete = %d", rec.Code)
	}
	if rec := tenanttest.Get(t, reg, "martin-tp.localhost", "/login"); rec.Code != http.StatusGone {
		t.Errorf("deleted tenant = %d", rec.Code)
	}

	// the platform audit log tells the story
	rec = tenanttest.Get(t, reg, platformHost, "/portal/audit", pc)
	body := testid(doc(t, rec.Body.String()), "audit-table").Text()
	for _, action := range []string{"tenant.create", "tenant.suspend", "tenant.resume", "tenant.delete"} {
		if !strings.Contains(body, action) {
			t.Errorf("audit log lacks %s", action)
		}
	}
	if !strings.Contains(body, "root@fieldops.test") {
		t.Error("audit log does not name the superuser")
	}
}

// staticReplication is a fixed replication status (the supervisor itself
// is tested against a real replicate child in tenants/replication).
type staticReplication struct {
	st     replication.Status
	drills int
}

func (s *staticReplication) Status() *replication.Status { return &s.st }
func (s *staticReplication) RunDrill(_ context.Context, db string) (replication.DrillResult, error) {
	s.drills++
	return replication.DrillResult{DB: db, At: time.Now(), OK: true}, nil
}

func TestPortalShowsReplicationAndRunsDrills(t *testing.T) {
	t.Parallel()
	last := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	src := &staticReplication{st: replication.Status{DBs: []replication.DBStatus{
		{DB: "acme", LastSync: &last, Drill: &replication.DrillResult{DB: "acme", At: last, OK: true}},
		{DB: "beta", LagSeconds: 42, LastError: "connection refused", LastSync: &last},
		{DB: "gamma", Conflict: "gamma is behind its replica (local transaction 3, replica 9)", LastSnapshot: &last},
		{DB: "delta", LastSync: &last, Drill: &replication.DrillResult{DB: "delta", At: last, Error: "integrity check: wrong # of entries in index"}},
	}}}
	reg := handlertest.NewRegistry(t, handlertest.WithReplication(src))
	tenanttest.Provision(t, reg, "acme", "btp")
	tenanttest.Provision(t, reg, "beta", "tp")
	tenanttest.Provision(t, reg, "gamma", "elec")
	tenanttest.Provision(t, reg, "delta", "btp")
	pc := portalLogin(t, reg)
	d := doc(t, tenanttest.Get(t, reg, platformHost, "/portal", pc).Body.String())
	if got := testid(d, "replication-acme").Text(); !strings.Contains(got, "à jour") || !strings.Contains(got, "réussi") {
		t.Errorf("acme replication cell = %q", got)
	}
	if got := testid(d, "replication-beta").Text(); !strings.Contains(got, "erreur") || !strings.Contains(got, "42") {
		t.Errorf("beta replication cell = %q", got)
	}
	if got := testid(d, "replication-gamma").Text(); !strings.Contains(got, "REFUSÉE") {
		t.Errorf("gamma (refused) replication cell = %q", got)
	}
	if got := testid(d, "replication-delta").Text(); !strings.Contains(got, "NON RESTAURABLE") {
		t.Errorf("delta (failed drill) replication cell = %q", got)
	}
	if testid(d, "replication-off").Length() != 0 {
		t.Error("replication shown as off")
	}
	page := tenanttest.Get(t, reg, platformHost, "/portal/tenants/gamma", pc).Body.String()
	if !strings.Contains(page, "behind its replica") || !strings.Contains(page, "--allow-replace-replica") || !strings.Contains(page, "dernier instantané") {
		t.Error("gamma's page does not explain the refusal and the last snapshot")
	}
	rec := tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/acme/drill", nil, pc)
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "drill_ok") || src.drills != 1 {
		t.Errorf("drill = %d → %q (%d drills)", rec.Code, rec.Header().Get("Location"), src.drills)
	}
}

func TestPortalLoginLockout(t *testing.T) {
	reg := handlertest.NewRegistry(t)
	if _, err := reg.UpsertSuperuser("root@fieldops.test", tenanttest.Password, "test"); err != nil {
		t.Fatal(err)
	}
	var rec = tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {"wrong-1"}})
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("first failure = %d, want 400", rec.Code)
	}
	for i := 0; i < 4; i++ {
		rec = tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {"wrong"}})
	}
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("5th failure = %d, want 429", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {tenanttest.Password}})
	if rec.Code != http.StatusTooManyRequests || tenanttest.SessionCookie(rec) != nil {
		t.Errorf("right password while locked = %d, want 429 without session", rec.Code)
	}
}
