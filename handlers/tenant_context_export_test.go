package handlers

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// NewRegistryWithHandlers opens a registry like handlertest.NewRegistry
// and also returns its handlers, whose counters tests read.
func NewRegistryWithHandlers(t testing.TB) (*tenants.Registry, *Handlers) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var h *Handlers
	cfg := tenants.Config{Dir: t.TempDir(), Domain: "localhost", PublicPort: ":8090", IdleTimeout: time.Hour, Logger: logger,
		Routes: func(reg *tenants.Registry) (tenants.RouteInstaller, error) {
			var err error
			h, err = New(reg, Deps{Logger: logger, Version: "test"})
			return h, err
		}}
	reg, err := tenants.Open(cfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	return reg, h
}

// TenantContextsBuilt returns how many request tenant contexts h built.
func (h *Handlers) TenantContextsBuilt() int64 { return h.contexts.Load() }
