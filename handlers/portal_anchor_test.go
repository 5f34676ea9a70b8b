package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestPortalTenantShowsAuditAnchor: the tenant page shows the latest
// anchor of the tenant's audit chain and whether its signature holds.
func TestPortalTenantShowsAuditAnchor(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg := tt.Registry
	pc := portalLogin(t, reg)
	a, _, err := reg.LatestAnchor(tt.Slug)
	if err != nil || a == nil {
		t.Fatalf("anchor: %v %v", a, err)
	}
	rec := tenanttest.Get(t, reg, platformHost, "/portal/tenants/"+tt.Slug, pc)
	cell := testid(doc(t, rec.Body.String()), "tenant-anchor")
	if rec.Code != http.StatusOK || !strings.Contains(cell.Text(), "seq ") || !strings.Contains(cell.Text(), a.Hash[:12]) ||
		!strings.Contains(cell.Text(), "signature valide") {
		t.Fatalf("tenant page = %d, anchor cell %q (anchor seq %d)", rec.Code, cell.Text(), a.Seq)
	}
	// a signature that is not the tenant key's is shown as such
	if _, err := reg.Platform().DB().Update(tenants.CollectionAuditHeads, dbx.Params{"signature": "AAAA"},
		dbx.HashExp{"slug": tt.Slug}).Execute(); err != nil {
		t.Fatal(err)
	}
	rec = tenanttest.Get(t, reg, platformHost, "/portal/tenants/"+tt.Slug, pc)
	if cell := testid(doc(t, rec.Body.String()), "tenant-anchor"); !strings.Contains(cell.Text(), "signature INVALIDE") {
		t.Errorf("forged anchor shown as %q", cell.Text())
	}
}
