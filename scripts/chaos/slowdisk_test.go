//go:build chaos && chaosinfra

package chaos

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// blkioGroup is a cgroup-v1 blkio group; the server started in it (and
// its replication child) has its I/O to the volume throttled by the
// kernel's block layer.
type blkioGroup struct{ path, dev string }

// newBlkioGroup creates the group for the block device dev (major:minor).
func newBlkioGroup(t *testing.T, dev string) *blkioGroup {
	t.Helper()
	root := "/sys/fs/cgroup/blkio"
	if _, err := os.Stat(filepath.Join(root, "blkio.throttle.write_iops_device")); err != nil {
		t.Fatalf("no cgroup-v1 blkio throttling on this machine (%v): the slow disk needs it or dm-delay", err)
	}
	g := &blkioGroup{path: filepath.Join(root, fmt.Sprintf("fieldops-chaos-%d", os.Getpid())), dev: sh(t, "lsblk", "-dno", "MAJ:MIN", dev)}
	if err := os.Mkdir(g.path, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // after the server's cleanup: the group is empty
		for i := 0; i < 50 && os.Remove(g.path) != nil; i++ {
			time.Sleep(200 * time.Millisecond)
		}
	})
	return g
}

// wrap is the command prefix that starts a process in the group.
func (g *blkioGroup) wrap() []string {
	return []string{"sh", "-c", `echo $$ > "$0/cgroup.procs" && exec "$@"`, g.path}
}

// limit sets the group's write limits on the device (0, 0: none).
func (g *blkioGroup) limit(t *testing.T, iops, bps int) {
	t.Helper()
	for file, v := range map[string]int{"blkio.throttle.write_iops_device": iops, "blkio.throttle.write_bps_device": bps} {
		if err := os.WriteFile(filepath.Join(g.path, file), []byte(fmt.Sprintf("%s %d", g.dev, v)), 0o644); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
}

// writes returns the write I/Os the group submitted to the device.
func (g *blkioGroup) writes(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(g.path, "blkio.throttle.io_serviced"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == g.dev && f[1] == "Write" {
			return f[2]
		}
	}
	return "0"
}

// TestInfraSlowDisk: the data directory on a loop volume whose writes
// the block layer throttles to 2 I/O per second and 128 KiB/s (cgroup
// blkio throttling: no device-mapper in this kernel) for 10 s under the write
// load. The throttle delays what the kernel submits for the server's
// process: its fsyncs (the replication child's WAL flush, checkpoints)
// and direct writes; the page-cache writeback of commits
// (synchronous=NORMAL) is not throttled by cgroup v1. Measured: latency
// p50/p99 and errors per phase, the WAL's size. The throttled replication
// child cannot write its LTX files, so it neither syncs nor checkpoints,
// and the WAL grows with every write: when it fills the volume (it does,
// docs/chaos.md), 128 MiB of old exports on the volume are deleted, as
// the disk-full runbook says, and
// the test requires the writes to recover, none lost, the database
// intact and the replica caught up.
func TestInfraSlowDisk(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	mnt, dev := loopVolume(t, work, 384)
	// old exports on the same volume (the disk-full runbook: "free space now")
	exports := filepath.Join(mnt, "exports.tar")
	sh(t, "fallocate", "-l", "128M", exports)
	g := newBlkioGroup(t, dev)
	dir, replica, logs := filepath.Join(mnt, "pb_data"), "file:"+filepath.Join(work, "replica"), filepath.Join(work, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	srv := ServeWith(t, ServeOpts{Wrap: g.wrap(), LogDir: logs}, bin, dir, "--replica", replica)
	users, site := crew(t, srv, 4)

	stop := make(chan struct{})
	done := make(chan *measured)
	go func() { done <- measuredLoad(users, site, "slow", stop) }()
	time.Sleep(4 * time.Second)
	ioBefore := g.writes(t)
	slowed := time.Now()
	g.limit(t, 2, 128<<10)
	time.Sleep(10 * time.Second)
	ioSlow := g.writes(t)
	st, code := backupStatus(t, bin, dir)
	g.limit(t, 0, 0)
	fast := time.Now()
	time.Sleep(3 * time.Second)
	wal, free := walAndFree(t, dir, mnt)
	grown := fast
	if free < 1<<20 { // the WAL filled the volume: the runbook's "free space now"
		if err := os.Remove(exports); err != nil {
			t.Fatal(err)
		}
		grown = time.Now()
		t.Logf("slow disk: the WAL reached %d MiB and filled the volume; 128 MiB of old exports deleted %s after the throttle was lifted", wal>>20, grown.Sub(fast).Round(time.Millisecond))
	}
	time.Sleep(5 * time.Second)
	close(stop)
	m := <-done
	before, during, after := m.window(time.Time{}, slowed, time.Time{}), m.window(slowed, fast, time.Time{}), m.window(fast, time.Time{}, grown)
	t.Logf("slow disk (2 write IOPS, 128 KiB/s; writes submitted to the device: %s before, %s at the end of the slow phase):", ioBefore, ioSlow)
	t.Logf("  normal (4 s): %s", before)
	t.Logf("  slow (10 s):  %s", during)
	during.logSamples(t)
	if d := st.DB("acme"); d != nil {
		t.Logf("  replication at the end of the slow phase: backup status exit %d, lag %.1f s, errors %d, last error %q", code, d.LagSeconds, d.Errors, d.LastError)
	}
	t.Logf("  normal (8 s): %s (recovery counted from %s)", after, map[bool]string{true: "the exports deleted", false: "the throttle lifted"}[grown != fast])
	after.logSamples(t)
	t.Logf("  WAL %d MiB, %d MiB free 3 s after the throttle was lifted", wal>>20, free>>20)
	if !after.recovered {
		t.Error("writes did not recover after the slow phase")
	}
	if ioSlow == ioBefore {
		t.Error("the server submitted no write to the device while throttled: the throttle measured nothing")
	}
	caught := time.Now()
	waitReplicated(t, bin, dir, "acme", 120*time.Second)
	t.Logf("  replica in sync %s after the load ended", time.Since(caught).Round(time.Millisecond))
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
	noPanic(t, logs)
	lost := lostWrites(t, bin, dir, m.acked)
	inReplica := restoredLost(t, bin, dir, work, replica, m.acked)
	t.Logf("slow disk: %d acknowledged, %d lost in the database, %d lost in the replica", len(m.acked), len(lost), len(inReplica))
	if len(lost) > 0 || len(inReplica) > 0 {
		t.Fatalf("acknowledged writes lost: database %v, replica %v", lost, inReplica)
	}
}

// walAndFree returns the size of the tenant's WAL and the free bytes of
// the volume.
func walAndFree(t *testing.T, dir, mnt string) (wal, free int64) {
	t.Helper()
	if fi, err := os.Stat(filepath.Join(dir, "tenants", "acme", "data.db-wal")); err == nil {
		wal = fi.Size()
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(mnt, &st); err != nil {
		t.Fatal(err)
	}
	return wal, int64(st.Bavail) * st.Bsize
}
