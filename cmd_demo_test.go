package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLIDemoRefusesFlagsItIgnores(t *testing.T) {
	dir := t.TempDir()
	scenarios := [][]string{
		{"--tls", "internal"},
		{"--replica", "file:" + filepath.Join(dir, "replicas")},
		{"--https", ":8443"},
		{"--replicate=external"},
		{"--metrics-user", "prom", "--otlp-endpoint", "127.0.0.1:4318"},
		{"--acme-email", "ops@example.fr"},
	}
	for _, flags := range scenarios {
		r := run(t, nil, append([]string{"demo", "--dir", dir, "--http", "127.0.0.1:1"}, flags...)...)
		if r.code != 2 {
			t.Errorf("demo %v: exit %d, want 2 (usage)", flags, r.code)
		}
		name := strings.SplitN(flags[0], "=", 2)[0]
		if !strings.Contains(r.stderr, name) || !strings.Contains(r.stderr, "fieldops serve") {
			t.Errorf("demo %v: message %q does not name %s and point to serve", flags, r.stderr, name)
		}
	}
	if r := run(t, nil, "demo", "--dir", dir, "--metrics-user", "a", "--otlp-endpoint", "x"); !strings.Contains(r.stderr, "--metrics-user, --otlp-endpoint") {
		t.Errorf("demo with two ignored flags names them both? %q", r.stderr)
	}
	// nothing was provisioned nor served
	if _, err := os.Stat(filepath.Join(dir, "tenants", "demo")); !os.IsNotExist(err) {
		t.Errorf("a refused demo provisioned the tenant: %v", err)
	}
	// the help lists only what demo honours
	help := run(t, nil, "demo", "--help")
	for _, hidden := range []string{"--tls", "--replica", "--https", "--metrics-user"} {
		if strings.Contains(help.stdout, hidden) {
			t.Errorf("demo --help offers %s", hidden)
		}
	}
	for _, shown := range []string{"--idle", "--grace", "--default-tenant", "--http"} {
		if !strings.Contains(help.stdout, shown) {
			t.Errorf("demo --help lacks %s", shown)
		}
	}
	// the environment is shared with serve: a FIELDOPS_TLS meant for serve
	// does not stop demo's flag check
	if r := run(t, []string{"FIELDOPS_TLS=auto"}, "demo", "--dir", dir, "--grace", "0s"); r.code != 2 || !strings.Contains(r.stderr, "--grace") {
		t.Errorf("demo with FIELDOPS_TLS and a bad --grace: exit %d %q, want the --grace usage error", r.code, r.stderr)
	}
}
