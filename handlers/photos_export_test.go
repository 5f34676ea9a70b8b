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

// NewPhotoTestRegistry opens a registry like tenanttest.NewRegistry whose
// tenant routes include photoRoutes, whether or not TenantRoutes already
// registers them (the route table is edited separately).
func NewPhotoTestRegistry(t testing.TB) *tenants.Registry {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := tenants.Config{Dir: t.TempDir(), Domain: "localhost", PublicPort: ":8090", IdleTimeout: time.Hour, Logger: logger}
	h, err := Attach(&cfg, Deps{Logger: logger, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	base := cfg.TenantRoutes
	cfg.TenantRoutes = func(se *core.ServeEvent) error {
		if err := base(se); err != nil {
			return err
		}
		if !se.Router.HasRoute(http.MethodGet, "/m/photos") {
			h.photoRoutes(se.Router)
		}
		return nil
	}
	reg, err := tenants.Open(cfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	if err := h.SetRegistry(reg); err != nil {
		t.Fatal(err)
	}
	return reg
}
