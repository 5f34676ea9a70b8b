package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
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
	var dbFile string
	verify := &cobra.Command{
		Use:   "verify SLUG [--db FILE]",
		Short: "Verify a tenant's hash-chained audit trail and its latest signed anchor (exit 1 and the reason if broken)",
		Long: "Verify a tenant's hash-chained audit trail against the signed anchors of the control plane (--dir).\n" +
			"--db FILE verifies a restored copy instead (backup restore SLUG --to DIR writes DIR/data.db): a copy of\n" +
			"an earlier point in time is checked against the newest anchor it should contain, named in the report.",
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				var rep domain.AuditReport
				var err error
				if dbFile != "" {
					rep, err = reg.VerifyAuditCopy(cmd.Context(), a[0], dbFile)
				} else {
					rep, err = reg.VerifyAudit(cmd.Context(), a[0])
				}
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
	}
	verify.Flags().StringVar(&dbFile, "db", "", "verify this copy of the tenant's data.db (restored with --to) instead of the live database")
	cmd.AddCommand(verify, newAuditAnchorCmd(g))
	return cmd
}

func newAuditAnchorCmd(g *globals) *cobra.Command {
	var reset bool
	var reason string
	cmd := &cobra.Command{
		Use:   "anchor SLUG [--reset --reason TEXT]",
		Short: "Verify a tenant's audit chain, then sign its last event as a new anchor kept in the control plane",
		Long: "Verify a tenant's audit chain against its anchor, then sign its last event as a new anchor.\n" +
			"--reset re-anchors a chain that verifies by itself but left its anchor (a database put back by hand):\n" +
			"the reason and the previous anchor are kept in the platform audit log.",
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if reset && strings.TrimSpace(reason) == "" {
				return usageError{errors.New("--reset needs --reason TEXT (kept in the platform audit log)")}
			}
			return withRegistry(g, func(reg *tenants.Registry) error {
				var anchor *domain.AuditAnchor
				var err error
				if reset {
					anchor, err = reg.ResetAnchor(cmd.Context(), a[0], "cli", reason)
				} else {
					var rep domain.AuditReport
					anchor, rep, err = reg.AnchorNow(cmd.Context(), a[0], "cli")
					if err != nil && !rep.OK && rep.Reason != "" && !g.JSON {
						printAuditReport(rep)
					}
				}
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, anchor)
				}
				fmt.Println(catalog.New("audit.cli.anchored", anchor.Seq, anchor.Hash, anchor.At.UTC().Format(time.RFC3339)).Bilingual())
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&reset, "reset", false, "re-anchor a chain that left its anchor (needs --reason)")
	cmd.Flags().StringVar(&reason, "reason", "", "why the anchor is reset (platform audit log)")
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
