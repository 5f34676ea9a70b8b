package replication_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/tenants/replication"
)

// TestSupervisorAttachesToExternalReplicator runs the replicator as its
// own process (as a Kubernetes sidecar or a systemd unit would) and
// checks that an External supervisor uses it instead of spawning one.
func TestSupervisorAttachesToExternalReplicator(t *testing.T) {
	dir := t.TempDir()
	replica := "file:" + filepath.Join(t.TempDir(), "replica")
	sidecar := replication.NewSupervisor(replication.SupervisorConfig{Dir: dir, Replica: replica, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Command: childCommand(dir, replica), Poll: 200 * time.Millisecond})
	sidecar.Start()
	defer sidecar.Stop(context.Background())
	waitUp(t, sidecar)

	ext := replication.NewSupervisor(replication.SupervisorConfig{Dir: dir, Replica: replica, External: true, Poll: 200 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ext.Start()
	waitUp(t, ext)
	if ext.PID() != 0 {
		t.Errorf("external supervisor spawned a child (pid %d)", ext.PID())
	}
	if err := ext.Ready(context.Background()); err != nil {
		t.Errorf("ready: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ext.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !sidecar.Up() {
		t.Error("stopping the attached supervisor stopped the external replicator")
	}
}

func waitUp(t *testing.T, s *replication.Supervisor) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !s.Up() {
		if time.Now().After(deadline) {
			t.Fatal("replicator did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
