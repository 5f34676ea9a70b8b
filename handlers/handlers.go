// Package handlers holds FieldOps360's HTTP layer: the route table
// (routes.go), one small file per action, middleware and the single error
// mapper. Handlers parse input, call the domain and render one view.
package handlers

import (
	"context"
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
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Deps are the handlers' dependencies, passed explicitly.
type Deps struct {
	// Registry is the registry served (set by New).
	Registry *tenants.Registry
	// Replication is the replication supervisor shown and driven by the
	// super-admin portal (nil when replication is off).
	Replication ReplicationSource
	// Metrics serves /metrics on the platform host (nil: not served).
	Metrics http.Handler
	Logger  *slog.Logger
	Version string
	// Clock returns the current time (tests inject one).
	Clock func() time.Time
	// Secure marks cookies Secure (set when serving over TLS).
	Secure bool
	// ClientIPHeader names the header that carries the client's address
	// when an ingress or load balancer is in front of the server (`serve
	// --client-ip-header`, e.g. X-Real-IP): the login throttle's per-IP
	// limit counts it. Empty: the platform settings' trusted proxy, else
	// the TCP peer.
	ClientIPHeader string
	// NotifyDebounce is how long the notification job waits for the rest
	// of a burst of changes before evaluating (0: domain's default).
	NotifyDebounce time.Duration
}

// ReplicationSource is what the super-admin portal reads of replication:
// the live status and on-demand restore drills (replication.Supervisor).
type ReplicationSource interface {
	Status() *replication.Status
	RunDrill(ctx context.Context, db string) (replication.DrillResult, error)
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

var _ tenants.RouteInstaller = (*Handlers)(nil)

// New builds the handlers serving reg and loads the session keys from its
// control plane. Handlers is the tenants.RouteInstaller of the registry:
// call New from tenants.Config.Routes, which tenants.Open runs once with
// the registry it is opening.
func New(reg *tenants.Registry, d Deps) (*Handlers, error) {
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
	d.Registry = reg
	h := &Handlers{deps: d, assets: a, cat: cat, throttle: domain.NewLoginThrottle(d.Clock), cop: http.NewCrossOriginProtection()}
	h.cop.SetDenyHandler(http.HandlerFunc(h.csrfDenied))
	pairs, err := reg.SessionKeys()
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	keys := make([][]byte, 0, 2*len(pairs))
	for _, p := range pairs {
		keys = append(keys, p.Hash, p.Block)
	}
	store := sessions.NewCookieStore(keys...)
	store.Options = &sessions.Options{Path: "/", MaxAge: int(sessionAbsolute / time.Second), HttpOnly: true, Secure: h.deps.Secure, SameSite: http.SameSiteLaxMode}
	store.MaxAge(store.Options.MaxAge)
	h.store = store
	return h, nil
}

// render writes a templ component with a status code.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		slog.Default().ErrorContext(r.Context(), "render", "path", r.URL.Path, "error", err)
	}
}
