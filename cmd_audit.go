package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// errChainBroken makes `audit verify` exit 1 after printing the report.
var errChainBroken = domain.Errorf(domain.EConflict, "err.audit.chain_broken")

func newAuditCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Audit trail tools", Args: args(cobra.NoArgs)}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify SLUG",
		Short: "Verify a tenant's hash-chained audit trail and its latest signed anchor (exit 1 and the reason if broken)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				rep, err := reg.VerifyAudit(cmd.Context(), a[0])
				if err != nil {
					return err
				}
				if g.JSON {
					if err := printJSON(os.Stdout, rep); err != nil {
						return err
					}
				} else {
					printAuditReport(rep)
				}
				if !rep.OK {
					return errChainBroken
				}
				return nil
			})
		},
	}, &cobra.Command{
		Use:   "anchor SLUG",
		Short: "Verify a tenant's audit chain, then sign its last event as a new anchor kept in the control plane",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				anchor, rep, err := reg.AnchorNow(cmd.Context(), a[0], "cli")
				if err != nil {
					if !rep.OK && rep.Reason != "" && !g.JSON {
						printAuditReport(rep)
					}
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, anchor)
				}
				fmt.Println(catalog.New("audit.cli.anchored", anchor.Seq, anchor.Hash, anchor.At.UTC().Format(time.RFC3339)).Bilingual())
				return nil
			})
		},
	})
	return cmd
}

// printAuditReport prints `audit verify` for a reader (French first, the
// operator's language on site; reasons in both languages).
func printAuditReport(rep domain.AuditReport) {
	switch {
	case rep.OK:
		fmt.Printf("Chaîne d'audit intacte : %d événements, dernier hash %s\n", rep.Events, rep.LastHash)
	case rep.FirstBad != nil:
		fmt.Printf("Chaîne d'audit ROMPUE à l'événement seq=%d (%s) / Audit chain BROKEN at event seq=%d\n  %s\n",
			rep.FirstBad.Seq, rep.FirstBad.Collection+"/"+rep.FirstBad.Record, rep.FirstBad.Seq, rep.Reason)
	default:
		fmt.Printf("Chaîne d'audit ROMPUE / Audit chain BROKEN (%d événements / events)\n  %s\n", rep.Events, rep.Reason)
	}
	if a := rep.Anchor; a != nil && a.Matched {
		fmt.Println(catalog.New("audit.cli.anchor_ok", a.Kind, a.Seq, a.At.UTC().Format(time.RFC3339), a.Unanchored).Bilingual())
	}
}
