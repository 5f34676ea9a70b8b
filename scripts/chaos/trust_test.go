//go:build chaos

package chaos

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/replication"
)

const trustPassword = "chaos-password-1"

// backupStatus runs `fieldops backup status --json` and returns the
// status and the exit code.
func backupStatus(t *testing.T, bin, dir string, args ...string) (replication.Status, int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"backup", "status", "--json", "--dir", dir}, args...)...)
	out, err := cmd.Output()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var st replication.Status
	if len(out) > 0 {
		if err := json.Unmarshal(out, &st); err != nil {
			t.Fatalf("backup status output: %v\n%s", err, out)
		}
	}
	return st, code
}

// crew creates the field users of the chaos tests (see FieldCrew).
func crew(t *testing.T, srv *Server, n int) ([]*UserClient, string) {
	t.Helper()
	return FieldCrew(t, srv.Addr, "acme.localhost", "admin@acme.test", trustPassword, "field", n)
}

// loadFor runs incidentLoad for d and returns the acknowledged writes.
func loadFor(users []*UserClient, site, prefix string, d time.Duration) []string {
	stop := make(chan struct{})
	time.AfterFunc(d, func() { close(stop) })
	acked, _ := incidentLoad(users, site, prefix, stop)
	return acked
}

// relogin signs the same users in on a restarted server.
func relogin(t *testing.T, srv *Server, n int) []*UserClient {
	t.Helper()
	users := make([]*UserClient, n)
	for i := range users {
		users[i] = WebLogin(t, srv.Addr, "acme.localhost", fmt.Sprintf("field%d@acme.test", i), trustPassword)
	}
	return users
}

// incidentLoad makes each user alternate REST creates of incidents and
// 1-operation sync batches until stop is closed; it returns the
// descriptions the server acknowledged (200, and a 200 result for sync).
func incidentLoad(users []*UserClient, site, prefix string, stop <-chan struct{}) (acked []string, failed int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				desc := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				fields := map[string]any{"site": site, "kind": "safety", "severity": "low", "description": desc}
				ok := false
				if (i+w)%2 == 0 {
					a := u.CreateRecord(domain.CollectionIncidents, fields)
					ok = a.Err == nil && a.Status == http.StatusOK
				} else {
					a, res := u.Sync(domain.SyncOp{Key: NewULID(), Op: domain.SyncCreate, Collection: domain.CollectionIncidents, Data: fields})
					ok = a.Err == nil && a.Status == http.StatusOK && len(res) == 1 && res[0].Status == http.StatusOK
				}
				mu.Lock()
				if ok {
					acked = append(acked, desc)
				} else {
					failed++
				}
				mu.Unlock()
				if !ok {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	return acked, failed
}

// incidentsIn returns the incident descriptions of a database file.
func incidentsIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := tenants.DBConnect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct{ Description string }
	if err := db.NewQuery("SELECT description FROM incidents").All(&rows); err != nil {
		t.Fatalf("incidents of %s: %v", path, err)
	}
	out := map[string]bool{}
	for _, r := range rows {
		out[r.Description] = true
	}
	return out
}

// missing returns the acknowledged descriptions absent from have.
func missing(acked []string, have map[string]bool) []string {
	var out []string
	for _, a := range acked {
		if !have[a] {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// waitReplicated waits until `backup status` shows db's replica at the
// local position with no error and no refusal, as of a sync that began
// after the call (the child syncs every second: a sync that ended 1.5 s
// after the call saw every write acknowledged before it).
func waitReplicated(t *testing.T, bin, dir, db string, timeout time.Duration) replication.DBStatus {
	t.Helper()
	after := time.Now().Add(1500 * time.Millisecond)
	deadline := time.Now().Add(timeout)
	var last replication.Status
	for time.Now().Before(deadline) {
		st, _ := backupStatus(t, bin, dir)
		last = st
		if d := st.DB(db); st.Source == "child" && d != nil && d.LocalTXID > 0 && d.LocalTXID == d.ReplicaTXID && d.LastError == "" && d.Conflict == "" &&
			d.LastSync != nil && d.LastSync.After(after) {
			return *d
		}
		time.Sleep(200 * time.Millisecond)
	}
	b, _ := json.Marshal(last)
	t.Fatalf("%s not replicated after %s: %s", db, timeout, b)
	return replication.DBStatus{}
}

// newChild waits for a replication child other than old.
func newChild(t *testing.T, srv *Server, old int) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if c := srv.Children(); len(c) == 1 && c[0] != old {
			return c[0]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("replication child %d not replaced", old)
	return 0
}

// TestKillChildRepeatedlyUnderSyncLoad is issue #13's sequence, 20 times:
// a crash-recovered database (the server killed under load, restarted),
// then replication under a load of REST and sync writes with audit hooks,
// then kill -9 of the replication child, more writes, and a WAL restart
// before the child comes back (what the server's auto-checkpoint does when
// no child holds the WAL: it made replicas lose frames). After each kill
// the child is restarted, catches up, and `backup restore --to` passes its
// integrity check and holds every acknowledged write.
func TestKillChildRepeatedlyUnderSyncLoad(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	dir, replica := filepath.Join(work, "pb_data"), "file:"+filepath.Join(work, "replica")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	srv := Serve(t, bin, dir, "--replica", replica)
	const writers = 4
	users, site := crew(t, srv, writers)

	// a crash-recovered database
	stop := make(chan struct{})
	done := make(chan []string)
	go func() { a, _ := incidentLoad(users, site, "crash", stop); done <- a }()
	time.Sleep(2 * time.Second)
	_ = srv.Cmd.Process.Signal(syscall.SIGKILL)
	_ = srv.Wait(10 * time.Second)
	close(stop)
	acked := <-done
	srv = Serve(t, bin, dir, "--replica", replica)
	users = relogin(t, srv, writers)

	runs := 20
	if n, err := strconv.Atoi(os.Getenv("CHAOS_RUNS")); err == nil && n > 0 {
		runs = n
	}
	passed, restarts := 0, 0
	dbPath := filepath.Join(dir, "tenants", "acme", "data.db")
	for run := range runs {
		began := time.Now()
		child := srv.Children()
		if len(child) != 1 {
			t.Fatalf("run %d: replication children %v", run, child)
		}
		stop := make(chan struct{})
		done := make(chan []string)
		go func() { a, _ := incidentLoad(users, site, fmt.Sprintf("run%d", run), stop); done <- a }()
		time.Sleep(time.Duration(300+17*run) * time.Millisecond)
		close(stop)
		acked = append(acked, <-done...)
		// A quieter moment: after the load the child checkpoints and
		// restarts the WAL; then fewer frames than its checkpoint threshold,
		// which it syncs, so that its position is deep in the WAL (under a
		// heavy load it checkpoints at every sync and its position stays
		// near the WAL's start).
		time.Sleep(1500 * time.Millisecond)
		acked = append(acked, sequentialWrites(t, users, site, fmt.Sprintf("quiet%d", run), 25)...)
		time.Sleep(1500 * time.Millisecond)
		if err := syscall.Kill(child[0], syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// writes while no child runs, then what the server's
		// auto-checkpoint does once the WAL passes 1,000 frames with no
		// child holding it: a checkpoint, and the next write restarts the
		// WAL (reusing the file, shorter than before)
		// (long descriptions: each write fills new pages, which the one
		// write after the restart does not rewrite)
		acked = append(acked, sequentialWrites(t, users, site, fmt.Sprintf("nochild%d-%s", run, strings.Repeat("x", 1500)), 12)...)
		if restartWAL(t, dbPath, users[run%writers], site, fmt.Sprintf("restart%d", run)) {
			restarts++
		}
		acked = append(acked, fmt.Sprintf("restart%d", run))
		killed := time.Now()
		newChild(t, srv, child[0])
		restarted := time.Now()
		waitReplicated(t, bin, dir, "acme", 60*time.Second)
		synced := time.Now()
		out := filepath.Join(work, fmt.Sprintf("restored-%d", run))
		restoreOut, restoreErr := exec.Command(bin, "backup", "restore", "acme", "--to", out, "--replica", replica, "--dir", dir).CombinedOutput()
		if restoreErr != nil {
			t.Errorf("run %d: backup restore: %v\n%s", run, restoreErr, restoreOut)
			continue
		}
		t.Logf("run %d: load+kill %s, child back %s, replica caught up %s, restore %s", run, killed.Sub(began).Round(time.Millisecond),
			restarted.Sub(killed).Round(time.Millisecond), synced.Sub(restarted).Round(time.Millisecond), time.Since(synced).Round(time.Millisecond))
		if lost := missing(acked, incidentsIn(t, filepath.Join(out, "data.db"))); len(lost) > 0 {
			t.Errorf("run %d: %d of %d acknowledged writes missing from the restored replica (first %s)", run, len(lost), len(acked), lost[0])
			continue
		}
		_ = os.RemoveAll(out)
		passed++
	}
	t.Logf("child killed under REST+sync load %d times (WAL restarted before it came back: %d times): %d of %d restores passed their integrity check with all %d acknowledged writes", runs, restarts, passed, runs, len(acked))
	if restarts < runs/2 {
		t.Errorf("the WAL restarted while no child ran in only %d of %d runs: the sequence did not exercise what it tests", restarts, runs)
	}
	if st, code := backupStatus(t, bin, dir); code != 0 {
		t.Errorf("backup status exit %d after the runs: %v", code, st.Problems)
	}
}

// sequentialWrites makes n acknowledged writes one after the other,
// alternating REST creates and sync batches over the users.
func sequentialWrites(t *testing.T, users []*UserClient, site, prefix string, n int) []string {
	t.Helper()
	var out []string
	for i := range n {
		u := users[i%len(users)]
		desc := fmt.Sprintf("%s-%d", prefix, i)
		fields := map[string]any{"site": site, "kind": "safety", "severity": "low", "description": desc}
		if i%2 == 0 {
			if a := u.CreateRecord(domain.CollectionIncidents, fields); a.Err != nil || a.Status != http.StatusOK {
				t.Fatalf("REST write: %d %v %s", a.Status, a.Err, a.Body)
			}
		} else {
			a, res := u.Sync(domain.SyncOp{Key: NewULID(), Op: domain.SyncCreate, Collection: domain.CollectionIncidents, Data: fields})
			if a.Err != nil || a.Status != http.StatusOK || len(res) != 1 || res[0].Status != http.StatusOK {
				t.Fatalf("sync write: %d %v %s", a.Status, a.Err, a.Body)
			}
		}
		out = append(out, desc)
	}
	return out
}

// walSalt reads the salt of a database's WAL header.
func walSalt(t *testing.T, dbPath string) [8]byte {
	t.Helper()
	f, err := os.Open(dbPath + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hdr [32]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		t.Fatal(err)
	}
	var salt [8]byte
	copy(salt[:], hdr[16:24])
	return salt
}

// restartWAL checkpoints the tenant's database from another connection
// (as the server's auto-checkpoint does) and makes one acknowledged sync
// write, which restarts the WAL when the checkpoint was complete; it
// reports whether the WAL restarted.
func restartWAL(t *testing.T, dbPath string, u *UserClient, site, desc string) bool {
	t.Helper()
	before := walSalt(t, dbPath)
	db, err := tenants.DBConnect(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	var busy, logN, done int
	err = db.NewQuery("PRAGMA wal_checkpoint(PASSIVE)").Row(&busy, &logN, &done)
	db.Close()
	if err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	a, res := u.Sync(domain.SyncOp{Key: NewULID(), Op: domain.SyncCreate, Collection: domain.CollectionIncidents,
		Data: map[string]any{"site": site, "kind": "safety", "severity": "low", "description": desc}})
	if a.Err != nil || a.Status != http.StatusOK || len(res) != 1 || res[0].Status != http.StatusOK {
		t.Fatalf("sync write after the checkpoint: %d %v %s", a.Status, a.Err, a.Body)
	}
	return walSalt(t, dbPath) != before
}

// pruneL0 deletes a database's local level-0 LTX files but the newest,
// as Litestream's L0 retention does after compaction.
func pruneL0(t *testing.T, dbPath string) int {
	t.Helper()
	l0 := filepath.Join(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+"-litestream", "ltx", "0")
	ents, err := os.ReadDir(l0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents[:max(len(ents)-1, 0)] {
		_ = os.Remove(filepath.Join(l0, e.Name()))
	}
	return max(len(ents)-1, 0)
}

// TestReplicaTrustProcedures drives the real binary through the
// replication procedures of the runbooks: status without replication
// (non-zero), a new replica target on a data dir that replicated before
// (seeded within 10 s), a tenant re-created on an empty volume over its
// replica (refused, replica unchanged, /readyz not ready), and the way
// out: restore in place from the replica, resume, replication healthy.
func TestReplicaTrustProcedures(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	dir, replica := filepath.Join(work, "pb_data"), "file:"+filepath.Join(work, "replica")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	if st, code := backupStatus(t, bin, dir, "--replica", replica); code == 0 || st.Healthy {
		t.Fatalf("backup status without replication running: exit %d, %+v", code, st)
	}

	srv := Serve(t, bin, dir, "--replica", replica)
	users, site := crew(t, srv, 2)
	acked := loadFor(users, site, "first", 1500*time.Millisecond)
	waitReplicated(t, bin, dir, "acme", 30*time.Second)
	if st, code := backupStatus(t, bin, dir); code != 0 || !st.Healthy {
		t.Fatalf("backup status while replicating: exit %d, problems %v", code, st.Problems)
	}
	if code := exec.Command(bin, "backup", "status", "--alive", "--dir", dir).Run(); code != nil {
		t.Fatalf("backup status --alive: %v", code)
	}
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, code := backupStatus(t, bin, dir, "--replica", replica); code == 0 {
		t.Fatal("backup status exits 0 with no replication running")
	}

	// a new, empty replica target on a data dir that replicated before
	pruned := pruneL0(t, filepath.Join(dir, "tenants", "acme", "data.db"))
	second := "file:" + filepath.Join(work, "replica-2")
	began := time.Now()
	srv = ServeAlive(t, bin, dir, "--replica", second)
	waitReplicated(t, bin, dir, "acme", 10*time.Second)
	seeded := time.Since(began)
	out := filepath.Join(work, "from-second")
	Run(t, bin, "backup", "restore", "acme", "--to", out, "--replica", second, "--dir", dir)
	if lost := missing(acked, incidentsIn(t, filepath.Join(out, "data.db"))); len(lost) > 0 {
		t.Fatalf("new replica target lacks %d acknowledged writes", len(lost))
	}
	t.Logf("new replica target seeded in %s (local LTX files pruned: %d)", seeded.Round(time.Millisecond), pruned)
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	_ = srv.Wait(30 * time.Second)

	// the tenant re-created on an empty volume, over the same replica path
	fresh := filepath.Join(work, "pb_data_new")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", fresh)
	srv = ServeAlive(t, bin, fresh, "--replica", replica)
	var st replication.Status
	var code int
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if st, code = backupStatus(t, bin, fresh); st.DB("acme") != nil && st.DB("acme").Conflict != "" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if d := st.DB("acme"); d == nil || d.Conflict == "" || code == 0 {
		t.Fatalf("re-created tenant not refused: exit %d, %+v", code, st)
	}
	t.Logf("refused: %s", st.DB("acme").Conflict)
	resp, err := http.Get("http://" + srv.Addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("/readyz is 200 while the tenant's replica is refused")
	}
	latest := filepath.Join(work, "latest-after-refusal")
	Run(t, bin, "backup", "restore", "acme", "--to", latest, "--replica", replica, "--dir", fresh)
	if lost := missing(acked, incidentsIn(t, filepath.Join(latest, "data.db"))); len(lost) > 0 {
		t.Fatalf("the refused tenant changed its replica: %d acknowledged writes gone from latest", len(lost))
	}

	// the way out (runbook restore-tenant.md, "Whole shard (lost volume)"):
	// stop, move the data directory aside, restore the platform then each
	// tenant with --to, start: the restored databases take their replicas
	// over and replication is healthy again
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(fresh, fresh+".aside"); err != nil {
		t.Fatal(err)
	}
	Run(t, bin, "backup", "restore", "platform", "--replica", replica, "--to", filepath.Join(fresh, "platform"), "--dir", fresh)
	Run(t, bin, "backup", "restore", "acme", "--replica", replica, "--to", filepath.Join(fresh, "tenants", "acme"), "--dir", fresh)
	srv = Serve(t, bin, fresh, "--replica", replica)
	waitReplicated(t, bin, fresh, replication.PlatformDB, 30*time.Second)
	users = relogin(t, srv, 2)
	after := loadFor(users, site, "after-restore", time.Second)
	waitReplicated(t, bin, fresh, "acme", 30*time.Second)
	final := filepath.Join(work, "final")
	Run(t, bin, "backup", "restore", "acme", "--to", final, "--replica", replica, "--dir", fresh)
	if lost := missing(append(acked, after...), incidentsIn(t, filepath.Join(final, "data.db"))); len(lost) > 0 {
		t.Fatalf("after restore and resume the replica lacks %d writes (first %s)", len(lost), lost[0])
	}
	if st, code := backupStatus(t, bin, fresh); code != 0 {
		t.Errorf("backup status after the restore: exit %d, %v", code, st.Problems)
	}
	acked = append(acked, after...)

	// An older copy of the tenant comes back (a VM or volume snapshot
	// restored): behind its replica, refused; runbook
	// replication-conflict.md 2a: suspend, restore in place, resume.
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	tenantDir := filepath.Join(fresh, "tenants", "acme")
	snapshot := filepath.Join(work, "volume-snapshot")
	if out, err := exec.Command("cp", "-a", tenantDir, snapshot).CombinedOutput(); err != nil {
		t.Fatalf("snapshot: %v %s", err, out)
	}
	srv = Serve(t, bin, fresh, "--replica", replica)
	users = relogin(t, srv, 2)
	later := loadFor(users, site, "later", time.Second)
	acked = append(acked, later...)
	waitReplicated(t, bin, fresh, "acme", 30*time.Second)
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(tenantDir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(snapshot, tenantDir); err != nil {
		t.Fatal(err)
	}
	srv = ServeAlive(t, bin, fresh, "--replica", replica)
	waitRefused(t, bin, fresh, "acme")
	Run(t, bin, "tenant", "suspend", "acme", "--dir", fresh)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		out, err := exec.Command(bin, "backup", "restore", "acme", "--replica", replica, "--dir", fresh).CombinedOutput()
		if err == nil {
			break
		}
		if time.Now().After(deadline) { // "the server still has acme open: retry in a few seconds"
			t.Fatalf("backup restore in place: %v\n%s", err, out)
		}
	}
	Run(t, bin, "tenant", "resume", "acme", "--dir", fresh)
	Run(t, bin, "audit", "verify", "acme", "--dir", fresh) // runbook: chain intact after the restore
	users = waitRelogin(t, srv, 2)
	last := loadFor(users, site, "last", time.Second)
	acked = append(acked, last...)
	waitReplicated(t, bin, fresh, "acme", 30*time.Second)
	end := filepath.Join(work, "end")
	Run(t, bin, "backup", "restore", "acme", "--to", end, "--replica", replica, "--dir", fresh)
	if lost := missing(acked, incidentsIn(t, filepath.Join(end, "data.db"))); len(lost) > 0 {
		t.Fatalf("after the in-place restore the replica lacks %d writes (first %s)", len(lost), lost[0])
	}
	if st, code := backupStatus(t, bin, fresh); code != 0 {
		t.Errorf("backup status after the in-place restore: exit %d, %v", code, st.Problems)
	}
}

// waitRefused waits until `backup status` reports db refused (exit 1).
func waitRefused(t *testing.T, bin, dir, db string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st, code := backupStatus(t, bin, dir)
		if d := st.DB(db); d != nil && d.Conflict != "" && code != 0 {
			t.Logf("refused: %s", d.Conflict)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not refused: exit %d, %+v", db, code, st)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitRelogin signs the users in again once the server serves the tenant
// (it sees a status changed by the CLI within a second or two).
func waitRelogin(t *testing.T, srv *Server, n int) []*UserClient {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, "http://"+srv.Addr+"/login", nil)
		req.Host = "acme.localhost"
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return relogin(t, srv, n)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("acme not served again after resume")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
