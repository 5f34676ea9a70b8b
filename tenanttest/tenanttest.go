// Package tenanttest builds real temporary tenants for tests: a registry in
// a temp dir with the real migrations and hooks, provisioned tenants,
// users of each role and their auth tokens, records, requests through the
// dispatcher, and a real SMTP sink (mailpit). No mocks. It never imports
// the HTTP layer: a registry built here serves PocketBase's API and
// dashboard only; handlers/handlertest wires the real handlers into it.
package tenanttest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// Password is the password of every user the builders create.
const Password = "test-password-123"

// Option adjusts the registry configuration.
type Option func(*tenants.Config)

// WithClock injects a clock (for idle-close tests).
func WithClock(clock func() time.Time) Option { return func(c *tenants.Config) { c.Clock = clock } }

// WithIdle sets the idle timeout.
func WithIdle(d time.Duration) Option { return func(c *tenants.Config) { c.IdleTimeout = d } }

// WithConnIdle sets how long idle SQLite connections are kept.
func WithConnIdle(d time.Duration) Option { return func(c *tenants.Config) { c.ConnIdleTime = d } }

// WithDefaultTenant maps every host to one tenant.
func WithDefaultTenant(slug string) Option {
	return func(c *tenants.Config) { c.DefaultTenant = slug }
}

// WithDir uses dir instead of a fresh temp dir.
func WithDir(dir string) Option { return func(c *tenants.Config) { c.Dir = dir } }

// NewRegistry opens a registry in a temp dir (without the HTTP layer unless
// an option sets Config.Routes, see handlertest); it is closed when the
// test ends.
func NewRegistry(t testing.TB, opts ...Option) *tenants.Registry {
	t.Helper()
	cfg := tenants.Config{
		Dir:         t.TempDir(),
		TemplateDir: templateDir(),
		Domain:      "localhost",
		PublicPort:  ":8090",
		IdleTimeout: time.Hour,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	reg, err := tenants.Open(cfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	return reg
}

// Tenant is a provisioned test tenant.
type Tenant struct {
	T        testing.TB
	Registry *tenants.Registry
	Slug     string
	Admin    string // admin email; password is Password
}

// New provisions tenant "acme" (sector btp) in a fresh registry.
func New(t testing.TB, opts ...Option) *Tenant {
	t.Helper()
	return Provision(t, NewRegistry(t, opts...), "acme", domain.SectorBTP)
}

// Provision creates a tenant in reg.
func Provision(t testing.TB, reg *tenants.Registry, slug, sector string) *Tenant {
	t.Helper()
	_, err := reg.CreateTenant(tenants.CreateInput{
		Slug: slug, Name: "Entreprise " + strings.ToUpper(slug), Sector: sector, Plan: tenants.PlanEnterprise,
		AdminEmail: "admin@" + slug + ".test", AdminPassword: Password, AdminPasswordHash: passwordHash(t), Actor: "test",
	})
	if err != nil {
		t.Fatalf("provision %s: %v", slug, err)
	}
	return &Tenant{T: t, Registry: reg, Slug: slug, Admin: "admin@" + slug + ".test"}
}

// App returns the open tenant app (opening it if needed).
func (tt *Tenant) App() core.App {
	tt.T.Helper()
	t, release, err := tt.Registry.Acquire(context.Background(), tt.Slug)
	if err != nil {
		tt.T.Fatalf("acquire %s: %v", tt.Slug, err)
	}
	release()
	return t.App
}

// Host returns the tenant's Host header value.
func (tt *Tenant) Host() string { return tt.Slug + "." + tt.Registry.Config().Domain }

// User creates a user with role (email <role>-<n>@<slug>.test).
func (tt *Tenant) User(role, email string) domain.User {
	tt.T.Helper()
	u, err := domain.CreateUser(tt.App(), domain.NewUser{Email: email, Password: Password, PasswordHash: passwordHash(tt.T), Name: "Test " + role, Role: role})
	if err != nil {
		tt.T.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// Token returns a fresh auth token for a users or _superusers record.
func (tt *Tenant) Token(collection, email string) string {
	tt.T.Helper()
	r, err := tt.App().FindAuthRecordByEmail(collection, email)
	if err != nil {
		tt.T.Fatalf("find %s %s: %v", collection, email, err)
	}
	tok, err := r.NewAuthToken()
	if err != nil {
		tt.T.Fatal(err)
	}
	return tok
}

// Record creates a record with fields in collection.
func (tt *Tenant) Record(collection string, fields map[string]any) *core.Record {
	tt.T.Helper()
	app := tt.App()
	col, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		tt.T.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(fields)
	if err := app.Save(r); err != nil {
		tt.T.Fatalf("save %s: %v", collection, err)
	}
	return r
}

// Do sends a request through the registry's dispatcher to host and
// returns the recorded response.
func Do(t testing.TB, reg *tenants.Registry, method, host, path, token string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	req.Host = host
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, req)
	return rec
}

// PostForm posts url-encoded values to host+path with optional cookies,
// as a same-origin browser form would.
func PostForm(t testing.TB, reg *tenants.Registry, host, path string, values url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, req)
	return rec
}

// Get sends a GET to host+path with optional cookies.
func Get(t testing.TB, reg *tenants.Registry, host, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, req)
	return rec
}

// SessionCookie returns the session cookie set by a response, or nil.
func SessionCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "fieldops_session" && c.MaxAge >= 0 && c.Value != "" {
			return c
		}
	}
	return nil
}

// Login signs in through the login form and returns the session cookie
// (the registry needs the real handlers: handlertest).
func (tt *Tenant) Login(email, password string) *http.Cookie {
	tt.T.Helper()
	rec := PostForm(tt.T, tt.Registry, tt.Host(), "/login", url.Values{"email": {email}, "password": {password}})
	c := SessionCookie(rec)
	if rec.Code != http.StatusSeeOther || c == nil {
		tt.T.Fatalf("login %s: status %d, cookie %v", email, rec.Code, c)
	}
	return c
}

// NewRequest builds a request for host+path.
func NewRequest(method, host, path string, body io.Reader) *http.Request {
	req := httptest.NewRequest(method, path, body)
	req.Host = host
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// Serve runs req through the registry's dispatcher.
func Serve(reg *tenants.Registry, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, req)
	return rec
}

// passwordHash is the bcrypt hash of Password at the lowest cost, computed
// once per test binary: test users sign in with the real bcrypt check, but
// creating them does not spend ~70 ms of CPU each.
func passwordHash(t testing.TB) string {
	testHash.once.Do(func() {
		h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
		testHash.hash, testHash.err = string(h), err
	})
	if testHash.err != nil {
		t.Fatal(testHash.err)
	}
	return testHash.hash
}

var testHash struct {
	once sync.Once
	hash string
	err  error
}
