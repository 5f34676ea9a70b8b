//go:build chaos

package chaos

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// countNames returns how many of names are in the clients table of db.
func countNames(t *testing.T, db string, names []string) (found, total int) {
	t.Helper()
	conn, err := tenants.DBConnect(db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows []struct{ Name string }
	if err := conn.NewQuery("SELECT name FROM clients").All(&rows); err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Name] = true
	}
	for _, n := range names {
		if have[n] {
			found++
		}
	}
	return found, len(rows)
}

// TestKillServerUnderLoad: kill -9 of the server under a write load. Every
// write acknowledged before the kill is in the database after a restart
// and in the replica after a restore. Then SIGTERM: graceful stop within
// --grace with the child's final sync.
func TestKillServerUnderLoad(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	dir, replica := filepath.Join(work, "pb_data"), "file:"+filepath.Join(work, "replica")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", "chaos-password-1", "--dir", dir)

	srv := Serve(t, bin, dir, "--replica", replica, "--grace", "15s")
	c := Login(t, srv.Addr, "acme.localhost", "admin@acme.test", "chaos-password-1")
	time.Sleep(2 * time.Second) // let the child start following
	children := srv.Children()
	stop := make(chan struct{})
	done := make(chan LoadResult)
	go func() { done <- Load(c, "kill", 4, time.Minute, stop) }()
	time.Sleep(4 * time.Second)
	if err := srv.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.Wait(10 * time.Second)
	close(stop)
	load := <-done
	for _, pid := range children { // the child does its final sync, then exits
		deadline := time.Now().Add(30 * time.Second)
		for Alive(pid) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if Alive(pid) {
			t.Errorf("replication child %d survived its parent", pid)
		}
	}
	if len(load.Acked) == 0 {
		t.Fatal("no write acknowledged")
	}

	srv2 := Serve(t, bin, dir, "--replica", replica, "--grace", "15s")
	c2 := Login(t, srv2.Addr, "acme.localhost", "admin@acme.test", "chaos-password-1")
	if !c2.CreateClient("after-restart") {
		t.Fatal("write after restart failed")
	}
	time.Sleep(3 * time.Second)
	began := time.Now()
	_ = srv2.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv2.Wait(15 * time.Second); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	stopTook := time.Since(began)
	if len(srv2.Children()) != 0 {
		t.Error("replication child left running after graceful stop")
	}

	found, total := countNames(t, filepath.Join(dir, "tenants", "acme", "data.db"), load.Acked)
	restored := filepath.Join(work, "restored")
	Run(t, bin, "backup", "restore", "acme", "--to", restored, "--replica", replica, "--dir", dir)
	inReplica, replicaTotal := countNames(t, filepath.Join(restored, "data.db"), append(load.Acked, "after-restart"))
	t.Logf("kill -9 under load: %d writes acknowledged (%d failed at the kill), %d found after restart (%d rows), %d found in the replica after restore (%d rows, incl. 1 written after restart); SIGTERM stop took %s",
		len(load.Acked), load.Failed, found, total, inReplica, replicaTotal, stopTook.Round(time.Millisecond))
	if found != len(load.Acked) || inReplica != len(load.Acked)+1 {
		t.Fatalf("lost acknowledged writes: acked %d, after restart %d, in replica %d", len(load.Acked), found, inReplica-1)
	}
}

// TestKillChild: kill -9 of the replication child under load: the server
// keeps serving, restarts it, and the replica catches up.
func TestKillChild(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	dir, replica := filepath.Join(work, "pb_data"), "file:"+filepath.Join(work, "replica")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", "chaos-password-1", "--dir", dir)
	srv := Serve(t, bin, dir, "--replica", replica)
	c := Login(t, srv.Addr, "acme.localhost", "admin@acme.test", "chaos-password-1")
	time.Sleep(2 * time.Second)
	child := srv.Children()
	if len(child) != 1 {
		t.Fatalf("children %v", child)
	}
	done := make(chan LoadResult)
	go func() { done <- Load(c, "child", 2, 8*time.Second, nil) }()
	time.Sleep(2 * time.Second)
	_ = syscall.Kill(child[0], syscall.SIGKILL)
	load := <-done
	var again []int
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if again = srv.Children(); len(again) == 1 && again[0] != child[0] {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(again) != 1 || again[0] == child[0] {
		t.Fatalf("child not restarted: %v", again)
	}
	time.Sleep(4 * time.Second) // catch up
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	_ = srv.Wait(20 * time.Second)
	restored := filepath.Join(work, "restored")
	Run(t, bin, "backup", "restore", "acme", "--to", restored, "--replica", replica, "--dir", dir)
	inReplica, _ := countNames(t, filepath.Join(restored, "data.db"), load.Acked)
	t.Logf("child %d killed under load, restarted as %d: %d writes acknowledged (%d failed), %d in the replica", child[0], again[0], len(load.Acked), load.Failed, inReplica)
	if load.Failed > 0 || inReplica != len(load.Acked) {
		t.Fatalf("acked %d failed %d in replica %d", len(load.Acked), load.Failed, inReplica)
	}
}
