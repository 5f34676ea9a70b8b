package certs_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/certs"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenanttest"
)

// tlsServer serves the registry over HTTP and HTTPS on loopback like
// `serve --tls …`.
func tlsServer(t *testing.T, mgr *certs.Manager, reg *tenants.Registry, httpPort, tlsPort int) {
	t.Helper()
	serveTLS(t, mgr, reg, listen(t, httpPort), listen(t, tlsPort))
}

// listen opens 127.0.0.1:port (0: any free port).
func listen(t *testing.T, port int) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// portOf is the port a listener holds.
func portOf(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

// serveTLS serves the manager's plain and TLS handlers on listeners opened
// by the caller (held from the start, so no other process takes the port).
func serveTLS(t *testing.T, mgr *certs.Manager, reg *tenants.Registry, lnHTTP, lnTLS net.Listener) {
	t.Helper()
	plain := &http.Server{Handler: mgr.HTTPHandler(reg)}
	secure := &http.Server{Handler: mgr.SecureHandler(reg), TLSConfig: mgr.TLSConfig()}
	go func() { _ = plain.Serve(lnHTTP) }()
	go func() { _ = secure.ServeTLS(lnTLS, "", "") }()
	t.Cleanup(func() { _ = plain.Close(); _ = secure.Close() })
}

// httpsClient dials addr whatever the URL host, trusting roots.
func httpsClient(addr string, roots *x509.CertPool) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestTLSInternal: a private CA created on first start, its root served at
// /ca.pem on the platform host, leaf certificates for tenant hosts only.
func TestTLSInternal(t *testing.T) {
	tt := tenanttest.New(t)
	m := metrics.New()
	mgr, err := certs.New(context.Background(), certs.Config{Mode: "internal", Dir: tt.Registry.Config().Dir, Domain: "localhost", Registry: tt.Registry, Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	hp, tp := tenanttest.FreePort(t), tenanttest.FreePort(t)
	tlsServer(t, mgr, tt.Registry, hp, tp)
	addr := "127.0.0.1:" + strconv.Itoa(tp)

	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		DialContext: func(ctx context.Context, n, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, n, addr)
		}}}
	resp, err := insecure.Get("https://localhost/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatalf("/ca.pem: %d %q", resp.StatusCode, pem)
	}
	c := httpsClient(addr, roots)
	resp, err = c.Get("https://acme.localhost/healthz")
	if err != nil {
		t.Fatalf("tenant host over the private CA: %v", err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header")
	}
	if _, err := c.Get("https://unknown.localhost/"); err == nil {
		t.Error("certificate served for an unknown tenant host")
	}
	// plain HTTP redirects to HTTPS
	resp, err = httpsClient("127.0.0.1:"+strconv.Itoa(hp), nil).Get("http://acme.localhost/login")
	if err != nil || resp.StatusCode != http.StatusPermanentRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://acme.localhost") {
		t.Fatalf("http redirect: %v %v", resp, err)
	}
	// the CA survives a restart
	again, err := certs.New(context.Background(), certs.Config{Mode: "internal", Dir: tt.Registry.Config().Dir, Domain: "localhost", Registry: tt.Registry})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptestGet(again.CAHandler())
	if rec != string(pem) {
		t.Error("private CA root changed on restart")
	}
}

func httptestGet(h http.Handler) string {
	req, _ := http.NewRequest(http.MethodGet, "/ca.pem", nil)
	w := &bufWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	return w.b.String()
}

type bufWriter struct {
	h http.Header
	b strings.Builder
}

func (w *bufWriter) Header() http.Header         { return w.h }
func (w *bufWriter) Write(p []byte) (int, error) { return w.b.Write(p) }
func (w *bufWriter) WriteHeader(int)             {}

// TestTLSAutoPebble obtains a certificate on demand for an active tenant's
// host from Let's Encrypt's Pebble test CA (HTTP-01/TLS-ALPN-01 against
// this server on loopback) and refuses an unknown host.
func TestTLSAutoPebble(t *testing.T) {
	pebble, chall := tenanttest.Tool(t, "pebble"), tenanttest.Tool(t, "pebble-challtestsrv")
	certDir := pebbleCerts(t)
	dnsPort, chMgmt := tenanttest.FreePort(t), tenanttest.FreePort(t)
	// the ports Pebble validates on are held by this test from now on: a
	// port picked free and bound later could be taken in between.
	lnHTTP, lnTLS := listen(t, 0), listen(t, 0)
	hp, tp := portOf(lnHTTP), portOf(lnTLS)
	wfe, mgmt := tenanttest.FreePort(t), tenanttest.FreePort(t)
	start := func(name string, env []string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), env...)
		if testing.Verbose() {
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	}
	start(chall, nil, "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dnsserver", "127.0.0.1:"+strconv.Itoa(dnsPort),
		"-http01", "", "-https01", "", "-tlsalpn01", "", "-doh", "", "-management", "127.0.0.1:"+strconv.Itoa(chMgmt))
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress": "127.0.0.1:" + strconv.Itoa(wfe), "managementListenAddress": "127.0.0.1:" + strconv.Itoa(mgmt),
		"certificate": filepath.Join(certDir, "localhost", "cert.pem"), "privateKey": filepath.Join(certDir, "localhost", "key.pem"),
		"httpPort": hp, "tlsPort": tp, "ocspResponderURL": "", "externalAccountBindingRequired": false,
	}}
	cfgPath := filepath.Join(t.TempDir(), "pebble.json")
	data, _ := json.Marshal(cfg)
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	start(pebble, []string{"PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0"}, "-config", cfgPath, "-dnsserver", "127.0.0.1:"+strconv.Itoa(dnsPort))
	minica := filepath.Join(certDir, "pebble.minica.pem")
	mroots := x509.NewCertPool()
	pemData, _ := os.ReadFile(minica)
	mroots.AppendCertsFromPEM(pemData)
	mc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: mroots}}}
	var issuing []byte
	waitFor(t, 20*time.Second, "pebble up", func() bool {
		resp, err := mc.Get(fmt.Sprintf("https://localhost:%d/roots/0", mgmt))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		issuing, _ = io.ReadAll(resp.Body)
		return resp.StatusCode == 200
	})

	reg := tenanttest.NewRegistry(t, func(c *tenants.Config) { c.Domain = "fieldops.example.com" })
	tenanttest.Provision(t, reg, "acme", domain.SectorBTP)
	m := metrics.New()
	mgr, err := certs.New(context.Background(), certs.Config{
		Mode: "auto", Dir: reg.Config().Dir, Domain: reg.Config().Domain, Registry: reg, Metrics: m,
		CA: fmt.Sprintf("https://localhost:%d/dir", wfe), Email: "ops@fieldops.example.com", RootsFile: minica,
		AltHTTPPort: hp, AltTLSALPNPort: tp,
	})
	if err != nil {
		t.Fatal(err)
	}
	serveTLS(t, mgr, reg, lnHTTP, lnTLS)
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(issuing) {
		t.Fatalf("pebble root: %q", issuing)
	}
	c := httpsClient("127.0.0.1:"+strconv.Itoa(tp), roots)
	began := time.Now()
	resp, err := c.Get("https://acme.fieldops.example.com/healthz")
	if err != nil {
		t.Fatalf("on-demand certificate for acme: %v", err)
	}
	resp.Body.Close()
	t.Logf("certificate for acme.fieldops.example.com issued by Pebble on demand in %s", time.Since(began).Round(time.Millisecond))
	if _, err := c.Get("https://nobody.fieldops.example.com/"); err == nil {
		t.Fatal("certificate issued for an unknown host")
	}
	if _, err := reg.SetStatus("acme", tenants.StatusSuspended, "test"); err != nil {
		t.Fatal(err)
	}
	if err := mgr.Allow(context.Background(), "acme.fieldops.example.com"); err == nil {
		t.Error("suspended tenant still allowed a certificate")
	}
	if err := mgr.Allow(context.Background(), "admin.fieldops.example.com"); err != nil {
		t.Errorf("platform host refused: %v", err)
	}
	var body strings.Builder
	mf, _ := m.Registry().Gather()
	for _, f := range mf {
		body.WriteString(f.GetName() + "\n")
	}
	if !strings.Contains(body.String(), "fieldops_certificate_expiry_timestamp_seconds") {
		t.Error("no certificate expiry metric")
	}
}

// pebbleCerts returns Pebble's test certificates from the module cache
// (go install …/pebble@v2.10.3 downloaded the module).
func pebbleCerts(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com", "letsencrypt", "pebble", "v2@v2.10.3", "test", "certs")
	if _, err := os.Stat(dir); err != nil {
		tenanttest.Tool(t, "pebble-certs-in-module-cache")
	}
	return dir
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
