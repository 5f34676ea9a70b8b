// Package handlertest wires the real HTTP handlers into the registries of
// tenanttest: NewRegistry and New are tenanttest's with the handlers built
// by tenants.Open, as in `fieldops serve`. Handler tests (package
// handlers_test) use it; domain and registry tests use tenanttest alone
// and never compile the HTTP layer.
package handlertest

import (
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// NewRegistry opens a tenanttest registry served by the real handlers;
// opts are applied after the handlers are wired.
func NewRegistry(t testing.TB, opts ...tenanttest.Option) *tenants.Registry {
	t.Helper()
	return tenanttest.NewRegistry(t, append([]tenanttest.Option{WithDeps(nil)}, opts...)...)
}

// New provisions tenant "acme" (sector btp) in a fresh registry served by
// the real handlers.
func New(t testing.TB, opts ...tenanttest.Option) *tenanttest.Tenant {
	t.Helper()
	return tenanttest.Provision(t, NewRegistry(t, opts...), "acme", domain.SectorBTP)
}

// WithDeps wires the real handlers, their dependencies adjusted by adjust
// (nil: none) after the defaults of a test registry: its logger and clock,
// version "test". The last WithDeps given wins.
func WithDeps(adjust func(*handlers.Deps)) tenanttest.Option {
	return func(c *tenants.Config) {
		c.Routes = func(reg *tenants.Registry) (tenants.RouteInstaller, error) {
			cfg := reg.Config()
			d := handlers.Deps{Logger: cfg.Logger, Version: "test", Clock: cfg.Clock}
			if adjust != nil {
				adjust(&d)
			}
			return handlers.New(reg, d)
		}
	}
}

// WithReplication gives the handlers a replication source (the portal's
// replication column and drills).
func WithReplication(src handlers.ReplicationSource) tenanttest.Option {
	return WithDeps(func(d *handlers.Deps) { d.Replication = src })
}
