package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenants/tracing"
)

func newReplicateCmd(g *globals) *cobra.Command {
	var replica string
	var parentPID int
	var opts replicateOpts
	var logLevel string
	cmd := &cobra.Command{
		Use:   "replicate [--dir ./pb_data] [--replica file:DIR|s3://bucket/prefix]",
		Short: "Replicate the platform and tenant databases (the child process of serve; also runnable alone)",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			target, err := replication.ParseReplicaTarget(replica)
			if err != nil {
				return usageError{err}
			}
			if !target.Enabled() {
				return usageError{errReplicaOff}
			}
			if err := opts.check(); err != nil {
				return err
			}
			if err := replication.SetPlatformReplicaPath(opts.PlatformPath); err != nil {
				return usageError{err}
			}
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usageError{fmt.Errorf("--log-level must be debug, info, warn or error, not %q", logLevel)}
			}
			// the schema rule: a sidecar or unit of an older release does not
			// start on a control plane a newer one migrated (serve refuses it too)
			if err := tenants.RefuseNewerPlatform(g.Dir); err != nil {
				return err
			}
			logger := slog.New(tracing.LogHandler(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))).With("process", "replicate")
			rp, err := replication.NewReplicator(replication.ReplicatorConfig{Dir: g.Dir, Target: target, Logger: logger, ParentPID: parentPID,
				Retention: opts.Retention, SnapshotEvery: opts.SnapshotEvery, DrillEvery: opts.DrillEvery, AllowReplace: opts.AllowReplace})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return rp.Run(ctx)
		},
	}
	cmd.Flags().StringVar(&replica, "replica", "off", "replica target: file:DIR or s3://bucket/prefix?endpoint=…")
	opts.bind(cmd)
	cmd.Flags().StringVar(&opts.PlatformPath, "platform-replica-path", "", "replica sub-path of this data directory's control-plane database (default platform; a scale-out shard's own copy: shards/<id>/platform)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug (Litestream's sync decisions), info, warn or error")
	cmd.Flags().IntVar(&parentPID, "parent-pid", 0, "exit (after a final sync) when this parent process is gone")
	_ = cmd.Flags().MarkHidden("parent-pid")
	return cmd
}

// replicateOpts are the replication policy flags of `replicate`, also
// accepted by `serve`, which passes them to its replication child.
type replicateOpts struct {
	Retention     time.Duration
	SnapshotEvery time.Duration
	DrillEvery    time.Duration
	AllowReplace  []string
	// PlatformPath is where this process's control-plane database goes in
	// the replica ("platform"; a shard's own copy goes apart, see
	// replication.SetPlatformReplicaPath). Set by serve, not a serve flag.
	PlatformPath string
}

func (o *replicateOpts) bind(cmd *cobra.Command) {
	f := cmd.Flags()
	f.DurationVar(&o.Retention, "retention", 30*24*time.Hour, "keep snapshots (point-in-time restore window) this long; Litestream deletes older ones")
	f.DurationVar(&o.SnapshotEvery, "snapshot-every", 24*time.Hour, "every database, open or not, gets a fresh snapshot at least this often")
	f.DurationVar(&o.DrillEvery, "drill-every", 24*time.Hour, "restore every database's latest replica into a scratch dir and check it at least this often (in turn)")
	f.StringSliceVar(&o.AllowReplace, "allow-replace-replica", nil, "let these databases (tenant slugs or platform) take over a replica they are behind of or unrelated to")
}

// args returns the flags as `replicate` arguments (the child of serve).
func (o *replicateOpts) args() []string {
	if o.Retention == 0 {
		return nil
	}
	out := []string{"--retention", o.Retention.String(), "--snapshot-every", o.SnapshotEvery.String(), "--drill-every", o.DrillEvery.String()}
	if len(o.AllowReplace) > 0 {
		out = append(out, "--allow-replace-replica", strings.Join(o.AllowReplace, ","))
	}
	if o.PlatformPath != "" {
		out = append(out, "--platform-replica-path", o.PlatformPath)
	}
	return out
}

// check refuses periods that would make replicas unrestorable or the
// replicator spin.
func (o *replicateOpts) check() error {
	switch {
	case o.Retention == 0 && o.SnapshotEvery == 0 && o.DrillEvery == 0:
		return nil // not bound (demo)
	case o.SnapshotEvery < time.Minute:
		return usageError{fmt.Errorf("--snapshot-every must be at least 1m, not %s", o.SnapshotEvery)}
	case o.Retention < o.SnapshotEvery:
		return usageError{fmt.Errorf("--retention (%s) must be at least --snapshot-every (%s): older snapshots are deleted only once a newer one exists", o.Retention, o.SnapshotEvery)}
	case o.DrillEvery != 0 && o.DrillEvery < time.Minute:
		return usageError{fmt.Errorf("--drill-every must be at least 1m, not %s", o.DrillEvery)}
	}
	return nil
}
