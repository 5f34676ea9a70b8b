package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
)

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// withRegistry opens the registry for a one-shot CLI command.
func withRegistry(g *globals, fn func(reg *tenants.Registry) error) error {
	reg, err := openRegistry(g, "", time.Minute, slog.LevelWarn)
	if err != nil {
		return err
	}
	defer reg.Close()
	return fn(reg)
}

func newTenantCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "Manage tenants (customers)", Args: args(cobra.NoArgs)}
	cmd.AddCommand(newTenantCreateCmd(g), newTenantListCmd(g), newTenantShowCmd(g),
		newTenantStatusCmd(g, "suspend", tenants.StatusSuspended), newTenantStatusCmd(g, "resume", tenants.StatusActive),
		newTenantExportCmd(g), newTenantDeleteCmd(g), newTenantSmokeCmd(g), newTenantPlanCmd(g), newTenantSectorCmd(g), newTenantMoveCmd(g))
	return cmd
}

func newTenantCreateCmd(g *globals) *cobra.Command {
	in := tenants.CreateInput{Actor: "cli"}
	var demoData, demoHistory bool
	cmd := &cobra.Command{
		Use:   "create SLUG --name NAME --sector btp|elec|tp --admin-email EMAIL",
		Short: "Provision a tenant: database, schema, reference data, admin",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			in.Slug = a[0]
			if !g.JSON {
				in.Progress = func(step string) { fmt.Fprintf(os.Stderr, "… %s\n", step) }
			}
			return withRegistry(g, func(reg *tenants.Registry) error {
				res, err := reg.CreateTenant(in)
				if err != nil {
					return err
				}
				if demoData {
					if err := seedDemoData(cmd.Context(), reg, in.Slug, demoHistory); err != nil {
						return err
					}
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Client %q créé en %d ms : %s\n", res.Slug, res.ElapsedMS, res.URL)
				fmt.Printf("Administrateur : %s\n", res.AdminEmail)
				if res.AdminPassword != "" {
					fmt.Printf("Mot de passe (affiché une seule fois) : %s\n", res.AdminPassword)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Name, "name", "", "company name (required)")
	f.StringVar(&in.Sector, "sector", "", "sector: btp, elec or tp (required)")
	f.StringVar(&in.AdminEmail, "admin-email", "", "tenant admin email (required)")
	f.StringVar(&in.AdminPassword, "admin-password", "", "admin password (generated and printed once when empty)")
	f.StringVar(&in.Plan, "plan", tenants.PlanStarter, "plan: starter, pro or enterprise")
	f.StringVar(&in.Shard, "shard", "", "scale-out: the shard to place it on (default: the least loaded healthy shard)")
	f.BoolVar(&demoData, "demo-data", false, "fill the tenant with the demo data set (people, sites, planning…): test and staging data")
	f.BoolVar(&demoHistory, "demo-history", true, "with --demo-data: add a year of history (time, costs, incidents); a few seconds more")
	for _, name := range []string{"name", "sector", "admin-email"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

func newTenantListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List tenants",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				list, err := reg.List()
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, list)
				}
				tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SLUG\tNOM\tSECTEUR\tSTATUT\tOFFRE\tBASE\tURL")
				for _, t := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d Kio\t%s\n", t.Slug, t.Name, t.Sector, t.Status, t.Plan, t.DBBytes/1024, t.URL)
				}
				return tw.Flush()
			})
		},
	}
}

func printInfo(g *globals, t tenants.Info) error {
	if g.JSON {
		return printJSON(os.Stdout, t)
	}
	fmt.Printf("Slug      %s\nNom       %s\nSecteur   %s\nStatut    %s\nOffre     %s\nAdmin     %s\nCréé le   %s\nBase      %d octets\nURL       %s\n",
		t.Slug, t.Name, t.Sector, t.Status, t.Plan, t.AdminEmail, t.Created.Format(time.RFC3339), t.DBBytes, t.URL)
	if t.Shard != "" {
		fmt.Printf("Shard     %s\n", t.Shard)
	}
	if t.Status != tenants.StatusDeleted {
		seats, expires := "illimités", "aucune"
		if t.Seats > 0 {
			seats = fmt.Sprint(t.Seats)
		}
		if t.LicenceExpires != "" {
			expires = t.LicenceExpires
		}
		fmt.Printf("Sièges    %s\nModules   %s\nLicence   %s (fin : %s)\n", seats, strings.Join(t.Modules, ", "), t.Licence, expires)
	}
	return nil
}

func newTenantShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show SLUG",
		Short: "Show a tenant",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				t, err := reg.Get(a[0])
				if err != nil {
					return err
				}
				return printInfo(g, t)
			})
		},
	}
}

func newTenantStatusCmd(g *globals, verb, status string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " SLUG",
		Short: map[string]string{"suspend": "Suspend a tenant (its hosts answer 503)", "resume": "Resume a suspended tenant"}[verb],
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				t, err := reg.SetStatus(a[0], status, "cli")
				if err != nil {
					return err
				}
				return printInfo(g, t)
			})
		},
	}
}

func newTenantExportCmd(g *globals) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export SLUG --out FILE.zip",
		Short: "Export a tenant: consistent database copy and uploaded files",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				res, err := reg.Export(a[0], out)
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Export de %q : %s (%d octets, sha256 %s)\n", res.Slug, res.Path, res.Bytes, res.SHA256)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "zip file to write (required)")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func newTenantDeleteCmd(g *globals) *cobra.Command {
	var out string
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete SLUG --yes [--out FILE.zip]",
		Short: "Export, then delete a tenant (its hosts answer 410)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if !yes {
				return usageError{fmt.Errorf("la suppression de %q est définitive : relancez avec --yes / deleting %q is final: re-run with --yes", a[0], a[0])}
			}
			return withRegistry(g, func(reg *tenants.Registry) error {
				res, err := reg.DeleteTenant(a[0], out, "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Client %q supprimé. Export conservé : %s (%d octets)\n", res.Slug, res.Export, res.Bytes)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "where to write the export (default <dir>/exports/<slug>-<time>.zip)")
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return cmd
}
