package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/replication"
)

var errReplicaOff = errors.New("--replica is off: give --replica file:DIR or s3://bucket/prefix (or FIELDOPS_REPLICA)")

func newBackupCmd(g *globals) *cobra.Command {
	var replica string
	cmd := &cobra.Command{Use: "backup", Short: "Replication status and point-in-time restore", Args: args(cobra.NoArgs)}
	cmd.PersistentFlags().StringVar(&replica, "replica", "off", "replica target: file:DIR or s3://bucket/prefix?endpoint=…")
	target := func() (replication.ReplicaTarget, error) {
		t, err := replication.ParseReplicaTarget(replica)
		if err != nil {
			return t, usageError{err}
		}
		if !t.Enabled() {
			return t, usageError{errReplicaOff}
		}
		return t, nil
	}

	status := &cobra.Command{
		Use:   "status [--json]",
		Short: "Per database: replica position, lag, last sync, errors, last restore drill",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			st, err := replication.NewControlClient(replication.ControlSocket(g.Dir)).Status(ctx)
			if err != nil { // no replication child running: read the replica
				t, terr := target()
				if terr != nil {
					return terr
				}
				if st, err = replication.ReplicaStatus(ctx, g.Dir, t); err != nil {
					return err
				}
			}
			if g.JSON {
				return printJSON(os.Stdout, st)
			}
			fmt.Printf("Réplica %s (source : %s)\n", st.Replica, st.Source)
			tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "BASE\tSUIVIE\tTX LOCALE\tTX RÉPLICA\tRETARD\tDERNIÈRE SYNC\tERREURS\tDERNIER EXERCICE\tERREUR")
			for _, d := range st.DBs {
				last, drill := "—", "—"
				if d.LastSync != nil {
					last = d.LastSync.Local().Format(time.DateTime)
				}
				if d.Drill != nil {
					drill = d.Drill.At.Local().Format(time.DateTime) + map[bool]string{true: " ok", false: " ÉCHEC"}[d.Drill.OK]
				}
				fmt.Fprintf(tw, "%s\t%v\t%d\t%d\t%.0f s\t%s\t%d\t%s\t%s\n", d.DB, d.Active, d.LocalTXID, d.ReplicaTXID, d.LagSeconds, last, d.Errors, drill, d.LastError)
			}
			return tw.Flush()
		},
	}

	var at, to string
	restore := &cobra.Command{
		Use:   "restore SLUG [--at RFC3339] [--to DIR]",
		Short: "Restore a tenant from its replica (in place: suspend it first), optionally at a point in time",
		Args:  args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
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
			return withRegistry(g, func(reg *tenants.Registry) error {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
				defer cancel()
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
	restore.Flags().StringVar(&at, "at", "", "point in time (RFC3339); latest when empty")
	restore.Flags().StringVar(&to, "to", "", "restore into DIR/data.db instead of in place")
	cmd.AddCommand(status, restore)
	return cmd
}
