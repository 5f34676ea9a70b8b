package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// binPath is the fieldops binary built once for the CLI contract tests.
var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fieldops-cli-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "fieldops")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build fieldops: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func TestCLITenantLifecycle(t *testing.T) {
	dir := t.TempDir()
	d := "--dir=" + dir

	r := run(t, nil, "tenant", "create", "dupont", "--name", "Dupont TP", "--sector", "tp", "--admin-email", "chef@dupont.fr", d, "--json")
	if r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	var created map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil {
		t.Fatalf("create --json is not one JSON object: %q", r.stdout)
	}
	for _, k := range []string{"slug", "url", "admin_email", "admin_password", "elapsed_ms"} {
		if _, ok := created[k]; !ok {
			t.Errorf("create --json lacks %q: %s", k, r.stdout)
		}
	}
	if created["url"] != "http://dupont.localhost:8090/" {
		t.Errorf("url = %v", created["url"])
	}

	r = run(t, nil, "tenant", "create", "dupont", "--name", "X", "--sector", "tp", "--admin-email", "x@y.fr", d)
	if r.code != 1 || !strings.Contains(r.stderr, "existe déjà") {
		t.Errorf("duplicate: exit %d, stderr %q; want 1 and a clear message", r.code, r.stderr)
	}
	r = run(t, nil, "tenant", "create", "Bad_Slug", "--name", "X", "--sector", "tp", "--admin-email", "x@y.fr", d)
	if r.code != 1 || !strings.Contains(r.stderr, "invalide") {
		t.Errorf("invalid slug: exit %d, stderr %q", r.code, r.stderr)
	}

	usage := [][]string{
		{"tenant", "create", "x1", d},                           // required flags missing
		{"tenant", "list", "--nope", d},                         // unknown flag
		{"tenant", "show", d},                                   // missing argument
		{"tenant", "delete", "dupont", d},                       // no --yes
		{"serve", "--tls", "bogus", d, "--http", "127.0.0.1:0"}, // bad enum
		{"frobnicate"},
	}
	for _, a := range usage {
		if r := run(t, nil, a...); r.code != 2 {
			t.Errorf("%v: exit %d (stderr %q), want 2", a, r.code, r.stderr)
		}
	}

	// env mirrors flags
	r = run(t, []string{"FIELDOPS_DIR=" + dir}, "tenant", "list", "--json")
	var list []map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &list) != nil || len(list) != 1 || list[0]["slug"] != "dupont" {
		t.Errorf("list via FIELDOPS_DIR: %d %q %q", r.code, r.stdout, r.stderr)
	}

	r = run(t, nil, "tenant", "suspend", "dupont", d, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"status": "suspended"`) {
		t.Errorf("suspend: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = run(t, nil, "tenant", "resume", "dupont", d)
	if r.code != 0 || !strings.Contains(r.stdout, "active") {
		t.Errorf("resume: %d %s %s", r.code, r.stdout, r.stderr)
	}
	zipPath := filepath.Join(t.TempDir(), "dupont.zip")
	if r = run(t, nil, "tenant", "export", "dupont", "--out", zipPath, d); r.code != 0 {
		t.Errorf("export: %d %s", r.code, r.stderr)
	}
	if fi, err := os.Stat(zipPath); err != nil || fi.Size() < 1000 {
		t.Errorf("export file: %v", err)
	}
	if r = run(t, nil, "tenant", "show", "nobody", d); r.code != 1 || !strings.Contains(r.stderr, "introuvable") {
		t.Errorf("show unknown: %d %q", r.code, r.stderr)
	}

	// audit verify: intact, then broken by a direct SQL edit
	if r = run(t, nil, "audit", "verify", "dupont", d); r.code != 0 || !strings.Contains(r.stdout, "intacte") {
		t.Fatalf("audit verify intact: %d %s %s", r.code, r.stdout, r.stderr)
	}
	db, err := tenants.DBConnect(filepath.Join(dir, "tenants", "dupont", "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.NewQuery("UPDATE audit_events SET actor = 'forger' WHERE seq = 5").Execute(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r = run(t, nil, "audit", "verify", "dupont", d, "--json")
	if r.code != 1 || !strings.Contains(r.stdout, `"seq": 5`) {
		t.Errorf("audit verify after tampering: exit %d, %s", r.code, r.stdout)
	}

	r = run(t, nil, "tenant", "delete", "dupont", "--yes", d, "--json")
	if r.code != 0 || !strings.Contains(r.stdout, "export") {
		t.Errorf("delete: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "tenants", "dupont")); !os.IsNotExist(err) {
		t.Errorf("tenant dir still present after delete")
	}
}

// TestCLITenantsFromOneTemplate creates tenants from two processes at
// once (they race to build the sector's template), then checks that each
// audit chain verifies and that their genesis hashes differ.
func TestCLITenantsFromOneTemplate(t *testing.T) {
	dir := t.TempDir()
	d := "--dir=" + dir
	// NB: the control plane is created first: two processes migrating a
	// fresh platform database at once is not what this test is about.
	if r := run(t, nil, "tenant", "list", d); r.code != 0 {
		t.Fatalf("tenant list: %d %s", r.code, r.stderr)
	}
	var wg sync.WaitGroup
	results := make([]result, 2)
	for i, slug := range []string{"martin", "bernard"} {
		wg.Go(func() {
			results[i] = run(t, nil, "tenant", "create", slug, "--name", "Entreprise "+slug, "--sector", "btp",
				"--admin-email", "chef@"+slug+".fr", "--admin-password", "un-mot-de-passe", d, "--json")
		})
	}
	wg.Wait()
	for i, r := range results {
		var created map[string]any
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &created) != nil {
			t.Fatalf("create %d: %d %s %s", i, r.code, r.stdout, r.stderr)
		}
		for _, k := range []string{"slug", "url", "admin_email", "elapsed_ms"} {
			if _, ok := created[k]; !ok {
				t.Errorf("create --json lacks %q: %s", k, r.stdout)
			}
		}
		if _, ok := created["admin_password"]; ok {
			t.Errorf("create --json prints a password that was given: %s", r.stdout)
		}
	}
	templates, _ := os.ReadDir(filepath.Join(dir, "templates"))
	if len(templates) != 1 {
		t.Errorf("templates = %v, want one btp template", templates)
	}
	genesis := map[string]string{}
	for _, slug := range []string{"martin", "bernard"} {
		r := run(t, nil, "audit", "verify", slug, d, "--json")
		var rep struct {
			OK          bool   `json:"ok"`
			GenesisHash string `json:"genesis_hash"`
		}
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || !rep.OK || rep.GenesisHash == "" {
			t.Fatalf("audit verify %s: %d %s %s", slug, r.code, r.stdout, r.stderr)
		}
		genesis[slug] = rep.GenesisHash
	}
	if genesis["martin"] == genesis["bernard"] {
		t.Errorf("two tenants of one template share the genesis hash %s", genesis["martin"])
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestCLIDemoServesAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	addr := freePort(t)
	cmd := exec.Command(binPath, "demo", "--dir", dir, "--http", addr)
	errb := &tenanttest.SyncBuffer{}
	cmd.Stderr = errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()

	get := func(host, path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if code, _ := get("localhost", "/healthz"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo did not start: %s", errb.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code, body := get("demo.localhost", "/"); code != 200 || !strings.Contains(body, "data-testid=\"login-page\"") {
		t.Errorf("demo home = %d", code)
	}
	for _, login := range []string{"claire.martin@demo.fieldops360.fr", "lucas.petit@demo.fieldops360.fr", "fieldops-demo"} {
		if !strings.Contains(errb.String(), login) {
			t.Errorf("demo output lacks %q", login)
		}
	}
	body := fmt.Sprintf(`{"identity":"karim.haddad@demo.fieldops360.fr","password":"fieldops-demo"}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/collections/users/auth-with-password", strings.NewReader(body))
	req.Host = "demo.localhost"
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("demo site lead login failed: %v %v", err, resp)
	}

	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo exit after SIGTERM: %v", err)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("demo did not stop within 25 s of SIGTERM")
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))

	// a second start does not re-provision
	cmd2 := exec.Command(binPath, "demo", "--dir", dir, "--http", freePort(t))
	err2 := &tenanttest.SyncBuffer{}
	cmd2.Stderr = err2
	_ = cmd2.Start()
	time.Sleep(1500 * time.Millisecond)
	_ = cmd2.Process.Signal(syscall.SIGTERM)
	_ = cmd2.Wait()
	if strings.Contains(err2.String(), "existe déjà") {
		t.Errorf("second demo start tried to re-provision: %s", err2.String())
	}
}
