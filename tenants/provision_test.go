package tenants_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestCreateTenantProvisionsEverything(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	var steps []string
	res, err := reg.CreateTenant(tenants.CreateInput{
		Slug: "dupont-elec", Name: "Dupont Électricité", Sector: domain.SectorElec,
		AdminEmail: "Chef@Dupont.fr", Actor: "test", Progress: func(s string) { steps = append(steps, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.URL, "http://dupont-elec.localhost:8090/"; got != want {
		t.Errorf("url = %q, want %q", got, want)
	}
	if res.AdminEmail != "chef@dupont.fr" {
		t.Errorf("admin email = %q, want it lower-cased", res.AdminEmail)
	}
	if len(res.AdminPassword) < 16 {
		t.Errorf("generated password %q too short", res.AdminPassword)
	}
	// NB: the portal shows these steps by name (portal.step.* messages).
	if got := strings.Join(steps, ","); got != "database,reference,admin,register,done" {
		t.Errorf("progress steps = %s, want database,reference,admin,register,done", got)
	}

	dir := reg.TenantDir("dupont-elec")
	for _, f := range []string{"data.db", "auxiliary.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".provisioning-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary dirs left behind: %v", leftovers)
	}

	tt := &tenanttest.Tenant{T: t, Registry: reg, Slug: "dupont-elec"}
	app := tt.App()
	for _, c := range []string{"users", "skills", "clearances", "clients", "sites", "phases", "milestones", "documents",
		"vehicles", "equipment", "materials", "stock_moves", "work_types", "checklist_templates", "tasks", "task_links",
		"time_entries", "photos", "signatures", "incidents", "audit_events", "reports", "alerts", "company"} {
		if _, err := app.FindCollectionByNameOrId(c); err != nil {
			t.Errorf("collection %s missing: %v", c, err)
		}
	}
	counts := map[string]int64{}
	for _, c := range []string{"work_types", "skills", "clearance_kinds", "checklist_templates"} {
		n, err := app.CountRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		counts[c] = n
	}
	if counts["work_types"] < 8 || counts["skills"] < 5 || counts["clearance_kinds"] < 5 || counts["checklist_templates"] < 3 {
		t.Errorf("reference data too thin: %v", counts)
	}
	if n, _ := app.CountRecords("clearance_kinds", dbx.HashExp{"code": "B2V"}); n != 1 {
		t.Errorf("electrical tenant lacks the B2V clearance kind")
	}

	admin, err := app.FindAuthRecordByEmail("users", "chef@dupont.fr")
	if err != nil {
		t.Fatalf("admin user: %v", err)
	}
	if !admin.GetBool("tenant_admin") || !admin.GetBool("active") || admin.GetString("role") != domain.RoleManager {
		t.Errorf("admin flags: tenant_admin=%v active=%v role=%q", admin.GetBool("tenant_admin"), admin.GetBool("active"), admin.GetString("role"))
	}
	if !admin.ValidatePassword(res.AdminPassword) {
		t.Error("generated password does not log the admin in")
	}
	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "chef@dupont.fr")
	if err != nil || !su.ValidatePassword(res.AdminPassword) {
		t.Errorf("dashboard superuser missing or wrong password: %v", err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "data.db"))
	if bytes.Contains(raw, []byte(res.AdminPassword)) {
		t.Error("the generated password is stored in clear in data.db")
	}

	info, err := reg.Get("dupont-elec")
	if err != nil || info.Status != tenants.StatusActive || info.Sector != "elec" || info.Plan != "starter" {
		t.Errorf("control-plane record = %+v, %v", info, err)
	}
	if n, _ := reg.Platform().CountRecords("platform_audit", dbx.HashExp{"action": "tenant.create", "tenant": "dupont-elec"}); n != 1 {
		t.Errorf("platform_audit tenant.create events = %d, want 1", n)
	}
	rep, err := domain.VerifyAuditChain(app)
	if err != nil || !rep.OK || rep.Events == 0 {
		t.Errorf("audit chain after provisioning = %+v, %v", rep, err)
	}
}

func TestCreateTenantDuplicateSlugChangesNothing(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	reg := tt.Registry
	dbPath := filepath.Join(reg.TenantDir("acme"), "data.db")
	before, _ := os.Stat(dbPath)
	auditBefore, _ := reg.Platform().CountRecords("platform_audit")

	_, err := reg.CreateTenant(tenants.CreateInput{Slug: "acme", Name: "Autre", Sector: "tp", AdminEmail: "x@y.fr"})
	if got := domain.ErrorCode(err); got != domain.EConflict {
		t.Fatalf("error code = %q (%v), want conflict", got, err)
	}
	after, _ := os.Stat(dbPath)
	if !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		t.Error("the existing tenant database was modified")
	}
	if n, _ := reg.Platform().CountRecords("platform_audit"); n != auditBefore {
		t.Errorf("platform_audit grew from %d to %d", auditBefore, n)
	}
	info, _ := reg.Get("acme")
	if info.Name != "Entreprise ACME" || info.Sector != "btp" {
		t.Errorf("existing tenant changed: %+v", info)
	}
}

func TestCreateTenantRefusesInvalidInput(t *testing.T) {
	t.Parallel()
	reg := tenanttest.NewRegistry(t)
	ok := tenants.CreateInput{Slug: "valid", Name: "Valide", Sector: "btp", AdminEmail: "a@b.fr"}
	scenarios := []struct {
		name  string
		edit  func(*tenants.CreateInput)
		field string
	}{
		{"empty slug", func(in *tenants.CreateInput) { in.Slug = "" }, "slug"},
		{"upper case", func(in *tenants.CreateInput) { in.Slug = "Acme" }, "slug"},
		{"underscore", func(in *tenants.CreateInput) { in.Slug = "ac_me" }, "slug"},
		{"leading digit", func(in *tenants.CreateInput) { in.Slug = "1acme" }, "slug"},
		{"trailing hyphen", func(in *tenants.CreateInput) { in.Slug = "acme-" }, "slug"},
		{"dot", func(in *tenants.CreateInput) { in.Slug = "acme.fr" }, "slug"},
		{"one char", func(in *tenants.CreateInput) { in.Slug = "a" }, "slug"},
		{"too long", func(in *tenants.CreateInput) { in.Slug = "a" + string(bytes.Repeat([]byte("b"), 63)) }, "slug"},
		{"punycode", func(in *tenants.CreateInput) { in.Slug = "xn--acme" }, "slug"},
		{"reserved admin", func(in *tenants.CreateInput) { in.Slug = "admin" }, "slug"},
		{"reserved www", func(in *tenants.CreateInput) { in.Slug = "www" }, "slug"},
		{"reserved api", func(in *tenants.CreateInput) { in.Slug = "api" }, "slug"},
		{"no name", func(in *tenants.CreateInput) { in.Name = " " }, "name"},
		{"bad sector", func(in *tenants.CreateInput) { in.Sector = "agri" }, "sector"},
		{"bad email", func(in *tenants.CreateInput) { in.AdminEmail = "pas-un-email" }, "admin_email"},
		{"short password", func(in *tenants.CreateInput) { in.AdminPassword = "court" }, "admin_password"},
		{"bad plan", func(in *tenants.CreateInput) { in.Plan = "gold" }, "plan"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			in := ok
			s.edit(&in)
			_, err := reg.CreateTenant(in)
			var de *domain.Error
			if !asDomain(err, &de) || de.Code != domain.EInvalid || de.Field != s.field {
				t.Fatalf("err = %v, want invalid %s", err, s.field)
			}
			if !catalog.Default().Has(de.Key) {
				t.Errorf("message key %q is not in the catalogue", de.Key)
			}
		})
	}
	entries, _ := os.ReadDir(filepath.Join(reg.Config().Dir, "tenants"))
	if len(entries) != 0 {
		t.Errorf("invalid input left files: %v", entries)
	}
	if n, _ := reg.Platform().CountRecords("tenants"); n != 0 {
		t.Errorf("invalid input left %d tenant records", n)
	}
}
