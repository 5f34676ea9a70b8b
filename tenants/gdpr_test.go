package tenants_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestEraseVerifiesOnlyOnceAnchored: after an erasure the anchored
// verification passes, and the same chain checked against the anchor
// signed before the erasure fails (its redaction manifest is not signed
// yet); a person of another tenant is neither exported nor erased.
func TestEraseVerifiesOnlyOnceAnchored(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	a := tenanttest.Provision(t, reg, "alpha", domain.SectorBTP)
	tenanttest.Provision(t, reg, "beta", domain.SectorBTP)
	crew := a.User(domain.RoleCrew, "luc.morel@alpha.test")
	ctx := context.Background()
	before, pub, err := reg.LatestAnchor("alpha")
	if err != nil || before == nil {
		t.Fatalf("anchor before: %v %v", before, err)
	}
	out := filepath.Join(t.TempDir(), "p.zip")
	if _, err := reg.ExportPerson(ctx, "beta", "luc.morel@alpha.test", out, "test"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("export from another tenant: %v", err)
	}
	if _, err := reg.ErasePerson(ctx, "beta", crew.Id, "test"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("erase from another tenant by id: %v", err)
	}
	er, err := reg.ErasePerson(ctx, "alpha", "luc.morel@alpha.test", "test")
	if err != nil || er.Redacted == 0 {
		t.Fatalf("erase: %+v %v", er, err)
	}
	rep, err := reg.VerifyAudit(ctx, "alpha")
	if err != nil || !rep.OK || rep.Redacted != er.Redacted {
		t.Fatalf("verify after erasure: %+v %v", rep, err)
	}
	old, err := domain.VerifyAuditChainAnchored(a.App(), before, pub)
	if err != nil || old.OK || !strings.Contains(old.Reason, "erasure") {
		t.Errorf("against the anchor before the erasure: %+v %v", old, err)
	}
	if acts := platformActions(t, reg, "alpha"); acts["gdpr.erase"] != 1 {
		t.Errorf("platform audit = %v", acts)
	}
}
