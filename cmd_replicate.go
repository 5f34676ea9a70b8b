package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/tenants/replication"
)

func newReplicateCmd(g *globals) *cobra.Command {
	var replica string
	var parentPID int
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
			logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("process", "replicate")
			rp, err := replication.NewReplicator(replication.ReplicatorConfig{Dir: g.Dir, Target: target, Logger: logger, ParentPID: parentPID})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return rp.Run(ctx)
		},
	}
	cmd.Flags().StringVar(&replica, "replica", "off", "replica target: file:DIR or s3://bucket/prefix?endpoint=…")
	cmd.Flags().IntVar(&parentPID, "parent-pid", 0, "exit (after a final sync) when this parent process is gone")
	_ = cmd.Flags().MarkHidden("parent-pid")
	return cmd
}
