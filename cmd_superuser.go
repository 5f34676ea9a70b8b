package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
)

func newSuperuserCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "superuser", Short: "Manage platform superusers (super-admin portal)", Args: args(cobra.NoArgs)}
	var password string
	upsert := &cobra.Command{
		Use:   "upsert EMAIL [--password PW]",
		Short: "Create or update a platform superuser (password generated and printed once when empty)",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			reg, err := openRegistry(g, "", time.Minute, slog.LevelWarn)
			if err != nil {
				return err
			}
			defer reg.Close()
			res, err := reg.UpsertSuperuser(a[0], password, "cli")
			if err != nil {
				return err
			}
			if g.JSON {
				return printJSON(os.Stdout, res)
			}
			fmt.Printf("Super-administrateur %s %s.\n", res.Email, map[bool]string{true: "créé", false: "mis à jour"}[res.Created])
			if res.Password != "" {
				fmt.Printf("Mot de passe (affiché une seule fois) : %s\n", res.Password)
			}
			return nil
		},
	}
	upsert.Flags().StringVar(&password, "password", "", "password (generated when empty)")
	cmd.AddCommand(upsert)
	return cmd
}

// ensureDemoSuperuser gives the demo a platform superuser.
func ensureDemoSuperuser(reg *tenants.Registry) error {
	_, err := reg.UpsertSuperuser(demoSuperuser, demoPasswordForPortal(), "fieldops demo")
	return err
}

func newSecretsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "secrets", Short: "Rotate platform secrets", Args: args(cobra.NoArgs)}
	cmd.AddCommand(&cobra.Command{
		Use:   "rotate-session-keys",
		Short: "Add a new session cookie key pair (the previous two keep decoding; restart the server to apply)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := openRegistry(g, "", time.Minute, slog.LevelWarn)
			if err != nil {
				return err
			}
			defer reg.Close()
			pairs, err := reg.RotateSessionKeys("cli")
			if err != nil {
				return err
			}
			if g.JSON {
				return printJSON(os.Stdout, map[string]int{"key_pairs": len(pairs)})
			}
			fmt.Printf("Nouvelle clé de session créée (%d clés actives). Redémarrez le serveur pour l'appliquer.\n", len(pairs))
			return nil
		},
	})
	return cmd
}
