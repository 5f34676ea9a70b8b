package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

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

	var maxLag time.Duration
	var alive, receiving bool
	status := &cobra.Command{
		Use:   "status [--json] [--max-lag 60s] [--alive|--receiving]",
		Short: "Per database: replica position, lag, last sync, snapshot, errors, last restore drill; exit 1 when unhealthy",
		Long: `Per database: replica position, lag, last sync, last snapshot, errors, refusal and last restore drill.
Exit code 0 only when healthy: a replication process (the child of serve or a standalone
"fieldops replicate") answers for this data directory, has brought every database up to
date, and no database is refused, in error, behind by more than --max-lag, or failed its
last restore drill. Otherwise the status is printed with its problems and the exit code is 1.
With --alive: exit 0 when a replication process answers at all (liveness probe).
With --receiving: exit 1 only when a replica is not receiving data — refused, or behind
for more than --max-lag — (readiness probe: a failed drill alerts, it does not stop serving).`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			socket := replication.ControlSocket(g.Dir)
			st, err := replication.NewControlClient(socket).Status(ctx)
			if err != nil && alive {
				return unhealthyError{[]string{"no replication process answers on " + socket + ": " + err.Error()}}
			}
			if err == nil && alive {
				return nil
			}
			var problems []string
			if err != nil { // no replication process: read the replica, if given
				problems = append(problems, "no replication process answers on "+socket+": "+err.Error())
				st = &replication.Status{Source: "none", Replica: replica, DBs: []replication.DBStatus{}}
				if t, terr := replication.ParseReplicaTarget(replica); terr == nil && t.Enabled() {
					if rst, rerr := replication.ReplicaStatus(ctx, g.Dir, t); rerr == nil {
						st = rst
					} else {
						problems = append(problems, "replica: "+rerr.Error())
					}
				}
				st.Ready = false
			}
			switch {
			case st.Source == "child" && receiving:
				problems = append(problems, st.NotReceiving(maxLag)...)
			case st.Source == "child":
				problems = append(problems, st.Check(maxLag)...)
			default:
				st.Ready = true // Check's "not up to date" says nothing more here
				problems = append(problems, st.Check(maxLag)...)
				st.Ready = false
			}
			st.Problems = problems
			st.Healthy = len(problems) == 0
			if g.JSON {
				if err := printJSON(os.Stdout, st); err != nil {
					return err
				}
			} else {
				printStatus(st)
			}
			if len(problems) > 0 {
				return unhealthyError{problems}
			}
			return nil
		},
	}
	status.Flags().DurationVar(&maxLag, "max-lag", time.Minute, "a replica behind for longer than this is a problem")
	status.Flags().BoolVar(&alive, "alive", false, "only check that a replication process answers (liveness)")
	status.Flags().BoolVar(&receiving, "receiving", false, "only check that every replica receives data (readiness)")

	cmd.AddCommand(status, newBackupRestoreCmd(g, target), newBackupVerifySyncCmd(g, target))
	return cmd
}

// printStatus prints `backup status` as a table (French first, the
// operator's language on site).
func printStatus(st *replication.Status) {
	fmt.Printf("Réplica %s (source : %s)\n", st.Replica, st.Source)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BASE\tSUIVIE\tTX LOCALE\tTX RÉPLICA\tRETARD\tDERNIÈRE SYNC\tINSTANTANÉ\tERREURS\tDERNIER EXERCICE\tERREUR")
	for _, d := range st.DBs {
		last, snap, drill := "—", "—", "—"
		if d.LastSync != nil {
			last = d.LastSync.Local().Format(time.DateTime)
		}
		if d.LastSnapshot != nil {
			snap = d.LastSnapshot.Local().Format(time.DateTime)
		}
		if d.Drill != nil {
			drill = d.Drill.At.Local().Format(time.DateTime) + map[bool]string{true: " ok", false: " ÉCHEC"}[d.Drill.OK]
		}
		msg := d.LastError
		if d.Conflict != "" {
			msg = "REFUSÉE : " + d.Conflict
		}
		fmt.Fprintf(tw, "%s\t%v\t%d\t%d\t%.0f s\t%s\t%s\t%d\t%s\t%s\n", d.DB, d.Active, d.LocalTXID, d.ReplicaTXID, d.LagSeconds, last, snap, d.Errors, drill, msg)
	}
	_ = tw.Flush()
	if len(st.Problems) == 0 {
		fmt.Println("État : sain / healthy")
		return
	}
	fmt.Println("Problèmes / problems:")
	for _, p := range st.Problems {
		fmt.Println("  -", p)
	}
}
