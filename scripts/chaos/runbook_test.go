//go:build chaos

package chaos

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runbookBlock is one ```sh runbook fenced block of docs/runbooks;
// stopped: ```sh runbook stopped, run while the server is stopped.
type runbookBlock struct {
	file, script string
	stopped      bool
}

var runbookFence = regexp.MustCompile("(?ms)^[ \\t]*```sh runbook( stopped)?[ \\t]*\\n(.*?)^[ \\t]*```")

// runbookBlocks extracts the runnable blocks of every runbook, in file
// order, without their common indentation.
func runbookBlocks(t *testing.T) []runbookBlock {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(moduleRoot(t), "docs", "runbooks", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []runbookBlock
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range runbookFence.FindAllStringSubmatch(string(src), -1) {
			var lines []string
			for _, l := range strings.Split(m[2], "\n") {
				lines = append(lines, strings.TrimLeft(l, " \t"))
			}
			blocks = append(blocks, runbookBlock{filepath.Base(f), strings.Join(lines, "\n"), m[1] != ""})
		}
	}
	return blocks
}

// TestRunbookCommands runs every ```sh runbook block of docs/runbooks as
// written (placeholders substituted) against the real binary: a tenant
// served with writes, replicating to a file replica. Any non-zero exit
// fails, so a renamed command or flag breaks CI instead of an incident.
// A ```sh runbook stopped block (a VM procedure between `systemctl stop`
// and `start`) runs with the server stopped; the server is then started
// again on the data directory and must serve the tenant with every
// incident it held before the stop. fieldops-admin is the CLI (on a VM,
// the CLI with the service's settings) and the service user's ownership
// is dropped (the test does not run as root).
func TestRunbookCommands(t *testing.T) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Fatal("the runbooks use sqlite3: apt-get install sqlite3")
	}
	blocks := runbookBlocks(t)
	if len(blocks) < 4 {
		t.Fatalf("only %d runnable runbook blocks found", len(blocks))
	}
	work := t.TempDir()
	bin := Build(t, work)
	dir, replica := filepath.Join(work, "pb_data"), "file:"+filepath.Join(work, "replica")
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	srv := Serve(t, bin, dir, "--replica", replica)
	defer func() {
		_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait(30 * time.Second)
	}()
	users, site := crew(t, srv, 1)
	loadFor(users, site, "before", 500*time.Millisecond)
	waitReplicated(t, bin, dir, "acme", 30*time.Second)
	at := time.Now().UTC().Format(time.RFC3339)
	time.Sleep(1100 * time.Millisecond)
	users = waitRelogin(t, srv, 1)
	loadFor(users, site, "after", 300*time.Millisecond)
	waitReplicated(t, bin, dir, "acme", 30*time.Second)

	tmp := filepath.Join(work, "tmp") + "/"
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	subst := strings.NewReplacer("<slug>", "acme", "<data dir>", dir, "/tmp/", tmp, "2026-11-28T16:00:00Z", at,
		" -o fieldops -g fieldops", "")
	admin := filepath.Join(filepath.Dir(bin), "fieldops-admin")
	if err := os.WriteFile(admin, []byte("#!/bin/sh\nexec fieldops \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"),
		"FIELDOPS_DIR="+dir, "FIELDOPS_REPLICA="+replica)
	db := filepath.Join(dir, "tenants", "acme", "data.db")
	stops := 0
	for i, b := range blocks {
		script := subst.Replace(b.script)
		var before map[string]bool
		if b.stopped {
			before = incidentsIn(t, db)
			_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
			if err := srv.Wait(30 * time.Second); err != nil {
				t.Fatalf("%s, block %d: the server did not stop: %v", b.file, i+1, err)
			}
			stops++
		}
		began := time.Now()
		cmd := exec.Command("sh", "-e", "-x", "-c", script)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s, block %d failed as written: %v\n--- script\n%s\n--- output\n%s", b.file, i+1, err, script, out)
		}
		t.Logf("%s block %d%s: ok in %s", b.file, i+1, map[bool]string{true: " (server stopped)"}[b.stopped], time.Since(began).Round(time.Millisecond))
		if b.stopped {
			srv = Serve(t, bin, dir, "--replica", replica)
			var lost []string
			for desc := range before {
				lost = append(lost, desc)
			}
			if lost = missing(lost, incidentsIn(t, db)); len(lost) > 0 {
				t.Fatalf("%s, block %d: %d of the %d incidents held before the stop are gone (first %s)", b.file, i+1, len(lost), len(before), lost[0])
			}
		}
		// a block that suspended the tenant resumed it: the server serves it again
		waitRelogin(t, srv, 1)
		waitReplicated(t, bin, dir, "acme", 30*time.Second)
	}
	if stops < 2 {
		t.Fatalf("only %d runbook blocks ran with the server stopped (whole shard, control plane)", stops)
	}
	if st, code := backupStatus(t, bin, dir); code != 0 {
		t.Errorf("backup status after the runbooks: exit %d, %v", code, st.Problems)
	}
}
