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
	url := reg.URL(demoSlug)
	fmt.Fprintf(os.Stderr, "\nDémo FieldOps360 : %s  (mot de passe de tous les comptes : %s)\n", url, domain.DemoPassword)
	fmt.Fprintf(os.Stderr, "  %-18s %s\n", "admin (tenant)", "admin@demo.fieldops360.fr")
	users := domain.DemoUsers()
	for _, u := range users[:4] {
		fmt.Fprintf(os.Stderr, "  %-18s %s  (%s)\n", u.Role, u.Email, u.Name)
	}
	fmt.Fprintf(os.Stderr, "  … et %d autres personnes (page Équipes)\n", len(users)-4)
	fmt.Fprintf(os.Stderr, "  %-18s %s  (%sportal)\n", "super-admin", demoSuperuser, strings.TrimSuffix(reg.PlatformURL(), "/")+"/")
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
	if err := domain.SeedDemoWith(t.App, time.Now(), domain.DemoOptions{History: history, InvoiceRender: render}); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	return nil
}
