package tenants_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// ownTemplates gives a registry a template directory of the test's own.
func ownTemplates(dir string) tenanttest.Option {
	return func(c *tenants.Config) { c.TemplateDir = dir }
}

func TestTenantsFromOneTemplateHaveTheirOwnGenesis(t *testing.T) {
	reg := tenanttest.NewRegistry(t, ownTemplates(t.TempDir()))
	a := tenanttest.Provision(t, reg, "alpha", domain.SectorElec)
	b := tenanttest.Provision(t, reg, "beta", domain.SectorElec)

	entries, _ := os.ReadDir(reg.TemplateDir())
	if len(entries) != 1 || entries[0].Name() != filepath.Base(reg.TemplatePath(domain.SectorElec)) {
		t.Fatalf("template dir holds %v, want the one elec template", entries)
	}
	appA, appB := a.App(), b.App()
	var refA, refB []string
	_ = appA.DB().Select("id").From("work_types").OrderBy("id").Column(&refA)
	_ = appB.DB().Select("id").From("work_types").OrderBy("id").Column(&refB)
	if len(refA) == 0 || strings.Join(refA, ",") != strings.Join(refB, ",") {
		t.Errorf("work types differ (%d, %d): not copied from one template", len(refA), len(refB))
	}

	reports := map[string]domain.AuditReport{}
	for slug, app := range map[string]core.App{"alpha": appA, "beta": appB} {
		rep, err := domain.VerifyAuditChain(app)
		if err != nil || !rep.OK || rep.Events < 50 || rep.GenesisHash == "" {
			t.Fatalf("%s audit chain = %+v, %v", slug, rep, err)
		}
		reports[slug] = rep
		g := struct {
			Action string `db:"action"`
			Coll   string `db:"collection"`
			Record string `db:"record"`
			At     string `db:"at"`
			Diff   string `db:"diff"`
			Hash   string `db:"hash"`
		}{}
		if err := app.DB().Select("action", "collection", "record", "at", "diff", "hash").From("audit_events").
			Where(dbx.HashExp{"seq": 1}).One(&g); err != nil {
			t.Fatal(err)
		}
		if g.Action != domain.AuditGenesis || g.Coll != "tenant" || g.Record != slug || g.Hash != rep.GenesisHash ||
			!strings.Contains(g.Diff, `"slug":"`+slug+`"`) || !strings.Contains(g.Diff, `"created":"`+g.At+`"`) {
			t.Errorf("%s genesis = %+v", slug, g)
		}
		var created string
		_ = app.DB().Select("created").From("work_types").Limit(1).Row(&created)
		if created != g.At {
			t.Errorf("%s reference data created %q, want the tenant's creation %q", slug, created, g.At)
		}
	}
	if reports["alpha"].GenesisHash == reports["beta"].GenesisHash || reports["alpha"].LastHash == reports["beta"].LastHash {
		t.Errorf("two tenants of one template share hashes: %+v / %+v", reports["alpha"], reports["beta"])
	}

	for _, name := range []string{"users", core.CollectionNameSuperusers} {
		ca, _ := appA.FindCollectionByNameOrId(name)
		cb, _ := appB.FindCollectionByNameOrId(name)
		if ca.AuthToken.Secret == cb.AuthToken.Secret || ca.FileToken.Secret == cb.FileToken.Secret {
			t.Errorf("%s: both tenants share the template's token secrets", name)
		}
	}
	user, _ := appA.FindAuthRecordByEmail("users", a.Admin)
	su, _ := appA.FindAuthRecordByEmail(core.CollectionNameSuperusers, a.Admin)
	if user == nil || su == nil || user.GetString("password:hash") != su.GetString("password:hash") {
		t.Fatal("admin and dashboard superuser do not share one bcrypt hash")
	}
	if !su.ValidatePassword(tenanttest.Password) || su.TokenKey() == user.TokenKey() {
		t.Error("dashboard superuser: wrong password or shared token key")
	}
	for _, c := range []struct{ collection, path string }{
		{"users", "/api/collections/users/auth-refresh"},
		{core.CollectionNameSuperusers, "/api/collections/_superusers/auth-refresh"},
	} {
		tok := a.Token(c.collection, a.Admin)
		if rec := tenanttest.Do(t, reg, "POST", a.Host(), c.path, tok, nil); rec.Code != 200 {
			t.Fatalf("%s token on its own tenant = %d", c.collection, rec.Code)
		}
		if rec := tenanttest.Do(t, reg, "POST", b.Host(), c.path, tok, nil); rec.Code != 401 && rec.Code != 403 {
			t.Errorf("%s token of one tenant on another of the same template = %d, want 401/403", c.collection, rec.Code)
		}
	}
}

func TestStaleTemplateIsRebuiltNeverUsed(t *testing.T) {
	fresh := tenanttest.NewRegistry(t, ownTemplates(t.TempDir()))
	tenanttest.Provision(t, fresh, "first", domain.SectorBTP)
	good := fresh.TemplatePath(domain.SectorBTP)

	// An older schema version: one migration fewer and a marker table,
	// both at the current template's name and under an older key.
	dir := t.TempDir()
	reg := tenanttest.NewRegistry(t, ownTemplates(dir))
	current := reg.TemplatePath(domain.SectorBTP)
	older := filepath.Join(dir, domain.SectorBTP+"-0123456789abcdef")
	for _, dst := range []string{current, older} {
		if err := os.MkdirAll(dst, 0o750); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"data.db", "auxiliary.db"} {
			raw, err := os.ReadFile(filepath.Join(good, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dst, f), raw, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		db, err := sql.Open("sqlite3", filepath.Join(dst, "data.db"))
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"DELETE FROM _migrations WHERE file = (SELECT MAX(file) FROM _migrations)", "CREATE TABLE stale_marker (x)"} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
	}

	tt := tenanttest.Provision(t, reg, "second", domain.SectorBTP)
	if _, err := os.Stat(older); !os.IsNotExist(err) {
		t.Errorf("template of an older schema version kept: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != filepath.Base(current) {
		t.Errorf("template dir holds %v, want only %s", entries, filepath.Base(current))
	}
	for name, path := range map[string]string{"template": filepath.Join(current, "data.db"), "tenant": filepath.Join(reg.TenantDir("second"), "data.db")} {
		db, err := sql.Open("sqlite3", path)
		if err != nil {
			t.Fatal(err)
		}
		var marker, migrations int
		_ = db.QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name = 'stale_marker'").Scan(&marker)
		_ = db.QueryRow("SELECT COUNT(*) FROM _migrations").Scan(&migrations)
		db.Close()
		if marker != 0 {
			t.Errorf("%s comes from the stale template", name)
		}
		if want := countMigrations(t, good); migrations != want {
			t.Errorf("%s has %d migrations applied, want %d", name, migrations, want)
		}
	}
	if rep, err := domain.VerifyAuditChain(tt.App()); err != nil || !rep.OK {
		t.Errorf("audit chain after rebuild = %+v, %v", rep, err)
	}
}

func countMigrations(t *testing.T, template string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(template, "data.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM _migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConcurrentCreatesBuildTheTemplateOnce(t *testing.T) {
	dir := t.TempDir()
	var logs tenanttest.SyncBuffer
	reg := tenanttest.NewRegistry(t, ownTemplates(dir), func(c *tenants.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		wg.Go(func() {
			_, err := reg.CreateTenant(tenants.CreateInput{
				Slug: fmt.Sprintf("par-%d", i), Name: "Par", Sector: domain.SectorTP, AdminEmail: "a@par.fr",
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(logs.String(), "tenant template built"); n != 1 {
		t.Errorf("template built %d times, want once", n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("template dir holds %v, want one template and no build leftovers", entries)
	}
	genesis := map[string]bool{}
	for i := range 4 {
		tt := &tenanttest.Tenant{T: t, Registry: reg, Slug: fmt.Sprintf("par-%d", i)}
		rep, err := domain.VerifyAuditChain(tt.App())
		if err != nil || !rep.OK {
			t.Fatalf("%s: %+v %v", tt.Slug, rep, err)
		}
		genesis[rep.GenesisHash] = true
	}
	if len(genesis) != 4 {
		t.Errorf("%d distinct genesis hashes for 4 tenants", len(genesis))
	}
}

func TestDemoTenantSeedsFromTemplate(t *testing.T) {
	reg := tenanttest.NewRegistry(t)
	_, err := reg.CreateTenant(tenants.CreateInput{
		Slug: "demo", Name: "Bâtir Ouest Construction", Sector: domain.SectorBTP,
		AdminEmail: "admin@demo.fieldops360.fr", AdminPassword: domain.DemoPassword,
		AdminName: "Sophie Admin", Plan: tenants.PlanPro, Actor: "fieldops demo",
	})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := reg.Acquire(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := domain.SeedDemoAt(tn.App, time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("demo data on a tenant copied from the template: %v", err)
	}
	for c, n := range map[string]int64{"users": 13, "clients": 3, "sites": 6} {
		if got, _ := tn.App.CountRecords(c); got != n {
			t.Errorf("%s = %d, want %d", c, got, n)
		}
	}
	if rep, err := domain.VerifyAuditChain(tn.App); err != nil || !rep.OK || rep.Events < 100 {
		t.Errorf("demo audit chain = %+v, %v", rep, err)
	}
	// The demo admin signs in through the REST API (the registry here
	// serves PocketBase's API without our pages).
	body := strings.NewReader(`{"identity":"admin@demo.fieldops360.fr","password":"` + domain.DemoPassword + `"}`)
	req := tenanttest.NewRequest(http.MethodPost, "demo."+reg.Config().Domain, "/api/collections/users/auth-with-password", body)
	req.Header.Set("Content-Type", "application/json")
	if rec := tenanttest.Serve(reg, req); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"token"`) {
		t.Errorf("demo admin cannot sign in: %d %s", rec.Code, rec.Body.String())
	}
}
