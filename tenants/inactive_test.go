package tenants_test

import (
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestServerClosesTenantSuspendedElsewhere: a tenant suspended by another
// process (the CLI, before an in-place restore) is closed by the serving
// registry without waiting for a request to its host, so its files are
// released for the restore.
func TestServerClosesTenantSuspendedElsewhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	server := tenanttest.NewRegistry(t, tenanttest.WithDir(dir))
	tt := tenanttest.Provision(t, server, "acme", domain.SectorBTP)
	tt.App()
	if !server.IsOpen("acme") {
		t.Fatal("acme not open in the server")
	}
	cli := tenanttest.NewRegistry(t, tenanttest.WithDir(dir))
	if _, err := cli.SetStatus("acme", tenants.StatusSuspended, "cli"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for server.IsOpen("acme") {
		if time.Now().After(deadline) {
			t.Fatal("the server kept the tenant suspended by another process open")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
