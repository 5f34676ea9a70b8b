package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// errChainBroken makes `audit verify` exit 1 after printing the report.
var errChainBroken = domain.Errorf(domain.EConflict, "err.audit.chain_broken")

func newAuditCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Audit trail tools", Args: args(cobra.NoArgs)}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify SLUG",
		Short: "Verify a tenant's hash-chained audit trail (exit 1 and the first bad event if broken)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				if _, err := reg.Get(a[0]); err != nil {
					return err
				}
				t, release, err := reg.Acquire(cmd.Context(), a[0])
				if err != nil {
					return err
				}
				defer release()
				rep, err := domain.VerifyAuditChain(t.App)
				if err != nil {
					return err
				}
				if g.JSON {
					if err := printJSON(os.Stdout, rep); err != nil {
						return err
					}
				} else if rep.OK {
					fmt.Printf("Chaîne d'audit intacte : %d événements, dernier hash %s\n", rep.Events, rep.LastHash)
				} else {
					fmt.Printf("Chaîne d'audit ROMPUE à l'événement seq=%d (%s)\n  %s\n", rep.FirstBad.Seq, rep.FirstBad.Collection+"/"+rep.FirstBad.Record, rep.Reason)
				}
				if !rep.OK {
					return errChainBroken
				}
				return nil
			})
		},
	})
	return cmd
}
