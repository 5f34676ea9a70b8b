//go:build chaos && chaosinfra

package chaos

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// fill writes a file on mnt until the file system refuses (ENOSPC), in
// 1 MiB then 4 KiB blocks, and returns its size.
func fill(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var n int64
	for _, size := range []int{1 << 20, 4096} {
		buf := make([]byte, size)
		for {
			w, err := f.Write(buf)
			n += int64(w)
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}
	return n
}

// TestInfraDiskFull: the data directory on a 256 MiB ext4 volume, filled
// to the last block under the write load for 6 s, then the filler
// deleted. Users get errors while it is full, no acknowledged write is
// lost, the server does not panic and serves writes again without a
// restart; the database passes integrity_check, the audit chain verifies
// and the replica (on another volume) holds every acknowledged write.
func TestInfraDiskFull(t *testing.T) {
	work := t.TempDir()
	bin := Build(t, work)
	mnt, _ := loopVolume(t, work, 256)
	dir, replica, logs := filepath.Join(mnt, "pb_data"), "file:"+filepath.Join(work, "replica"), filepath.Join(work, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", trustPassword, "--dir", dir)
	srv := ServeWith(t, ServeOpts{LogDir: logs}, bin, dir, "--replica", replica)
	users, site := crew(t, srv, 4)

	stop := make(chan struct{})
	done := make(chan *measured)
	go func() { done <- measuredLoad(users, site, "full", stop) }()
	time.Sleep(3 * time.Second)
	filler := filepath.Join(mnt, "filler")
	full := time.Now()
	filled := fill(t, filler)
	time.Sleep(3 * time.Second)
	readyFull := readyz(srv.Addr)
	time.Sleep(3 * time.Second)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	readyBack := time.Duration(-1)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if readyz(srv.Addr) == 200 {
			readyBack = time.Since(freed)
			break
		}
	}
	time.Sleep(5 * time.Second)
	close(stop)
	m := <-done

	before, during, after := m.window(time.Time{}, full, time.Time{}), m.window(full, freed, time.Time{}), m.window(freed, time.Time{}, freed)
	t.Logf("disk full: filler %d MiB; /readyz while full %d, back to 200 %s after space returned", filled>>20, readyFull, readyBack.Round(time.Millisecond))
	t.Logf("  before (3 s): %s", before)
	t.Logf("  full (6 s):   %s", during)
	during.logSamples(t)
	t.Logf("  after (5 s):  %s", after)
	after.logSamples(t)
	if srv.Wait(0) == nil || !Alive(srv.Cmd.Process.Pid) {
		t.Fatal("the server exited while the disk was full")
	}
	if !after.recovered || after.acked == 0 {
		t.Fatal("no write acknowledged after space returned (without restart)")
	}
	if during.errors["no answer"] > 0 {
		t.Errorf("%d writes got no answer while the disk was full", during.errors["no answer"])
	}
	for status := range during.errors {
		if status == "500" {
			t.Logf("NB: %d writes answered 500 while full (see the first answer above)", during.errors[status])
		}
	}
	caught := time.Now()
	waitReplicated(t, bin, dir, "acme", 60*time.Second)
	t.Logf("  replica in sync %s after the load ended", time.Since(caught).Round(time.Millisecond))
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Errorf("graceful stop after the disk was full: %v", err)
	}
	noPanic(t, logs)
	lost := lostWrites(t, bin, dir, m.acked)
	inReplica := restoredLost(t, bin, dir, work, replica, m.acked)
	t.Logf("disk full: %d acknowledged, %d lost in the database, %d lost in the replica", len(m.acked), len(lost), len(inReplica))
	if len(lost) > 0 || len(inReplica) > 0 {
		t.Fatalf("acknowledged writes lost: database %v, replica %v", lost, inReplica)
	}
}
