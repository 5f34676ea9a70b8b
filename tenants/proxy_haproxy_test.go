package tenants_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// haproxyBin returns the HAProxy binary (make test-deps installs it).
func haproxyBin(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"haproxy", "/usr/sbin/haproxy"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("FIELDOPS_STRICT") != "" {
		t.Fatal("haproxy not installed (make test-deps)")
	}
	t.Skip("haproxy not installed")
	return ""
}

// TestHAProxyConfigAndRuntime renders the edge configuration (HTTP, and
// TLS passthrough by SNI), has HAProxy check it, then publishes routes to
// a running HAProxy through its runtime API: added, changed, removed, and
// refused when the map is not the one the configuration reads.
func TestHAProxyConfigAndRuntime(t *testing.T) {
	bin := haproxyBin(t)
	dir := t.TempDir()
	sock, mapFile := filepath.Join(dir, "admin.sock"), filepath.Join(dir, "tenants.map")
	if err := os.WriteFile(mapFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := tenants.HAProxyConfig{Listen: "127.0.0.1:" + strconv.Itoa(tenanttest.FreePort(t)), Socket: sock, MapFile: mapFile, Control: "127.0.0.1:8090",
		Shards: map[string]string{"s1": "127.0.0.1:8091", "fieldops-shard-1": "127.0.0.1:8092"}}
	withTLS := cfg
	withTLS.TLSListen, withTLS.ControlTLS = "127.0.0.1:"+strconv.Itoa(tenanttest.FreePort(t)), "127.0.0.1:8443"
	withTLS.ShardsTLS = map[string]string{"s1": "127.0.0.1:8444", "fieldops-shard-1": "127.0.0.1:8445"}
	for name, c := range map[string]tenants.HAProxyConfig{"http": cfg, "tls": withTLS} {
		text, err := tenants.RenderHAProxyConfig(c)
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, name+".cfg")
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(bin, "-c", "-f", f).CombinedOutput(); err != nil {
			t.Fatalf("%s config refused by haproxy: %v\n%s\n%s", name, err, out, text)
		}
		if name == "tls" && !strings.Contains(text, "backend shard_fieldops_shard_1_tls") {
			t.Fatalf("no TLS backend per shard:\n%s", text)
		}
	}
	if _, err := tenants.RenderHAProxyConfig(tenants.HAProxyConfig{Listen: ":80"}); err == nil {
		t.Fatal("incomplete config rendered")
	}

	hp := exec.Command(bin, "-db", "-f", filepath.Join(dir, "http.cfg"))
	if err := hp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hp.Process.Kill(); _ = hp.Wait() })
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("haproxy runtime socket never appeared")
		}
	}
	p, err := tenants.ParseProxy("haproxy:unix://"+sock, mapFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	routes := map[string]string{"acme.localhost": "shard_s1", "beta.localhost": "shard_s1"}
	if err := p.Apply(ctx, routes, nil); err != nil {
		t.Fatal(err)
	}
	routes["acme.localhost"] = "shard_fieldops_shard_1"
	delete(routes, "beta.localhost")
	if err := p.Apply(ctx, routes, []string{"acme.localhost", "beta.localhost"}); err != nil {
		t.Fatal(err)
	}
	live, err := p.Runtime(ctx, "show map "+mapFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(live, "acme.localhost shard_fieldops_shard_1") || strings.Contains(live, "beta.localhost") {
		t.Fatalf("live map:\n%s", live)
	}
	file, _ := os.ReadFile(mapFile)
	if !strings.Contains(string(file), "acme.localhost shard_fieldops_shard_1\n") || strings.Contains(string(file), "beta") {
		t.Fatalf("map file (kept for reloads):\n%s", file)
	}
	// a map HAProxy does not read: refused, said so
	wrong, _ := tenants.ParseProxy("haproxy:unix://"+sock, filepath.Join(dir, "other.map"))
	if err := wrong.Apply(ctx, routes, nil); err == nil || !strings.Contains(err.Error(), "haproxy refused") {
		t.Fatalf("wrong map accepted: %v", err)
	}
	// no proxy listening: an error, not a hang
	down, _ := tenants.ParseProxy("haproxy:unix://"+filepath.Join(dir, "none.sock"), mapFile)
	if err := down.Apply(ctx, routes, nil); err == nil {
		t.Fatal("unreachable proxy accepted the routes")
	}
	for _, bad := range []string{"nginx:unix:///x", "haproxy:http://x", "haproxy:unix://"} {
		if _, err := tenants.ParseProxy(bad, mapFile); err == nil {
			t.Fatalf("--proxy %q accepted", bad)
		}
	}
	if _, err := tenants.ParseProxy("haproxy:unix://"+sock, "relative.map"); err == nil {
		t.Fatal("relative map path accepted")
	}
}
