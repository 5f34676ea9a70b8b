// Package certs serves TLS certificates for `fieldops serve --tls
// auto|internal`: on demand from an ACME CA (certmagic) for the hosts of
// active tenants only, or from a private CA created on first start. It
// reads the registry through the small Hosts interface and reports
// certificate expiries through CertObserver.
package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/caddyserver/certmagic"
	"go.uber.org/zap"

	"github.com/fieldops360/fieldops/tenants"
)

// Hosts is what certificates need of the registry (tenants.Registry): host
// resolution and tenant statuses.
type Hosts interface {
	// Resolve maps a request host to the platform or a tenant.
	Resolve(hostport string) (kind, slug string)
	// TenantForHost returns the tenant owning a verified custom host.
	TenantForHost(host string) (string, error)
	// Status returns a tenant's status (tenants.StatusActive, …).
	Status(slug string) (string, error)
}

// CertObserver is told the expiry of each certificate served (the
// fieldops_certificate_expiry_timestamp_seconds metric).
type CertObserver interface {
	SetCertExpiry(host string, notAfter time.Time)
}

// Config configures automatic TLS (`serve --tls auto|internal`).
type Config struct {
	Mode string // "auto" (ACME) or "internal" (private CA)
	Dir  string // certificates under <Dir>/certs
	// Domain is the base domain: <Domain> and admin.<Domain> are the
	// platform hosts, <slug>.<Domain> tenant hosts.
	Domain   string
	Registry Hosts
	Metrics  CertObserver // nil: expiries not reported
	Logger   *slog.Logger
	// HTTPSPort is the public HTTPS port for redirects ("" for 443).
	HTTPSPort string
	// ACME (auto): directory URL (default Let's Encrypt), account email,
	// extra trusted roots for the directory (test CAs), and the ports the
	// CA validates on when they are not 80/443 (test CAs).
	CA, Email, RootsFile        string
	AltHTTPPort, AltTLSALPNPort int
}

// Manager serves certificates: on demand for hosts of active tenants
// only, platform hosts managed eagerly (auto), or leaf certificates from a
// private CA created on first start (internal).
type Manager struct {
	cfg      Config
	tenants  *certmagic.Config // on-demand
	platform *certmagic.Config // platform names, managed eagerly
	acme     *certmagic.ACMEIssuer
	ca       *internalCA
}

// New builds the certificate manager; in auto mode it starts managing the
// platform names in the background.
func New(ctx context.Context, cfg Config) (*Manager, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Domain == "" || cfg.Registry == nil {
		return nil, errors.New("tls: Domain and Registry are required")
	}
	t := &Manager{cfg: cfg}
	switch cfg.Mode {
	case "internal":
		ca, err := loadOrCreateCA(filepath.Join(cfg.Dir, "certs", "internal"))
		if err != nil {
			return nil, err
		}
		t.ca = ca
		return t, nil
	case "auto":
	default:
		return nil, fmt.Errorf("tls mode %q", cfg.Mode)
	}
	storage := &certmagic.FileStorage{Path: filepath.Join(cfg.Dir, "certs")}
	var cache *certmagic.Cache
	cache = certmagic.NewCache(certmagic.CacheOptions{GetConfigForCert: func(certmagic.Certificate) (*certmagic.Config, error) { return t.tenants, nil }})
	logger := zap.NewNop()
	t.tenants = certmagic.New(cache, certmagic.Config{Storage: storage, Logger: logger,
		OnDemand: &certmagic.OnDemandConfig{DecisionFunc: t.Allow}})
	t.platform = certmagic.New(cache, certmagic.Config{Storage: storage, Logger: logger})
	tmpl := certmagic.ACMEIssuer{CA: cfg.CA, Email: cfg.Email, Agreed: true, AltHTTPPort: cfg.AltHTTPPort, AltTLSALPNPort: cfg.AltTLSALPNPort, Logger: logger}
	if tmpl.CA == "" {
		tmpl.CA = certmagic.LetsEncryptProductionCA
	}
	if cfg.RootsFile != "" {
		pem, err := os.ReadFile(cfg.RootsFile)
		if err != nil {
			return nil, fmt.Errorf("--acme-roots: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("--acme-roots: no certificate")
		}
		tmpl.TrustedRoots = pool
	}
	t.acme = certmagic.NewACMEIssuer(t.tenants, tmpl)
	t.tenants.Issuers = []certmagic.Issuer{t.acme}
	t.platform.Issuers = []certmagic.Issuer{certmagic.NewACMEIssuer(t.platform, tmpl)}
	if err := t.platform.ManageAsync(ctx, t.platformNames()); err != nil {
		return nil, fmt.Errorf("manage platform certificates: %w", err)
	}
	return t, nil
}

func (t *Manager) platformNames() []string {
	d := strings.ToLower(t.cfg.Domain)
	return []string{d, "admin." + d}
}

// Allow is the on-demand decision: a certificate may be obtained only for
// the platform hosts and the hosts of active tenants (<slug>.<domain> or a
// verified custom host), so nobody can make us request certificates for
// arbitrary names.
func (t *Manager) Allow(_ context.Context, name string) error {
	reg := t.cfg.Registry
	host := strings.ToLower(strings.TrimSuffix(name, "."))
	domain := strings.ToLower(t.cfg.Domain)
	if host == domain || host == "admin."+domain {
		return nil
	}
	slug := ""
	if label, ok := strings.CutSuffix(host, "."+domain); ok && label != "" && !strings.Contains(label, ".") {
		slug = label
	} else if s, err := reg.TenantForHost(host); err == nil {
		slug = s
	}
	if slug == "" {
		return fmt.Errorf("no tenant for host %q", host)
	}
	if st, err := reg.Status(slug); err != nil || st != tenants.StatusActive {
		return fmt.Errorf("tenant %q not active", slug)
	}
	return nil
}

// TLSConfig returns the listener's TLS configuration (TLS-ALPN-01 included).
func (t *Manager) TLSConfig() *tls.Config {
	var conf *tls.Config
	if t.ca != nil {
		conf = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := h.ServerName
			if name == "" {
				name = t.cfg.Domain
			}
			if err := t.Allow(h.Context(), name); err != nil {
				return nil, err
			}
			return t.ca.leaf(name)
		}}
	} else {
		conf = t.tenants.TLSConfig()
		conf.NextProtos = append([]string{"h2", "http/1.1"}, conf.NextProtos...)
	}
	get := conf.GetCertificate
	conf.GetCertificate = func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		c, err := get(h)
		if err == nil && c != nil && t.cfg.Metrics != nil && h.ServerName != "" {
			leaf := c.Leaf
			if leaf == nil && len(c.Certificate) > 0 {
				leaf, _ = x509.ParseCertificate(c.Certificate[0])
			}
			if leaf != nil && !slices.Contains(h.SupportedProtos, "acme-tls/1") { // not a TLS-ALPN-01 challenge
				t.cfg.Metrics.SetCertExpiry(strings.ToLower(h.ServerName), leaf.NotAfter)
			}
		}
		return c, err
	}
	return conf
}

// HTTPHandler serves the plain-HTTP port: ACME HTTP-01 challenges, the
// probes, and a permanent redirect to HTTPS for everything else.
func (t *Manager) HTTPHandler(next http.Handler) http.Handler {
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		http.Redirect(w, r, "https://"+host+t.cfg.HTTPSPort+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
	if t.acme != nil {
		return t.acme.HTTPChallengeHandler(redirect)
	}
	return redirect
}

// SecureHandler adds HSTS and serves the private CA's root at /ca.pem on
// the platform host (internal mode).
func (t *Manager) SecureHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		if r.URL.Path == "/ca.pem" && t.ca != nil {
			if kind, _ := t.cfg.Registry.Resolve(r.Host); kind == tenants.TargetPlatform {
				t.CAHandler().ServeHTTP(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// CAHandler serves the private CA's root certificate (PEM) so that LAN
// devices can trust it; 404 when TLS is not internal.
func (t *Manager) CAHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t.ca == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Disposition", `attachment; filename="fieldops-ca.pem"`)
		_, _ = w.Write(t.ca.rootPEM)
	})
}
