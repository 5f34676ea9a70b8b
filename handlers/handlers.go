// Package handlers holds FieldOps360's HTTP layer: the route table
// (routes.go), one small file per action, middleware and the single error
// mapper. Handlers parse input, call the domain and render one view.
package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"

	"github.com/fieldops360/fieldops/assets"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Deps are the handlers' dependencies, passed explicitly.
type Deps struct {
	Registry *tenants.Registry
	Logger   *slog.Logger
	Version  string
	// Clock returns the current time (tests inject one).
	Clock func() time.Time
	// Secure marks cookies Secure (set when serving over TLS).
	Secure bool
}

// Handlers serves FieldOps360's own routes on the platform and tenant apps.
type Handlers struct {
	deps     Deps
	assets   *assets.Assets
	cat      *i18n.Catalogue
	store    *sessions.CookieStore
	throttle *domain.LoginThrottle
	cop      *http.CrossOriginProtection
	// contexts counts the tenant contexts built (one per request).
	contexts atomic.Int64
}

// Attach builds the handlers and installs their routes and pages into a
// registry configuration. Call SetRegistry once tenants.Open returned:
// routes only run when an app is first served, after that.
func Attach(cfg *tenants.Config, d Deps) (*Handlers, error) {
	a, err := assets.Load()
	if err != nil {
		return nil, fmt.Errorf("embedded assets: %w", err)
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, fmt.Errorf("message catalogue: %w", err)
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	h := &Handlers{deps: d, assets: a, cat: cat, throttle: domain.NewLoginThrottle(d.Clock), cop: http.NewCrossOriginProtection()}
	h.cop.SetDenyHandler(http.HandlerFunc(h.csrfDenied))
	cfg.TenantRoutes = h.TenantRoutes
	cfg.PlatformRoutes = h.PlatformRoutes
	cfg.Pages = h.ErrorPage
	return h, nil
}

// SetRegistry gives the handlers the registry they serve and loads the
// session keys from the control plane.
func (h *Handlers) SetRegistry(reg *tenants.Registry) error {
	h.deps.Registry = reg
	pairs, err := reg.SessionKeys()
	if err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	keys := make([][]byte, 0, 2*len(pairs))
	for _, p := range pairs {
		keys = append(keys, p.Hash, p.Block)
	}
	store := sessions.NewCookieStore(keys...)
	store.Options = &sessions.Options{Path: "/", MaxAge: int(sessionAbsolute / time.Second), HttpOnly: true, Secure: h.deps.Secure, SameSite: http.SameSiteLaxMode}
	store.MaxAge(store.Options.MaxAge)
	h.store = store
	return nil
}

// render writes a templ component with a status code.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		slog.Default().Error("render", "path", r.URL.Path, "error", err)
	}
}
