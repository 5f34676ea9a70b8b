package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
)

// newGDPRCmd groups the GDPR tools of a tenant (issue #19): a person's
// export and erasure. Both are audited in the tenant's chain and in the
// platform audit log.
func newGDPRCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "gdpr", Short: "GDPR tools: export or erase a person's data in a tenant", Args: args(cobra.NoArgs)}
	cmd.AddCommand(newGDPRExportCmd(g), newGDPREraseCmd(g))
	return cmd
}

func newGDPRExportCmd(g *globals) *cobra.Command {
	var person, out string
	cmd := &cobra.Command{
		Use:   "export SLUG --person EMAIL|ID --out FILE.zip",
		Short: "Export every record a tenant holds about a person (JSON per collection and their files, zip)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return withRegistry(g, func(reg *tenants.Registry) error {
				sum, err := reg.ExportPerson(cmd.Context(), a[0], person, out, "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, sum)
				}
				n := 0
				for _, c := range sum.Collections {
					n += c
				}
				fmt.Printf("Export RGPD de %s : %s (%d enregistrements, %d fichiers) / GDPR export written\n", sum.Person, out, n, len(sum.Files))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "the person: e-mail, user id or client contact id (required)")
	cmd.Flags().StringVar(&out, "out", "", "zip file to write (required)")
	_ = cmd.MarkFlagRequired("person")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func newGDPREraseCmd(g *globals) *cobra.Command {
	var person string
	var confirm bool
	cmd := &cobra.Command{
		Use:   "erase SLUG --person EMAIL|ID --confirm",
		Short: "Erase a person from a tenant: pseudonymised, deactivated, personal data removed, audit chain still verifiable",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if !confirm {
				return usageError{fmt.Errorf("l'effacement de %q est définitif : relancez avec --confirm / erasing %q is final: re-run with --confirm", person, person)}
			}
			return withRegistry(g, func(reg *tenants.Registry) error {
				er, err := reg.ErasePerson(cmd.Context(), a[0], person, "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, er)
				}
				fmt.Printf("%s effacée : %q (événement d'audit seq %d, %d événements caviardés, %d fichiers supprimés) / erased\n",
					er.Person, er.Pseudonym, er.Seq, er.Redacted, er.Files)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "the person: e-mail, user id or client contact id (required)")
	cmd.Flags().BoolVar(&confirm, "confirm", false, "confirm the erasure (final)")
	_ = cmd.MarkFlagRequired("person")
	return cmd
}
