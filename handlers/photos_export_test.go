package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/tenants"
)

// NewPhotoTestRegistry opens a registry like handlertest.NewRegistry whose
// tenant routes include photoRoutes, whether or not TenantRoutes already
// registers them (the route table is edited separately).
func NewPhotoTestRegistry(t testing.TB) *tenants.Registry {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := tenants.Config{Dir: t.TempDir(), Domain: "localhost", PublicPort: ":8090", IdleTimeout: time.Hour, Logger: logger}
	cfg.Routes = func(reg *tenants.Registry) (tenants.RouteInstaller, error) {
		h, err := New(reg, Deps{Logger: logger, Version: "test"})
		if err != nil {
			return nil, err
		}
		return photoTestRoutes{h}, nil
	}
	reg, err := tenants.Open(cfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	return reg
}

// photoTestRoutes adds photoRoutes to the handlers' tenant routes.
type photoTestRoutes struct{ *Handlers }

func (p photoTestRoutes) TenantRoutes(se *core.ServeEvent) error {
	if err := p.Handlers.TenantRoutes(se); err != nil {
		return err
	}
	if !se.Router.HasRoute(http.MethodGet, "/m/photos") {
		p.photoRoutes(se.Router)
	}
	return nil
}
