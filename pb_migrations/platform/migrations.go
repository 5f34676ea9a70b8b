// Package platform holds the control-plane schema: tenants, plans, usage,
// invoices and the platform audit log. Only platform superusers reach these
// collections (all API rules are nil).
package platform

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Migrations returns the control-plane migrations in order.
func Migrations() core.MigrationsList {
	var l core.MigrationsList
	l.Register(initSchema, nil, "1764400000_platform_init.go")
	l.Register(seedPlans, nil, "1764400001_platform_plans.go")
	l.Register(secrets, nil, "1764400002_platform_secrets.go")
	// signed-in sessions of the portal (issue #14, authentication)
	l.Register(pbm.SessionsTable, nil, "1764400010_platform_sessions.go")
	// audit chain anchors: keys, heads, history (issue #14, anchoring)
	l.Register(auditAnchors, nil, "1764400011_platform_audit_anchors.go")
	// plans and licences: licence start, trial, grace period (issue #19)
	l.Register(licencesExpand, nil, "1764400020_platform_licences_expand.go")
	// usage metering: storage split, reports (issue #19)
	l.Register(usageExpand, nil, "1764400021_platform_usage_expand.go")
	// billing and FinOps: plan overage prices, invoices, settings (issue #19)
	l.Register(billingExpand, nil, "1764400022_platform_billing_expand.go")
	// scale-out: shards and tenant moves (issue #21)
	l.Register(clusterExpand, nil, "1764400030_platform_cluster_expand.go")
	return l
}

func initSchema(app core.App) error {
	steps := []*pbm.Builder{
		pbm.NewBase(app, "plans").Add(
			pbm.Text("code", true, 32),
			pbm.Text("name", true, 100),
			pbm.Int("seats", false),
			pbm.Money("price_month_eur"),
			pbm.JSON("modules"),
		).Index(true, "code"),
	}
	for _, s := range steps {
		if err := s.Save(); err != nil {
			return err
		}
	}
	tenants := pbm.NewBase(app, "tenants").Add(
		pbm.Text("slug", true, 63),
		pbm.Text("name", true, 200),
		pbm.Select("sector", true, "btp", "elec", "tp"),
		pbm.Select("status", true, "active", "suspended", "deleted"),
		pbm.Text("plan", false, 32),
		pbm.Int("seats", false),
		pbm.JSON("modules"),
		pbm.JSON("custom_hosts"),
		pbm.Date("licence_expires", false),
		pbm.Email("admin_email", false),
		pbm.Text("shard", false, 63),
		pbm.Date("deleted_at", false),
	).Index(true, "slug")
	if err := tenants.Save(); err != nil {
		return err
	}
	rest := []*pbm.Builder{
		pbm.NewBase(app, "usage_daily").Add(
			pbm.Text("tenant", true, 63),
			pbm.Text("day", true, 10),
			pbm.Int("active_users", false),
			pbm.Int("requests", false),
			pbm.Int("storage_bytes", false),
			pbm.Int("photos", false),
			pbm.Int("cpu_ms", false),
		).Index(true, "tenant", "day"),
		pbm.NewBase(app, "invoices").Add(
			pbm.Text("tenant", true, 63),
			pbm.Text("number", true, 40),
			pbm.Text("period", true, 7),
			pbm.Money("amount_eur"),
			pbm.Select("status", true, "draft", "issued", "paid", "void"),
			pbm.JSON("lines"),
		).Index(true, "number"),
		pbm.NewBase(app, "platform_audit").Add(
			&core.DateField{Name: "at", Required: true},
			pbm.Text("actor", false, 200),
			pbm.Text("action", true, 64),
			pbm.Text("tenant", false, 63),
			pbm.JSON("detail"),
		).Index(false, "tenant").Index(false, "at"),
	}
	for _, s := range rest {
		if err := s.Save(); err != nil {
			return err
		}
	}
	return nil
}

func seedPlans(app core.App) error {
	col, err := app.FindCollectionByNameOrId("plans")
	if err != nil {
		return err
	}
	plans := []struct {
		code, name string
		seats      int
		price      float64
		modules    []string
	}{
		{"starter", "Starter", 10, 149, []string{"sites", "resources", "planning", "proof"}},
		{"pro", "Pro", 50, 490, []string{"sites", "resources", "planning", "proof", "reporting"}},
		{"enterprise", "Enterprise", 0, 0, []string{"sites", "resources", "planning", "proof", "reporting", "api", "sso"}},
	}
	for _, p := range plans {
		r := core.NewRecord(col)
		r.Set("code", p.code)
		r.Set("name", p.name)
		r.Set("seats", p.seats)
		r.Set("price_month_eur", p.price)
		r.Set("modules", p.modules)
		if err := app.Save(r); err != nil {
			return err
		}
	}
	return nil
}

// secrets holds generated platform secrets (session cookie keys…); the
// value field is hidden from the API even for listing superusers.
func secrets(app core.App) error {
	return pbm.NewBase(app, "platform_secrets").Add(
		pbm.Text("name", true, 64),
		&core.TextField{Name: "value", Required: true, Hidden: true, Max: 4096},
	).Index(true, "name").Save()
}
