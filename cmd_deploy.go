package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
)

// newSchemaCmd is `fieldops schema check`: may this binary serve --dir?
// (the expand/contract rule of a blue/green rollback, docs/deployment.md).
func newSchemaCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "schema", Short: "Database schema checks (rollbacks)", Args: args(cobra.NoArgs)}
	cmd.AddCommand(&cobra.Command{
		Use:   "check [--json]",
		Short: "Exit 1 when a database under --dir holds migrations this binary does not know (a rollback would be unsafe)",
		Long: `Compares the migrations applied to the platform and every tenant database under --dir with the
migrations this binary knows. A database migrated by a newer release is only safe for this binary
when every unknown migration is declared readable by the previous release (its file name ends in
"` + tenants.ExpandSuffix + `", an expand step). Otherwise the check fails and names them: roll forward instead
(fix the new release), or restore a point in time before the migration (backup restore --at).`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			problems, err := tenants.CheckSchema(g.Dir)
			if err != nil {
				return err
			}
			if g.JSON {
				if err := printJSON(os.Stdout, map[string]any{"dir": g.Dir, "ok": len(problems) == 0, "problems": problems}); err != nil {
					return err
				}
			}
			if len(problems) == 0 {
				if !g.JSON {
					fmt.Println("Schéma compatible avec ce binaire / schema readable by this binary")
				}
				return nil
			}
			lines := []string{"rollback refused: these databases were migrated by a newer release this binary cannot read (expand/contract rule, docs/deployment.md); roll forward instead"}
			for _, p := range problems {
				lines = append(lines, p.String())
			}
			return unhealthyError{lines}
		},
	})
	return cmd
}

// newTenantSmokeCmd is `fieldops tenant smoke SLUG`: read and write a
// tenant as the server does (blue/green smoke test).
func newTenantSmokeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "smoke SLUG [--json]",
		Short: "Open a tenant, read its users and audit events, write and read back one row (exit 1 on failure)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				res, err := reg.Smoke(ctx, a[0])
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Client %s : %d utilisateur(s), %d événement(s) d'audit, écriture relue (%d ms) / read and write ok\n",
					res.Slug, res.Users, res.AuditEvents, res.MS)
				return nil
			})
		},
	}
}
