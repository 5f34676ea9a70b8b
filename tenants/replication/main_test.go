package replication_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants/replication"
)

// TestMain lets the test binary act as `fieldops replicate` (the
// replication child must be a separate process: see DESIGN.md §2).
func TestMain(m *testing.M) {
	if os.Getenv("FIELDOPS_TEST_CHILD") == "replicate" {
		os.Exit(runTestReplicator())
	}
	os.Exit(m.Run())
}

func runTestReplicator() int {
	target, err := replication.ParseReplicaTarget(os.Getenv("FIELDOPS_TEST_REPLICA"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ppid, _ := strconv.Atoi(os.Getenv("FIELDOPS_TEST_PARENT"))
	var w io.Writer = io.Discard
	if os.Getenv("FIELDOPS_TEST_CHILD_LOG") != "" {
		w = os.Stderr
	}
	cfg := replication.ReplicatorConfig{
		Dir: os.Getenv("FIELDOPS_TEST_DIR"), Target: target, ParentPID: ppid, Linger: 2e9, ScanInterval: 5e8,
		Logger: slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if s := os.Getenv("FIELDOPS_TEST_ALLOW_REPLACE"); s != "" {
		cfg.AllowReplace = strings.Split(s, ",")
	}
	for env, d := range map[string]*time.Duration{
		"FIELDOPS_TEST_RETENTION": &cfg.Retention, "FIELDOPS_TEST_SNAPSHOT_EVERY": &cfg.SnapshotEvery,
		"FIELDOPS_TEST_MAINTAIN_EVERY": &cfg.MaintainEvery, "FIELDOPS_TEST_DRILL_EVERY": &cfg.DrillEvery,
		"FIELDOPS_TEST_CONFLICT_RECHECK": &cfg.ConflictRecheck,
	} {
		if s := os.Getenv(env); s != "" {
			v, err := time.ParseDuration(s)
			if err != nil {
				fmt.Fprintln(os.Stderr, env, err)
				return 2
			}
			*d = v
		}
	}
	rp, err := replication.NewReplicator(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rp.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childCommand builds the command re-executing this test binary as the
// replication child.
func childCommand(dir, replica string, extraEnv ...string) func() *exec.Cmd {
	return func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "FIELDOPS_TEST_CHILD=replicate", "FIELDOPS_TEST_DIR="+dir,
			"FIELDOPS_TEST_REPLICA="+replica, "FIELDOPS_TEST_PARENT="+strconv.Itoa(os.Getpid()))
		cmd.Env = append(cmd.Env, extraEnv...)
		return cmd
	}
}
