package tenants_test

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// fileSum returns the SHA-256 of a file.
func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// TestSectorPackIsPerTenant: `tenant create --sector tp` still copies the
// public works template (primary sector, its work types only); enabling
// building on that tenant adds the building pack to it alone: the
// template is not touched and the next public works tenant starts
// without it.
func TestSectorPackIsPerTenant(t *testing.T) {
	reg := tenanttest.NewRegistry(t, ownTemplates(t.TempDir()))
	a := tenanttest.Provision(t, reg, "alpha", domain.SectorTP)
	tpl := filepath.Join(reg.TemplatePath(domain.SectorTP), "data.db")
	before := fileSum(t, tpl)
	app := a.App()
	c, err := domain.FindCompany(app)
	if err != nil || c.Sector() != domain.SectorTP || !slices.Equal(c.EnabledSectors(), []string{"tp"}) {
		t.Fatalf("new tp tenant: %v %v", c.EnabledSectors(), err)
	}
	if n, _ := app.CountRecords("work_types", dbx.Not(dbx.HashExp{"sector": "tp"})); n != 0 {
		t.Errorf("%d work types of other sectors in a new tp tenant", n)
	}
	res, err := domain.EnableSector(app, nil, domain.SectorBTP)
	if err != nil || res.WorkTypes == 0 {
		t.Fatalf("enable btp: %+v %v", res, err)
	}
	if fileSum(t, tpl) != before {
		t.Error("enabling a sector changed the tp template")
	}
	b := tenanttest.Provision(t, reg, "beta", domain.SectorTP)
	if n, _ := b.App().CountRecords("work_types", dbx.HashExp{"sector": "btp"}); n != 0 {
		t.Errorf("the next tp tenant has %d building work types", n)
	}
	if n, _ := app.CountRecords("work_types", dbx.HashExp{"sector": "btp"}); n != int64(res.WorkTypes) {
		t.Errorf("alpha has %d building work types, want %d", n, res.WorkTypes)
	}
	if rep, err := domain.VerifyAuditChain(app); err != nil || !rep.OK {
		t.Errorf("audit chain after the pack %+v %v", rep, err)
	}
}
