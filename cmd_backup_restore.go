package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/replication"
)

// newBackupRestoreCmd is `fieldops backup restore SLUG|platform|--all`.
func newBackupRestoreCmd(g *globals, target func() (replication.ReplicaTarget, error)) *cobra.Command {
	var at, to string
	var all, checkSchema bool
	cmd := &cobra.Command{
		Use:   "restore SLUG|platform|--all [--at RFC3339] [--to DIR]",
		Short: "Restore a tenant, the control plane or a whole data directory from the replicas, optionally at a point in time",
		Long: `Restore from the replicas (--replica), at --at (RFC3339) or the latest position.
  restore SLUG [--to DIR]      a tenant: in place (suspend it first) or into DIR/data.db
  restore platform --to DIR    the control plane into DIR/data.db (DIR must not exist;
                               on failure nothing is left at DIR)
  restore --all [--to DIR]     a whole data directory (default --dir): the control plane,
                               then every tenant it lists, restored into a temporary
                               directory and renamed into place once complete. DIR must not
                               exist or hold no database (an empty volume). With
                               --check-schema, refused when this binary cannot read a
                               restored database (a rollback after a newer migration).
Every restored database passes SQLite's full integrity check.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if all == (len(a) == 1) {
				return usageError{errors.New("give a tenant SLUG, platform, or --all")}
			}
			t, err := target()
			if err != nil {
				return err
			}
			var when time.Time
			if at != "" {
				if when, err = time.Parse(time.RFC3339, at); err != nil {
					return usageError{fmt.Errorf("--at must be RFC3339 (2026-11-29T14:05:00Z): %w", err)}
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
			defer cancel()
			switch {
			case all:
				dir := to
				if dir == "" {
					dir = g.Dir
				}
				var check func(string) error
				if checkSchema {
					check = func(tmp string) error {
						problems, err := tenants.CheckSchema(tmp)
						if err != nil || len(problems) == 0 {
							return err
						}
						lines := []string{"restore refused: the replicas hold databases migrated by a newer release this binary cannot read (expand/contract rule, docs/deployment.md): roll forward instead"}
						for _, p := range problems {
							lines = append(lines, p.String())
						}
						return unhealthyError{lines}
					}
				}
				res, err := replication.RestoreAll(ctx, t, dir, when, check)
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Répertoire restauré : %s — plateforme et %d client(s) en %d ms / restored the platform and %d tenant(s)\n",
					res.Dir, len(res.Tenants), res.MS, len(res.Tenants))
				if len(res.Deleted) > 0 {
					fmt.Printf("Clients supprimés, non restaurés / deleted tenants, not restored: %s\n", strings.Join(res.Deleted, ", "))
				}
				return nil
			case a[0] == replication.PlatformDB:
				// the control plane itself (a lost volume, a new shard):
				// no registry to open, only a copy to write
				if to == "" {
					return usageError{errors.New("backup restore platform needs --to DIR (or use --all to restore a whole data directory)")}
				}
				res, err := replication.RestorePlatform(ctx, t, to, when)
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Plateforme restaurée : %s (%d octets)\n", res.Path, res.Bytes)
				return nil
			}
			return withRegistry(g, func(reg *tenants.Registry) error {
				res, err := replication.RestoreTenant(ctx, reg, t, a[0], when, to, "cli")
				if err != nil {
					return err
				}
				if g.JSON {
					return printJSON(os.Stdout, res)
				}
				fmt.Printf("Client %q restauré : %s (%d octets)\n", a[0], res.Path, res.Bytes)
				if res.Previous != "" {
					fmt.Printf("Ancienne base conservée : %s\nReprenez le client : fieldops tenant resume %s\n", res.Previous, a[0])
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "point in time (RFC3339); latest when empty")
	cmd.Flags().StringVar(&to, "to", "", "restore into DIR instead of in place")
	cmd.Flags().BoolVar(&all, "all", false, "restore a whole data directory: the platform, then every tenant it lists")
	cmd.Flags().BoolVar(&checkSchema, "check-schema", false, "with --all: refuse (nothing renamed into place) when this binary cannot read a restored database (schema check)")
	return cmd
}

// newBackupVerifySyncCmd is `fieldops backup verify-sync`: the final-sync
// check of a stopped data directory before its replicas replace it.
func newBackupVerifySyncCmd(g *globals, target func() (replication.ReplicaTarget, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "verify-sync [--json]",
		Short: "Check that every database of a stopped data directory is entirely in its replica (exit 1 with the lagging ones)",
		Long: `For the platform and every tenant under --dir: the local Litestream position equals the
replica's, and the file has not changed since the replication process's last final sync.
Run it once serve and the replication process have stopped (a blue/green colour scaled to 0):
exit 0 when the replicas hold everything, 1 with the lagging databases otherwise.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := target()
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			if _, err := replication.NewControlClient(replication.ControlSocket(g.Dir)).Status(ctx); err == nil {
				return unhealthyError{[]string{"a replication process still runs for " + g.Dir + ": stop it (and the server) first"}}
			}
			rep, err := replication.VerifySync(ctx, g.Dir, t)
			if err != nil {
				return err
			}
			if g.JSON {
				if err := printJSON(os.Stdout, rep); err != nil {
					return err
				}
			} else {
				for _, d := range rep.DBs {
					state := "ok"
					if !d.Synced {
						state = "EN RETARD / LAGGING: " + d.Problem
					}
					fmt.Printf("%-24s local %-8d réplica %-8d %s\n", d.DB, d.LocalTXID, d.ReplicaTXID, state)
				}
				fmt.Printf("%d client(s) / tenant(s)\n", rep.Tenants)
			}
			if len(rep.Lagging) > 0 {
				var problems []string
				for _, d := range rep.DBs {
					if !d.Synced {
						problems = append(problems, d.DB+": "+d.Problem)
					}
				}
				return unhealthyError{problems}
			}
			return nil
		},
	}
}
