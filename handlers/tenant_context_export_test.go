package handlers

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants"
)

// NewRegistryWithHandlers opens a registry like tenanttest.NewRegistry
// and also returns its handlers, whose counters tests read.
func NewRegistryWithHandlers(t testing.TB) (*tenants.Registry, *Handlers) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := tenants.Config{Dir: t.TempDir(), Domain: "localhost", PublicPort: ":8090", IdleTimeout: time.Hour, Logger: logger}
	h, err := Attach(&cfg, Deps{Logger: logger, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := tenants.Open(cfg)
	if err != nil {
		t.Fatalf("open registry: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	if err := h.SetRegistry(reg); err != nil {
		t.Fatal(err)
	}
	return reg, h
}

// TenantContextsBuilt returns how many request tenant contexts h built.
func (h *Handlers) TenantContextsBuilt() int64 { return h.contexts.Load() }
