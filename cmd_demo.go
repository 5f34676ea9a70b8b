package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/domain/invoicedoc"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
)

// demoSlug is the tenant `fieldops demo` provisions; demoSuperuser signs
// in to the super-admin portal on the platform host.
const (
	demoSlug      = "demo"
	demoSuperuser = "superadmin@demo.fieldops360.fr"
)

func demoPasswordForPortal() string { return domain.DemoPassword }

func newDemoCmd(g *globals) *cobra.Command {
	s := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Provision the demo tenant with realistic data if missing, then serve",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := refuseServeOnlyFlags(cmd); err != nil {
				return err
			}
			if err := checkServeFlags(s); err != nil {
				return err
			}
			reg, err := openRegistry(g, s.DefaultTenant, s.Idle, slog.LevelInfo)
			if err != nil {
				return err
			}
			if err := ensureDemo(cmd.Context(), reg); err != nil {
				reg.Close()
				return err
			}
			return serve(cmd.Context(), reg, g.HTTP, s.Grace)
		},
	}
	addServeFlags(cmd, s)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !demoHonours(f.Name) {
			_ = cmd.Flags().MarkHidden(f.Name)
		}
	})
	return cmd
}

// demoHonours reports whether demo uses the serve flag name. demo serves
// plain HTTP on --http, without replication, metrics, traces nor TLS.
func demoHonours(name string) bool {
	switch name {
	case "default-tenant", "idle", "grace":
		return true
	}
	return false
}

// refuseServeOnlyFlags is a usage error (exit 2) when a serve flag that
// demo would ignore is given on the command line (environment variables
// are shared with serve and stay ignored).
func refuseServeOnlyFlags(cmd *cobra.Command) error {
	var refused []string
	cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
		if f.Changed && !demoHonours(f.Name) {
			refused = append(refused, "--"+f.Name)
		}
	})
	if len(refused) > 0 {
		return usageError{fmt.Errorf("demo does not support %s: it serves plain HTTP on --http without TLS, replication, metrics or traces; use `fieldops serve` for those", strings.Join(refused, ", "))}
	}
	return nil
}

// ensureDemo provisions the demo tenant once and prints its logins.
func ensureDemo(ctx context.Context, reg *tenants.Registry) error {
	if _, err := reg.Get(demoSlug); domain.ErrorCode(err) == domain.ENotFound {
		_, err := reg.CreateTenant(tenants.CreateInput{
			Slug: demoSlug, Name: "Bâtir Ouest Construction", Sector: domain.SectorBTP,
			AdminEmail: "admin@demo.fieldops360.fr", AdminPassword: domain.DemoPassword,
			AdminName: "Sophie Admin", Plan: tenants.PlanPro, Actor: "fieldops demo",
		})
		if err != nil {
			return err
		}
		if err := seedDemoData(ctx, reg, demoSlug, true); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if err := ensureDemoSuperuser(reg); err != nil {
		return err
	}
	start := time.Now()
	if err := ensureDemoPlatform(ctx, reg, time.Now().UTC()); err != nil {
		return fmt.Errorf("demo platform: %w", err)
	}
	slog.Debug("demo platform", "took", time.Since(start))
	url := reg.URL(demoSlug)
	fmt.Fprintf(os.Stderr, "\nDémo FieldOps360 : %s  (mot de passe de tous les comptes : %s)\n", url, domain.DemoPassword)
	fmt.Fprintf(os.Stderr, "  %-18s %s\n", "admin (tenant)", "admin@demo.fieldops360.fr")
	users := domain.DemoUsers()
	for _, u := range users[:4] {
		fmt.Fprintf(os.Stderr, "  %-18s %s  (%s)\n", u.Role, u.Email, u.Name)
	}
	fmt.Fprintf(os.Stderr, "  … et %d autres personnes (page Équipes)\n", len(users)-4)
	fmt.Fprintf(os.Stderr, "  %-18s %s  (%sportal)\n", "super-admin", demoSuperuser, strings.TrimSuffix(reg.PlatformURL(), "/")+"/")
	fmt.Fprintf(os.Stderr, "  %-18s %s (pro), %s (starter), %s (enterprise) : facturation, FinOps, supervision\n", "plateforme", demoSlug, demoStarter, demoEnterprise)
	fmt.Fprintln(os.Stderr)
	return nil
}

// seedDemoData fills tenant slug with the demo data set, with a year of
// history when asked (domain.SeedDemoWith, a few seconds more).
func seedDemoData(ctx context.Context, reg *tenants.Registry, slug string, history bool) error {
	t, release, err := reg.Acquire(ctx, slug)
	if err != nil {
		return err
	}
	defer release()
	// issued invoices are written in French in the company's zone
	loc := domain.TenantFactsOf(t.App).Location()
	render := invoicedoc.Render(i18n.WithLocale(ctx, catalog.Default(), i18n.FR, loc), invoicedoc.Options{})
	if err := domain.SeedDemoWith(t.App, time.Now(), domain.DemoOptions{History: history, Derive: imaging.Derive, Thumb: imaging.ThumbnailJPEG, InvoiceRender: render}); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	return nil
}

// The demo platform (issue #19): the demo tenant (Pro) and two smaller
// ones on the Starter and Enterprise plans, each with usage_daily since
// the first day of the previous month and one customer invoice of that
// month, so the portal's Billing, FinOps and Monitoring pages have
// figures. The two extra tenants carry no business data and share the
// demo's sector: a copy of the template the demo tenant already built
// (another sector would build its template, over a second each).
const (
	demoStarter    = "demo-starter"
	demoEnterprise = "demo-enterprise"
)

// demoUsage shapes a demo tenant's usage: weekday requests, active users
// (min–max), data bytes growing over the period.
type demoUsage struct {
	slug               string
	requests           int
	usersMin, usersMax int
	dbBytes, files     int
}

// ensureDemoPlatform provisions the demo's platform once (the two extra
// tenants, licences, usage history, the operator's legal data) and
// invoices the previous month (a month already invoiced is not again).
func ensureDemoPlatform(ctx context.Context, reg *tenants.Registry, now time.Time) error {
	prev := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	extra := []tenants.CreateInput{
		{Slug: demoStarter, Name: "Martin Rénovation", Sector: domain.SectorBTP, Plan: tenants.PlanStarter, AdminEmail: "admin@martin.demo.fieldops360.fr"},
		{Slug: demoEnterprise, Name: "Rhône Bâtiment Groupe", Sector: domain.SectorBTP, Plan: tenants.PlanEnterprise, AdminEmail: "admin@rbg.demo.fieldops360.fr"},
	}
	created := false
	for _, in := range extra {
		if _, err := reg.Get(in.Slug); domain.ErrorCode(err) != domain.ENotFound {
			if err != nil {
				return err
			}
			continue
		}
		in.AdminPassword, in.AdminName, in.Actor = domain.DemoPassword, "Admin "+in.Name, "fieldops demo"
		if _, err := reg.CreateTenant(in); err != nil {
			return err
		}
		created = true
	}
	if created {
		if err := seedDemoPlatform(reg, prev, now); err != nil {
			return err
		}
	}
	_, err := reg.RunBilling(ctx, prev.Format("2006-01"), "fieldops demo")
	return err
}

// seedDemoPlatform sets the demo's licences, usage history and operator.
func seedDemoPlatform(reg *tenants.Registry, from, now time.Time) error {
	set, err := reg.BillingSettings()
	if err != nil {
		return err
	}
	if set.SellerName == "" {
		set.SellerName, set.LegalForm, set.SIREN, set.VATNumber = "FieldOps360 Cloud", "SAS", "912345678", "FR45912345678"
		set.RCS, set.Address, set.PostCode, set.City = "RCS Lyon 912 345 678", "12 quai Perrache", "69002", "Lyon"
		set.Email, set.IBAN, set.BIC = "facturation@fieldops360.fr", "FR7630006000011234567890189", "AGRIFRPP"
		if err := reg.SetBillingSettings(set, "fieldops demo"); err != nil {
			return err
		}
	}
	if err := reg.SetContractPrice(demoEnterprise, 1890, "fieldops demo"); err != nil {
		return err
	}
	for _, slug := range []string{demoSlug, demoStarter, demoEnterprise} {
		if _, err := reg.SetLicence(slug, tenants.LicenceInput{Starts: &from}, "fieldops demo"); err != nil {
			return err
		}
	}
	shapes := []demoUsage{
		{demoSlug, 2400, 34, 47, 180e6, 2_400e6},
		{demoStarter, 450, 8, 12, 40e6, 5_600e6}, // beyond 10 seats and the 5 GB quota now and then
		{demoEnterprise, 9000, 110, 140, 900e6, 520e9},
	}
	for i, sh := range shapes {
		var days []tenants.UsageDay
		for d := from; d.Before(now.Truncate(24 * time.Hour)); d = d.AddDate(0, 0, 1) {
			n := int(d.Sub(from).Hours() / 24)
			wd := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
			req := sh.requests / 6
			if wd {
				req = sh.requests + (n*37+i*11)%(sh.requests/5+1)
			}
			grow := 1 + float64(n)/400
			days = append(days, tenants.UsageDay{Day: d.Format(time.DateOnly), Requests: req, CPUms: req * 38,
				ActiveUsers: sh.usersMin + (n*7+i)%(sh.usersMax-sh.usersMin+1),
				DBBytes:     int(float64(sh.dbBytes) * grow), FilesBytes: int(float64(sh.files) * grow), ReplicaBytes: int(float64(sh.dbBytes) * grow * 1.6),
				Photos: req / 60, Reports: req / 400})
		}
		if err := reg.PutUsageDays(sh.slug, days); err != nil {
			return err
		}
	}
	return nil
}
