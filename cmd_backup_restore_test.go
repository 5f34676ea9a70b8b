package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// replicatedDir creates tenants in a data directory and replicates it to a
// file replica with a `fieldops replicate` process stopped with SIGTERM
// (its final sync), as a frozen blue/green colour.
func replicatedDir(t *testing.T, slugs ...string) (dir, replica string) {
	t.Helper()
	work := t.TempDir()
	dir, replica = filepath.Join(work, "data"), "file:"+filepath.Join(work, "replica")
	for _, s := range slugs {
		if r := run(t, nil, "tenant", "create", s, "--name", s, "--sector", "btp", "--admin-email", "chef@"+s+".fr",
			"--admin-password", "un-mot-de-passe", "--dir", dir); r.code != 0 {
			t.Fatalf("create %s: %d %s", s, r.code, r.stderr)
		}
	}
	cmd := exec.Command(binPath, "replicate", "--dir", dir, "--replica", replica)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if r := run(t, nil, "backup", "status", "--dir", dir, "--replica", replica); r.code == 0 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("replication never healthy: %s", r.stdout)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("replicate stopped with %v", err)
	}
	return dir, replica
}

// TestCLIBackupRestorePlatformContract is issue #16's contract: `backup
// restore platform --to DIR --replica R` writes DIR/data.db and exits 0;
// on failure (no replica, a corrupt replica, DIR already there) it exits
// non-zero and leaves nothing at DIR. Then --all, verify-sync and audit
// verify --db on the restored copy.
func TestCLIBackupRestorePlatformContract(t *testing.T) {
	dir, replica := replicatedDir(t, "martin", "durand")
	out := t.TempDir()

	to := filepath.Join(out, "platform")
	if r := run(t, nil, "backup", "restore", "platform", "--to", to, "--replica", replica, "--dir", dir); r.code != 0 {
		t.Fatalf("restore platform: %d %s", r.code, r.stderr)
	}
	if st, err := os.Stat(filepath.Join(to, "data.db")); err != nil || st.Size() == 0 {
		t.Fatalf("DIR/data.db: %v", err)
	}
	if r := run(t, nil, "backup", "restore", "platform", "--to", to, "--replica", replica, "--dir", dir); r.code == 0 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("restore into an existing DIR: exit %d %s", r.code, r.stderr)
	}
	missing := filepath.Join(out, "missing")
	if r := run(t, nil, "backup", "restore", "platform", "--to", missing, "--replica", "file:"+filepath.Join(out, "no-replica"), "--dir", dir); r.code == 0 {
		t.Error("restore from a missing replica exits 0")
	}
	// a corrupt replica: every LTX file of the platform's replica truncated
	corrupt := filepath.Join(out, "corrupt-replica")
	if err := exec.Command("cp", "-a", strings.TrimPrefix(replica, "file:"), corrupt).Run(); err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = filepath.Walk(filepath.Join(corrupt, "platform"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".ltx") {
			n++
			return os.WriteFile(p, []byte("not an LTX file"), 0o600)
		}
		return nil
	})
	if n == 0 {
		t.Fatal("no LTX file in the platform replica")
	}
	bad := filepath.Join(out, "bad")
	if r := run(t, nil, "backup", "restore", "platform", "--to", bad, "--replica", "file:"+corrupt, "--dir", dir); r.code == 0 {
		t.Error("restore from a corrupt replica exits 0")
	}
	for _, p := range []string{missing, bad} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("a failed restore left %s", p)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".*restore-*")); len(left) > 0 {
		t.Errorf("scratch left behind: %v", left)
	}
	if r := run(t, nil, "backup", "restore", "--replica", replica, "--dir", dir); r.code != 2 {
		t.Errorf("restore without SLUG or --all: exit %d, want 2", r.code)
	}

	// the frozen directory's final sync is complete; a later write is not
	if r := run(t, nil, "backup", "verify-sync", "--replica", replica, "--dir", dir, "--json"); r.code != 0 || !strings.Contains(r.stdout, `"tenants": 2`) {
		t.Fatalf("verify-sync after the final sync: %d %s %s", r.code, r.stdout, r.stderr)
	}

	// a whole data directory, into a new path and into an empty mount point
	all := filepath.Join(out, "all")
	r := run(t, nil, "backup", "restore", "--all", "--check-schema", "--to", all, "--replica", replica, "--dir", dir, "--json")
	var res struct {
		Tenants []struct{ DB string } `json:"tenants"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &res) != nil || len(res.Tenants) != 2 {
		t.Fatalf("restore --all: %d %s %s", r.code, r.stdout, r.stderr)
	}
	for _, db := range []string{"platform/data.db", "tenants/martin/data.db", "tenants/durand/data.db"} {
		if _, err := os.Stat(filepath.Join(all, db)); err != nil {
			t.Errorf("restore --all: %v", err)
		}
	}
	if r := run(t, nil, "backup", "restore", "--all", "--to", all, "--replica", replica, "--dir", dir); r.code == 0 || !strings.Contains(r.stderr, "database") {
		t.Errorf("restore --all over databases: exit %d %s", r.code, r.stderr)
	}
	mount := filepath.Join(out, "mount")
	if err := os.MkdirAll(filepath.Join(mount, "lost+found"), 0o750); err != nil {
		t.Fatal(err)
	}
	// an interrupted earlier run: tenants renamed, not the platform
	if err := os.MkdirAll(filepath.Join(mount, "tenants", "half", ".data.db-litestream"), 0o750); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(mount, "tenants", "half", "data.db"), []byte("x"), 0o600)
	_ = os.WriteFile(filepath.Join(mount, ".restore-incomplete"), nil, 0o600)
	if r := run(t, nil, "backup", "restore", "--all", "--to", mount, "--replica", replica, "--dir", dir); r.code != 0 {
		t.Fatalf("restore --all into an interrupted mount point: %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(mount, "tenants", "half")); err == nil {
		t.Error("the interrupted run's leftovers are still there")
	}
	if r := run(t, nil, "tenant", "list", "--json", "--dir", mount); r.code != 0 || !strings.Contains(r.stdout, "martin") || !strings.Contains(r.stdout, "durand") {
		t.Errorf("the restored directory lists: %d %s", r.code, r.stdout)
	}
	if r := run(t, nil, "tenant", "smoke", "durand", "--dir", mount); r.code != 0 {
		t.Errorf("tenant smoke on the restored directory: %d %s", r.code, r.stderr)
	}
	// a missing platform replica: nothing is put in place
	empty := filepath.Join(out, "empty")
	if r := run(t, nil, "backup", "restore", "--all", "--to", empty, "--replica", "file:"+filepath.Join(out, "no-replica"), "--dir", dir); r.code == 0 {
		t.Error("restore --all without a platform replica exits 0")
	}
	if _, err := os.Lstat(empty); err == nil {
		t.Error("a failed restore --all left its directory")
	}

	// audit verify of a restored tenant copy, against the live control plane's anchors
	copyDir := filepath.Join(out, "martin-copy")
	if r := run(t, nil, "backup", "restore", "martin", "--to", copyDir, "--replica", replica, "--dir", dir); r.code != 0 {
		t.Fatalf("restore martin --to: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "audit", "verify", "martin", "--db", filepath.Join(copyDir, "data.db"), "--dir", dir); r.code != 0 || !strings.Contains(r.stdout, "intacte") {
		t.Errorf("audit verify --db of a restored copy: %d %s %s", r.code, r.stdout, r.stderr)
	}
	conn, err := tenants.DBConnect(filepath.Join(copyDir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.NewQuery("DELETE FROM audit_events WHERE seq = 3").Execute(); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if r := run(t, nil, "audit", "verify", "martin", "--db", filepath.Join(copyDir, "data.db"), "--dir", dir); r.code != 1 {
		t.Errorf("audit verify --db of a tampered copy: exit %d %s", r.code, r.stdout)
	}
	if r := run(t, nil, "audit", "verify", "martin", "--db", filepath.Join(out, "nope", "data.db"), "--dir", dir); r.code != 1 {
		t.Errorf("audit verify --db of a missing file: exit %d", r.code)
	}

	// a write after the final sync: verify-sync names the lagging database
	if r := run(t, nil, "tenant", "smoke", "martin", "--dir", dir); r.code != 0 {
		t.Fatalf("smoke: %d %s", r.code, r.stderr)
	}
	if r := run(t, nil, "backup", "verify-sync", "--replica", replica, "--dir", dir); r.code != 1 || !strings.Contains(r.stderr, "martin") {
		t.Errorf("verify-sync after a write: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// TestCLISchemaCheckRefusesUnknownMigrations is the expand/contract rule:
// a database holding a migration this binary does not know refuses `schema
// check` and `restore --all --check-schema` (a rollback), unless the
// migration is declared readable by the previous release (_expand.go).
func TestCLISchemaCheckRefusesUnknownMigrations(t *testing.T) {
	dir, replica := replicatedDir(t, "martin")
	if r := run(t, nil, "schema", "check", "--dir", dir); r.code != 0 {
		t.Fatalf("schema check of this binary's own data: %d %s", r.code, r.stderr)
	}
	db := filepath.Join(dir, "tenants", "martin", "data.db")
	mark := func(file string) {
		conn, err := tenants.DBConnect(db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.NewQuery("INSERT INTO _migrations (file, applied) VALUES ({:f}, 1)").Bind(map[string]any{"f": file}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	mark("1799999000_notes_expand.go")
	if r := run(t, nil, "schema", "check", "--dir", dir); r.code != 0 {
		t.Errorf("an expand migration refused: %d %s", r.code, r.stderr)
	}
	mark("1799999999_drop_column.go")
	r := run(t, nil, "schema", "check", "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "rollback refused") || !strings.Contains(r.stderr, "martin") || !strings.Contains(r.stderr, "1799999999_drop_column.go") ||
		strings.Contains(r.stderr, "notes_expand") {
		t.Errorf("schema check of a newer migration: exit %d %s", r.code, r.stderr)
	}
	// the same refusal before anything is put in place by a restore
	cmd := exec.Command(binPath, "replicate", "--dir", dir, "--replica", replica)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		r := run(t, nil, "backup", "status", "--dir", dir, "--replica", replica, "--json")
		if r.code == 0 && !strings.Contains(r.stdout, `"active": true`) {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("replication never settled: %s", r.stdout)
		}
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	to := filepath.Join(t.TempDir(), "seed")
	r = run(t, nil, "backup", "restore", "--all", "--check-schema", "--to", to, "--replica", replica, "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "1799999999_drop_column.go") {
		t.Errorf("restore --all --check-schema of a newer schema: exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Lstat(to); err == nil {
		t.Error("a refused restore left its directory")
	}
}
