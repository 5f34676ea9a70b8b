package main

import (
	"bytes"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// markMigration records a migration as applied to a database, as a newer
// release would have.
func markMigration(t *testing.T, db, file string) {
	t.Helper()
	conn, err := tenants.DBConnect(db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.NewQuery("INSERT INTO _migrations (file, applied) VALUES ({:f}, 1)").Bind(map[string]any{"f": file}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// TestCLIServeRefusesNewerSchema is the schema rule at start: an older
// binary started by hand on databases a newer release migrated does not
// serve them. A tenant holding an unknown migration is answered 503 (page
// and JSON, logged once, naming the migration) while the others are
// served; an expand step is served; a control plane holding one makes
// serve and replicate exit 1 naming the database, the migration and
// "roll forward instead".
func TestCLIServeRefusesNewerSchema(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	for _, s := range []string{"martin", "durand"} {
		if r := run(t, nil, "tenant", "create", s, "--name", s, "--sector", "btp", "--admin-email", "chef@"+s+".fr",
			"--admin-password", "un-mot-de-passe", "--dir", dir); r.code != 0 {
			t.Fatalf("create %s: %d %s", s, r.code, r.stderr)
		}
	}
	platformDB := filepath.Join(dir, "platform", "data.db")
	markMigration(t, filepath.Join(dir, "tenants", "martin", "data.db"), "1799999999_drop_column.go")
	markMigration(t, filepath.Join(dir, "tenants", "durand", "data.db"), "1799999000_notes_expand.go")
	markMigration(t, platformDB, "1799999000_platform_notes_expand.go")

	addr := freePort(t)
	cmd := exec.Command(binPath, "serve", "--dir", dir, "--http", addr)
	out := &tenanttest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	get := func(host, path, accept string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		req.Host = host
		req.Header.Set("Accept", accept)
		req.Header.Set("Accept-Language", "en")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := get("localhost", "/readyz", ""); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve with an expand step on the platform did not start: %s", out.String())
		}
	}
	for range 2 {
		if code, body := get("martin.localhost", "/login", "text/html"); code != http.StatusServiceUnavailable || !strings.Contains(body, "newer version of FieldOps360") {
			t.Errorf("martin (unknown migration) /login = %d, want 503 with the schema page: %.300s", code, body)
		}
	}
	if code, body := get("martin.localhost", "/api/collections/sites/records", "application/json"); code != http.StatusServiceUnavailable || !strings.Contains(body, "newer version") {
		t.Errorf("martin API = %d %s", code, body)
	}
	if code, _ := get("durand.localhost", "/login", "text/html"); code != http.StatusOK {
		t.Errorf("durand (an expand step only) /login = %d while martin is refused", code)
	}
	if code, _ := get("localhost", "/readyz", ""); code != http.StatusOK {
		t.Errorf("/readyz = %d: one refused tenant must not take the server out", code)
	}
	logs := out.String()
	if n := strings.Count(logs, "database migrated by a newer release"); n != 1 || !strings.Contains(logs, "1799999999_drop_column.go") ||
		!strings.Contains(logs, filepath.Join(dir, "tenants", "martin", "data.db")) {
		t.Errorf("refusal logged %d times (want once, naming the database and migration): %s", n, logs)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve exit after SIGTERM: %v", err)
	}

	markMigration(t, platformDB, "1799999999_platform_drop.go")
	for _, args := range [][]string{
		{"serve", "--dir", dir, "--http", freePort(t)},
		{"replicate", "--dir", dir, "--replica", "file:" + filepath.Join(t.TempDir(), "replica")},
	} {
		began := time.Now()
		r := run(t, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "platform") || !strings.Contains(r.stderr, platformDB) ||
			!strings.Contains(r.stderr, "1799999999_platform_drop.go") || !strings.Contains(r.stderr, "roll forward instead") ||
			strings.Contains(r.stderr, "platform_notes_expand") {
			t.Errorf("%s on a newer control plane: exit %d\n%s%s", args[0], r.code, r.stdout, r.stderr)
		}
		t.Logf("%s refused: %s", args[0], strings.TrimSpace(r.stderr))
		if d := time.Since(began); d > 10*time.Second {
			t.Errorf("%s took %s to refuse", args[0], d)
		}
	}
}
