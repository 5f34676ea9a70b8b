package replication_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenanttest"
)

// opsEnv is a registry wired like `fieldops serve` with a replication
// child (this test binary re-executed) and metrics.
type opsEnv struct {
	t       *testing.T
	dir     string
	replica string
	target  replication.ReplicaTarget
	reg     *tenants.Registry
	sup     *replication.Supervisor
	metrics *metrics.Metrics
}

func newOpsEnv(t *testing.T, replica string, childEnv ...string) *opsEnv {
	t.Helper()
	dir := t.TempDir()
	if replica == "" {
		replica = "file:" + filepath.Join(t.TempDir(), "replica")
	}
	target, err := replication.ParseReplicaTarget(replica)
	if err != nil {
		t.Fatal(err)
	}
	sup := replication.NewSupervisor(replication.SupervisorConfig{Dir: dir, Replica: replica, Command: childCommand(dir, replica, childEnv...), Poll: 300 * time.Millisecond, MaxBackoff: 2 * time.Second})
	m := metrics.New()
	reg := tenanttest.NewRegistry(t, tenanttest.WithDir(dir), func(c *tenants.Config) {
		c.Notifier = sup
		c.ReadyChecks = append(c.ReadyChecks, sup.Ready)
	})
	sup.Start()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := sup.Stop(ctx); err != nil {
			t.Errorf("stop child: %v", err)
		}
	})
	m.AttachRegistry(reg)
	m.AttachReplication(sup)
	return &opsEnv{t: t, dir: dir, replica: replica, target: target, reg: reg, sup: sup, metrics: m}
}

// scrape returns what /metrics serves (the handlers serve e.metrics on
// the platform host: see handlers' TestMetricsOnPlatformHostOnly).
func (e *opsEnv) scrape() string {
	rec := httptest.NewRecorder()
	e.metrics.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (e *opsEnv) dbStatus(name string) (replication.DBStatus, bool) {
	st := e.sup.Status()
	if st == nil {
		return replication.DBStatus{}, false
	}
	for _, d := range st.DBs {
		if d.DB == name {
			return d, true
		}
	}
	return replication.DBStatus{}, false
}

// inSync waits until the replica of name has every local transaction.
func (e *opsEnv) inSync(name string, timeout time.Duration) replication.DBStatus {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var d replication.DBStatus
	waitFor(e.t, timeout, name+" in sync", func() bool {
		if e.sup.Sync(ctx, name) != nil {
			return false
		}
		st, err := replication.NewControlClient(replication.ControlSocket(e.dir)).Status(ctx)
		if err != nil {
			return false
		}
		for _, x := range st.DBs {
			if x.DB == name {
				d = x
				return x.LocalTXID > 0 && x.LocalTXID == x.ReplicaTXID
			}
		}
		return false
	})
	return d
}

func probeTable(t testing.TB, app core.App) {
	t.Helper()
	if _, err := app.DB().NewQuery("CREATE TABLE IF NOT EXISTS ops_probe (n INTEGER PRIMARY KEY, at TEXT)").Execute(); err != nil {
		t.Fatal(err)
	}
}

func insertRows(t testing.TB, app core.App, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if _, err := app.DB().NewQuery("INSERT INTO ops_probe (n, at) VALUES ({:n}, {:at})").Bind(dbx.Params{"n": i, "at": time.Now().UTC().Format(time.RFC3339Nano)}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

func countRows(t testing.TB, path string) int {
	t.Helper()
	db, err := tenants.DBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.NewQuery("SELECT count(*) FROM ops_probe").Row(&n); err != nil {
		t.Fatalf("count %s: %v", path, err)
	}
	return n
}

// TestReplicationFileReplica covers the replication child against a real
// file replica: new tenants picked up without restart, sync, status,
// metrics and readiness, point-in-time restore to a directory and in
// place (suspended tenant, platform audit event), child killed and
// restarted, final sync on close.
func TestReplicationFileReplica(t *testing.T) {
	e := newOpsEnv(t, "")
	waitFor(t, 20*time.Second, "child up", e.sup.Up)
	tt := tenanttest.Provision(t, e.reg, "acme", domain.SectorBTP) // created after the child started
	app := tt.App()
	probeTable(t, app)
	insertRows(t, app, 0, 50)
	first := e.inSync("acme", 30*time.Second)
	e.inSync(replication.PlatformDB, 30*time.Second)
	t.Logf("acme in sync at txid %d", first.LocalTXID)
	time.Sleep(1100 * time.Millisecond)
	pointInTime := time.Now().UTC()
	time.Sleep(1100 * time.Millisecond)
	insertRows(t, app, 50, 50)
	e.inSync("acme", 30*time.Second)

	// readiness and metrics
	if rec := tenanttest.Get(t, e.reg, "localhost", "/readyz"); rec.Code != http.StatusOK {
		t.Errorf("/readyz = %d %s", rec.Code, rec.Body)
	}
	body := e.scrape()
	for _, want := range []string{`fieldops_replicate_child_up 1`, `fieldops_replication_lag_seconds{db="acme"} 0`, `fieldops_replication_errors_total{db="acme"}`, `fieldops_open_tenants 1`, `fieldops_tenant_db_bytes{tenant="acme"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	ctx := context.Background()
	latest := t.TempDir()
	if _, err := replication.RestoreTenant(ctx, e.reg, e.target, "acme", time.Time{}, latest, "test"); err != nil {
		t.Fatalf("restore latest: %v", err)
	}
	pit := t.TempDir()
	if _, err := replication.RestoreTenant(ctx, e.reg, e.target, "acme", pointInTime, pit, "test"); err != nil {
		t.Fatalf("restore at %s: %v", pointInTime, err)
	}
	gotLatest, gotPIT := countRows(t, filepath.Join(latest, "data.db")), countRows(t, filepath.Join(pit, "data.db"))
	t.Logf("rows written 100; restored latest %d, restored at %s: %d (want 50)", gotLatest, pointInTime.Format(time.RFC3339), gotPIT)
	if gotLatest != 100 || gotPIT != 50 {
		t.Fatalf("restored latest %d (want 100), at point in time %d (want 50)", gotLatest, gotPIT)
	}

	// in place: refused while active
	if _, err := replication.RestoreTenant(ctx, e.reg, e.target, "acme", pointInTime, "", "test"); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("in-place restore of an active tenant: %v, want a conflict", err)
	}
	if _, err := e.reg.SetStatus("acme", tenants.StatusSuspended, "test"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "child released acme", func() bool { d, _ := e.dbStatus("acme"); return !d.Open })
	res, err := replication.RestoreTenant(ctx, e.reg, e.target, "acme", pointInTime, "", "test")
	if err != nil {
		t.Fatalf("restore in place: %v", err)
	}
	if n := countRows(t, res.Path); n != 50 {
		t.Fatalf("in place: %d rows, want 50", n)
	}
	audit, err := e.reg.Platform().FindFirstRecordByFilter("platform_audit", "action = 'tenant.restore' && tenant = 'acme'")
	if err != nil || audit == nil {
		t.Fatalf("no platform audit event for the restore: %v", err)
	}
	if _, err := e.reg.SetStatus("acme", tenants.StatusActive, "test"); err != nil {
		t.Fatal(err)
	}
	app = tt.App()
	insertRows(t, app, 1000, 10)
	e.inSync("acme", 30*time.Second)

	// kill -9 the child: restarted, catches up
	pid := e.sup.PID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	insertRows(t, app, 2000, 10)
	waitFor(t, 20*time.Second, "child restarted", func() bool { return e.sup.Restarts() > 0 && e.sup.Up() && e.sup.PID() != pid })
	d := e.inSync("acme", 30*time.Second)
	t.Logf("child %d killed, restarted as %d, acme in sync again at txid %d", pid, e.sup.PID(), d.LocalTXID)
	again := t.TempDir()
	if _, err := replication.RestoreDB(ctx, e.target, "acme", filepath.Join(again, "data.db"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, filepath.Join(again, "data.db")); n != 70 {
		t.Fatalf("after child restart: %d rows in replica, want 70", n)
	}

	// close: final sync, released
	e.reg.CloseTenant("acme", true)
	waitFor(t, 15*time.Second, "acme released after close", func() bool { d, ok := e.dbStatus("acme"); return ok && !d.Active && !d.Open })

	// drill, on demand
	dr, err := e.sup.RunDrill(ctx, "acme")
	if err != nil || !dr.OK || dr.Tables == 0 {
		t.Fatalf("drill: %+v %v", dr, err)
	}
	waitFor(t, 5*time.Second, "drill metric", func() bool {
		return strings.Contains(e.scrape(), `fieldops_restore_drill_last_success_timestamp_seconds{db="acme"}`)
	})
}
