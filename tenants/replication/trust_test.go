package replication_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenanttest"
)

// restoreLatest restores the latest replica of name into a scratch file,
// checks its integrity and returns the probe rows it holds.
func (e *opsEnv) restoreLatest(name string) int {
	e.t.Helper()
	return countRows(e.t, e.restoreChecked(name))
}

// restoreChecked restores the latest replica of name into a scratch file
// and checks its integrity.
func (e *opsEnv) restoreChecked(name string) string {
	e.t.Helper()
	out := filepath.Join(e.t.TempDir(), "data.db")
	if _, err := replication.RestoreDB(context.Background(), e.target, name, out, time.Time{}); err != nil {
		e.t.Fatalf("restore %s: %v", name, err)
	}
	if err := replication.CheckIntegrity(context.Background(), out); err != nil {
		e.t.Fatalf("restored %s: %v", name, err)
	}
	return out
}

// TestChildKilledWhileWALRestarts reproduces the unrestorable replica of
// issue #13: the replication child is killed, the server commits more
// frames, checkpoints and restarts its WAL before the child comes back.
// The frames written while the child was down are in the database file
// only; the stale frames left after the new WAL's end still match the
// child's last LTX file. Without the check at activation, Litestream
// continued incrementally from the new WAL header and the replica lost
// those frames (restore: "wrong # of entries in index").
func TestChildKilledWhileWALRestarts(t *testing.T) {
	e := newOpsEnv(t, "")
	waitFor(t, 20*time.Second, "child up", e.sup.Up)
	tt := tenanttest.Provision(t, e.reg, "acme", domain.SectorBTP)
	app := tt.App()
	probeTable(t, app)
	insertRows(t, app, 0, 300)
	e.inSync("acme", 30*time.Second)

	for round := range 3 {
		pid := e.sup.PID()
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		base := 1000 * (round + 1)
		insertRows(t, app, base, 40) // after the child's last sync
		var busy, logN, done int
		if err := app.NonconcurrentDB().NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &logN, &done); err != nil {
			t.Fatal(err)
		}
		insertRows(t, app, base+500, 1) // restarts the WAL: fewer frames than before
		t.Logf("round %d: child %d killed; checkpoint busy=%d log=%d done=%d", round, pid, busy, logN, done)
		waitFor(t, 20*time.Second, "child restarted", func() bool { return e.sup.Up() && e.sup.PID() != pid && e.sup.PID() != 0 })
		e.inSync("acme", 30*time.Second)
		want := 300 + (round+1)*41
		if n := e.restoreLatest("acme"); n != want {
			t.Fatalf("round %d: replica holds %d rows, want %d", round, n, want)
		}
	}
}

// restartChild stops the replication child and starts a new supervisor
// on the same data directory, with another replica or child environment.
func (e *opsEnv) restartChild(replica string, childEnv ...string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.sup.Stop(ctx); err != nil {
		e.t.Fatalf("stop child: %v", err)
	}
	target, err := replication.ParseReplicaTarget(replica)
	if err != nil {
		e.t.Fatal(err)
	}
	sup := replication.NewSupervisor(replication.SupervisorConfig{Dir: e.dir, Replica: replica, Command: childCommand(e.dir, replica, childEnv...), Poll: 300 * time.Millisecond, MaxBackoff: 2 * time.Second})
	sup.Start()
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = sup.Stop(ctx)
	})
	e.sup, e.replica, e.target = sup, replica, target
	waitFor(e.t, 20*time.Second, "new child up", e.sup.Up)
}

// pruneLocalL0 deletes every local level-0 LTX file of a database but the
// newest, as Litestream's L0 retention does after compaction.
func pruneLocalL0(t *testing.T, dbPath string) int {
	t.Helper()
	dir := filepath.Join(filepath.Dir(dbPath), ".data.db-litestream", "ltx", "0")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, e := range ents[:len(ents)-1] {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return len(ents) - 1
}

// TestNewReplicaTargetIsSeeded: a data directory that replicated before
// (its early LTX files gone, as after L0 retention) pointed at a new,
// empty replica target seeds it with a full snapshot within 10 s.
func TestNewReplicaTargetIsSeeded(t *testing.T) {
	e := newOpsEnv(t, "")
	waitFor(t, 20*time.Second, "child up", e.sup.Up)
	tt := tenanttest.Provision(t, e.reg, "acme", domain.SectorBTP)
	app := tt.App()
	probeTable(t, app)
	for i := range 5 {
		insertRows(t, app, i*10, 10)
		e.inSync("acme", 30*time.Second)
	}
	e.reg.CloseTenant("acme", true)
	waitFor(t, 15*time.Second, "acme released", func() bool { d, ok := e.dbStatus("acme"); return ok && !d.Active })
	pruned := pruneLocalL0(t, e.reg.TenantDir("acme")+"/data.db")
	began := time.Now()
	e.restartChild("file:" + filepath.Join(t.TempDir(), "new-replica"))
	waitFor(t, 10*time.Second, "new replica seeded", func() bool {
		d, ok := e.dbStatus("acme")
		return ok && d.ReplicaTXID > 0 && d.ReplicaTXID == d.LocalTXID && d.LastError == ""
	})
	t.Logf("local LTX files pruned: %d; new replica seeded in %s", pruned, time.Since(began).Round(time.Millisecond))
	if n := e.restoreLatest("acme"); n != 50 {
		t.Fatalf("new replica holds %d rows, want 50", n)
	}
	e.restoreChecked(replication.PlatformDB)
}

// TestRecreatedTenantIsRefusedByItsReplica: a tenant re-created in an
// empty data directory over an existing replica path is refused (the
// status says why, the supervisor is not ready) and the replica's latest
// state is unchanged; an operator's explicit --allow-replace-replica lets
// it take the replica over.
func TestRecreatedTenantIsRefusedByItsReplica(t *testing.T) {
	old := newOpsEnv(t, "")
	waitFor(t, 20*time.Second, "child up", old.sup.Up)
	app := tenanttest.Provision(t, old.reg, "acme", domain.SectorBTP).App()
	probeTable(t, app)
	insertRows(t, app, 0, 40)
	old.inSync("acme", 30*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := old.sup.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	e := newOpsEnv(t, old.replica, "FIELDOPS_TEST_CONFLICT_RECHECK=1s") // a new volume, same replica path
	waitFor(t, 20*time.Second, "child up", e.sup.Up)
	fresh := tenanttest.Provision(t, e.reg, "acme", domain.SectorBTP).App()
	probeTable(t, fresh)
	insertRows(t, fresh, 500, 3)
	var d replication.DBStatus
	waitFor(t, 15*time.Second, "acme refused", func() bool { d, _ = e.dbStatus("acme"); return d.Conflict != "" })
	t.Logf("refused: %s", d.Conflict)
	if d.Active || d.LastError == "" || !strings.Contains(d.Conflict, "replica") {
		t.Errorf("refused db status: %+v", d)
	}
	if st := e.sup.Status(); st.Ready {
		t.Error("status ready while a database is refused")
	}
	if err := e.sup.Ready(context.Background()); err == nil {
		t.Error("readiness passes while a database is refused")
	}
	time.Sleep(2 * time.Second) // rechecks: still refused, replica untouched
	if n := e.restoreLatest("acme"); n != 40 {
		t.Fatalf("replica's latest holds %d rows, want the original 40", n)
	}

	e.restartChild(e.replica, "FIELDOPS_TEST_ALLOW_REPLACE=acme")
	waitFor(t, 15*time.Second, "acme replicated after the operator's decision", func() bool {
		d, ok := e.dbStatus("acme")
		return ok && d.Conflict == "" && d.ReplicaTXID > 0 && d.ReplicaTXID == d.LocalTXID
	})
	if n := e.restoreLatest("acme"); n != 3 {
		t.Fatalf("after replacement the replica holds %d rows, want 3", n)
	}
}

// replicaFiles lists a file replica's LTX files of a database by level,
// with their modification times.
func replicaFiles(t *testing.T, replicaDir, name string) map[string]time.Time {
	t.Helper()
	root := filepath.Join(replicaDir, "tenants", name, "ltx")
	out := map[string]time.Time{}
	err := filepath.WalkDir(root, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		info, err := de.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[rel] = info.ModTime()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRetentionKeepsIdleTenantRestorable: Litestream's retention deletes
// old snapshots and the files only they needed, while the maintenance loop
// keeps snapshotting a tenant that is closed (idle): it still restores
// with every row, even after every replica object older than two snapshot
// periods is deleted (what a blind bucket expiry rule would do).
func TestRetentionKeepsIdleTenantRestorable(t *testing.T) {
	e := newOpsEnv(t, "", "FIELDOPS_TEST_RETENTION=3s", "FIELDOPS_TEST_SNAPSHOT_EVERY=1s",
		"FIELDOPS_TEST_MAINTAIN_EVERY=300ms", "FIELDOPS_TEST_DRILL_EVERY=1s")
	waitFor(t, 20*time.Second, "child up", e.sup.Up)
	app := tenanttest.Provision(t, e.reg, "acme", domain.SectorBTP).App()
	probeTable(t, app)
	dir := strings.TrimPrefix(e.replica, "file:")
	var early []string
	for round := range 4 {
		insertRows(t, app, round*10, 10)
		e.inSync("acme", 30*time.Second)
		time.Sleep(1200 * time.Millisecond)
		if round == 0 {
			for f := range replicaFiles(t, dir, "acme") {
				if strings.HasPrefix(f, "9/") {
					early = append(early, f)
				}
			}
		}
	}
	if len(early) == 0 {
		t.Fatal("no snapshot written while the tenant was written")
	}
	e.reg.CloseTenant("acme", true)
	// closed in the server (the maintenance loop follows it again for the
	// time of each snapshot, every second here: it is seldom seen released)
	waitFor(t, 20*time.Second, "acme closed", func() bool { d, ok := e.dbStatus("acme"); return ok && !d.Open })
	closedAt := time.Now()
	waitFor(t, 20*time.Second, "a snapshot of the idle tenant and retention applied", func() bool {
		d, _ := e.dbStatus("acme")
		files := replicaFiles(t, dir, "acme")
		for _, f := range early {
			if _, ok := files[f]; ok {
				return false
			}
		}
		return d.LastSnapshot != nil && d.LastSnapshot.After(closedAt) && d.Drill != nil && d.Drill.At.After(closedAt)
	})
	d, _ := e.dbStatus("acme")
	if !d.Drill.OK {
		t.Fatalf("drill of the idle tenant failed: %s", d.Drill.Error)
	}
	files := replicaFiles(t, dir, "acme")
	t.Logf("early snapshots %v deleted by retention; replica now %d files; idle tenant snapshotted at %s, drilled at %s", early, len(files), d.LastSnapshot.Format(time.RFC3339Nano), d.Drill.At.Format(time.RFC3339Nano))
	if n := e.restoreLatest("acme"); n != 40 {
		t.Fatalf("idle tenant restores %d rows, want 40", n)
	}
	// a blind expiry of every object older than two snapshot periods
	// before the child stops (stopped first: its own retention would race
	// the deletions; the cutoff is taken before the stop, which can take
	// seconds on a busy machine while no snapshot is written)
	fresh := time.Now().Add(-500 * time.Millisecond)
	waitFor(t, 20*time.Second, "a fresh snapshot", func() bool {
		d, _ := e.dbStatus("acme")
		return d.LastSnapshot != nil && d.LastSnapshot.After(fresh)
	})
	cutoff := time.Now().Add(-2 * time.Second)
	stopCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.sup.Stop(stopCtx); err != nil {
		t.Fatal(err)
	}
	files = replicaFiles(t, dir, "acme")
	deleted := 0
	for f, mt := range files {
		if mt.Before(cutoff) {
			if err := os.Remove(filepath.Join(dir, "tenants", "acme", "ltx", f)); err != nil {
				t.Fatal(err)
			}
			deleted++
		}
	}
	if n := e.restoreLatest("acme"); n != 40 {
		t.Fatalf("after deleting %d old objects the idle tenant restores %d rows, want 40", deleted, n)
	}
	t.Logf("deleted %d objects older than 2 s: still restorable", deleted)
}
