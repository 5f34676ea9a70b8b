// Package handlers holds FieldOps360's HTTP layer: the route table
// (routes.go), one small file per action, middleware and the single error
// mapper. Handlers parse input, call the domain and render one view.
package handlers

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/a-h/templ"

	"github.com/fieldops360/fieldops/assets"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/public"
)

// Deps are the handlers' dependencies, passed explicitly.
type Deps struct {
	Registry *tenants.Registry
	Logger   *slog.Logger
	Version  string
}

// Handlers serves FieldOps360's own routes on the platform and tenant apps.
type Handlers struct {
	deps   Deps
	assets *assets.Assets
}

// Attach builds the handlers and installs their routes and pages into a
// registry configuration. Call SetRegistry once tenants.Open returned:
// routes only run when an app is first served, after that.
func Attach(cfg *tenants.Config, d Deps) (*Handlers, error) {
	a, err := assets.Load()
	if err != nil {
		return nil, fmt.Errorf("embedded assets: %w", err)
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	h := &Handlers{deps: d, assets: a}
	cfg.TenantRoutes = h.TenantRoutes
	cfg.PlatformRoutes = h.PlatformRoutes
	cfg.Pages = h.ErrorPage
	return h, nil
}

// SetRegistry gives the handlers the registry they serve.
func (h *Handlers) SetRegistry(reg *tenants.Registry) { h.deps.Registry = reg }

func (h *Handlers) page(title, brand string) layouts.PageVM {
	return layouts.PageVM{Title: title, Lang: "fr", CSSPath: h.assets.Path("css/app.css"), Brand: brand}
}

// render writes a templ component with a status code.
func render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		slog.Default().Error("render", "path", r.URL.Path, "error", err)
	}
}

// ErrorPage renders the dispatcher's status pages (404, 410, 500, 503).
func (h *Handlers) ErrorPage(w http.ResponseWriter, r *http.Request, status int) {
	fr, en := tenants.ErrorText(status)
	w.Header().Set("Cache-Control", "no-store")
	render(w, r, status, public.StatusPage(public.StatusVM{Page: h.page(http.StatusText(status), ""), Status: status, FR: fr, EN: en}))
}
