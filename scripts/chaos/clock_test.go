//go:build chaos && chaosinfra

package chaos

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// Clock skew of the server alone. The machine's clock is shared (not to
// be changed by a test), a time namespace offsets only the monotonic and
// boot clocks (not CLOCK_REALTIME), and libfaketime cannot reach a Go
// binary (the runtime reads the clock through the vDSO, not libc). So
// the chaos build of the binary is compiled by a copy of the Go toolchain
// whose time.Now adds FIELDOPS_CHAOS_CLOCK_OFFSET seconds to the wall
// clock (testdata/clockskew): every Go caller in the process (PocketBase,
// its JWTs, the product, the Litestream child and its S3 signatures) sees
// the skewed clock, durations and timers keep the true monotonic clock,
// as on a machine whose clock is off. SQLite's own 'now' (libc) is not
// skewed; the product stamps records from Go.

// skewedGoroot prepares (once per toolchain, kept in the user cache so
// the build cache stays warm) a hard-linked copy of GOROOT with the
// patched time.Now and returns its go command.
func skewedGoroot(t *testing.T) string {
	t.Helper()
	env := func(k string) string {
		out, err := exec.Command("go", "env", k).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	goroot, version := env("GOROOT"), env("GOVERSION")
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	clock, err := os.ReadFile(filepath.Join(moduleRoot(t), "scripts", "chaos", "testdata", "clockskew", "zz_chaos_clock.go.txt"))
	if err != nil {
		t.Fatal(err)
	}
	g := filepath.Join(cache, "fieldops-chaos-goroot-"+version)
	if have, err := os.ReadFile(filepath.Join(g, "src", "time", "zz_chaos_clock.go")); err == nil && bytes.Equal(have, clock) {
		return filepath.Join(g, "bin", "go")
	}
	_ = os.RemoveAll(g)
	sh(t, "cp", "-al", goroot, g)
	src, err := os.ReadFile(filepath.Join(goroot, "src", "time", "time.go"))
	if err != nil {
		t.Fatal(err)
	}
	const call = "\tsec, nsec, mono := runtimeNow()\n"
	if bytes.Count(src, []byte(call)) != 1 {
		t.Fatalf("%s: time.Now no longer reads runtimeNow() as expected: update the clock skew patch", version)
	}
	patched := bytes.Replace(src, []byte(call), []byte(call+"\tsec += chaosClockOffset\n"), 1)
	timeGo := filepath.Join(g, "src", "time", "time.go")
	if err := os.Remove(timeGo); err != nil { // a hard link to the toolchain's file
		t.Fatal(err)
	}
	if err := os.WriteFile(timeGo, patched, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(g, "src", "time", "zz_chaos_clock.go"), clock, 0o444); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(g, "bin", "go")
}

// buildSkewable compiles the fieldops binary with the patched toolchain
// (the first build compiles everything: several minutes; then cached).
func buildSkewable(t *testing.T, dir string) string {
	t.Helper()
	goCmd := skewedGoroot(t)
	bin := filepath.Join(dir, "fieldops-skewable")
	cmd := exec.Command(goCmd, "build", "-o", bin, ".")
	cmd.Dir = moduleRoot(t)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOROOT=")
	cmd.Stderr = os.Stderr
	began := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("build with the skewable clock: %v", err)
	}
	t.Logf("skewable build: %s", time.Since(began).Round(time.Second))
	return bin
}

// serverSkew returns the server's clock minus ours, from its Date header.
func serverSkew(t *testing.T, srv *Server) time.Duration {
	t.Helper()
	resp, err := http.Get("http://" + srv.Addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	at, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatal(err)
	}
	return at.Sub(time.Now()).Round(time.Minute)
}

// sessionStatus is the status of a write with a session cookie signed in
// under another clock (200: the session still works).
func sessionStatus(u *UserClient, site string) int {
	a := u.CreateRecord(domain.CollectionIncidents, map[string]any{"site": site, "kind": "safety", "severity": "low", "description": "old-session-" + NewULID()})
	return a.Status
}

// TestInfraClockSkew: the server (and its replication child) runs 2 h
// ahead, then at the right time (its clock stepped back 2 h), then 2 h
// behind, then right again, under the write load, replicating to
// versitygw (a true clock: S3 refuses signatures more than 15 min off).
// Measured per phase: what users see, sessions signed in under the
// previous clock, replication; at the end no acknowledged write is lost,
// the audit chain verifies and the replica holds every write.
func TestInfraClockSkew(t *testing.T) {
	work := t.TempDir()
	bin := buildSkewable(t, work)
	replica := startVersity(t, "127.0.0.1")
	dir, logs := filepath.Join(work, "pb_data"), filepath.Join(work, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	var acked []string
	var users []*UserClient
	var site string
	for i, offset := range []int{7200, 0, -7200, 0} {
		srv := ServeWith(t, ServeOpts{Probe: "/healthz", LogDir: logs, Env: append([]string{"FIELDOPS_CHAOS_CLOCK_OFFSET=" + strconv.Itoa(offset)}, s3Env...)}, bin, dir, "--replica", replica)
		skew := serverSkew(t, srv)
		if skew != time.Duration(offset)*time.Second {
			t.Fatalf("the server's Date is %s off, want %ds: the skew mechanism does not work", skew, offset)
		}
		old := "n/a"
		if users == nil {
			users, site = crew(t, srv, 4)
		} else {
			users[0].Addr = srv.Addr // the same session cookie, on the restarted server
			old = strconv.Itoa(sessionStatus(users[0], site))
			users = waitRelogin(t, srv, 4)
		}
		stop := make(chan struct{})
		time.AfterFunc(4*time.Second, func() { close(stop) })
		m := measuredLoad(users, site, "skew"+strconv.Itoa(i), stop)
		acked = append(acked, m.acked...)
		f := m.window(time.Time{}, time.Time{}, time.Time{})
		time.Sleep(2 * time.Second)
		st, code := backupStatus(t, bin, dir)
		repl := "no status"
		if d := st.DB("acme"); d != nil {
			repl = fmt.Sprintf("lag %.1f s, errors %d, last error %q", d.LagSeconds, d.Errors, d.LastError)
			if d.LastSync != nil { // stamped by the child's clock: the skew reaches it
				repl += fmt.Sprintf(", last sync stamped %s from now", d.LastSync.Sub(time.Now()).Round(time.Minute))
			}
		}
		t.Logf("server clock %+ds (Date header %s off): session from the previous clock -> %s; %s", offset, skew, old, f)
		f.logSamples(t)
		t.Logf("  replication: backup status exit %d, %s", code, repl)
		if i == 3 {
			began := time.Now()
			waitReplicated(t, bin, dir, "acme", 60*time.Second)
			t.Logf("  right clock again: replica caught up in %s", time.Since(began).Round(time.Millisecond))
		}
		_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
		if err := srv.Wait(30 * time.Second); err != nil {
			t.Errorf("graceful stop at %+ds: %v", offset, err)
		}
	}
	noPanic(t, logs)
	lost := lostWrites(t, bin, dir, acked)
	inReplica := restoredLost(t, bin, dir, work, replica, acked, s3Env...)
	t.Logf("clock skew: %d acknowledged, %d lost in the database, %d lost in the replica", len(acked), len(lost), len(inReplica))
	if len(lost) > 0 || len(inReplica) > 0 {
		t.Fatalf("acknowledged writes lost: database %v, replica %v", lost, inReplica)
	}
}
