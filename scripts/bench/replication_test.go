//go:build chaos

// Replication benchmark: write throughput and worst write stall through
// the REST API with replication attached (serve --replica file:…) vs
// detached (--replica off), side by side in one run, alternating.
//
//	go test -tags chaos,no_default_driver -run TestReplicationOverhead -v ./scripts/bench/
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/scripts/chaos"
)

func TestReplicationOverhead(t *testing.T) {
	work := t.TempDir()
	bin := chaos.Build(t, work)
	d := 10 * time.Second
	if v, err := strconv.Atoi(os.Getenv("BENCH_SECONDS")); err == nil {
		d = time.Duration(v) * time.Second
	}
	type total struct {
		n     int
		dur   time.Duration
		worst time.Duration
	}
	res := map[string]*total{"detached": {}, "attached": {}}
	for round := 0; round < 2; round++ {
		for _, mode := range []string{"detached", "attached"} {
			dir := filepath.Join(work, fmt.Sprintf("%s-%d", mode, round))
			chaos.Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", "bench-password-1", "--dir", dir)
			replica := "off"
			if mode == "attached" {
				replica = "file:" + filepath.Join(work, "replica-"+strconv.Itoa(round))
			}
			srv := chaos.Serve(t, bin, dir, "--replica", replica)
			c := chaos.Login(t, srv.Addr, "acme.localhost", "admin@acme.test", "bench-password-1")
			time.Sleep(2 * time.Second)
			r := chaos.Load(c, mode, 4, d, nil)
			_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
			_ = srv.Wait(30 * time.Second)
			x := res[mode]
			x.n += len(r.Acked)
			x.dur += r.Duration
			x.worst = max(x.worst, r.Worst)
			t.Logf("round %d %-8s %6d writes in %s = %7.1f writes/s, worst write %s, %d failed", round, mode, len(r.Acked), r.Duration.Round(time.Millisecond),
				float64(len(r.Acked))/r.Duration.Seconds(), r.Worst.Round(time.Millisecond), r.Failed)
		}
	}
	det := float64(res["detached"].n) / res["detached"].dur.Seconds()
	att := float64(res["attached"].n) / res["attached"].dur.Seconds()
	t.Logf("detached %.1f writes/s (worst %s), attached %.1f writes/s (worst %s): ratio %.3f", det, res["detached"].worst.Round(time.Millisecond), att, res["attached"].worst.Round(time.Millisecond), att/det)
	if att/det < 0.95 || res["attached"].worst > 250*time.Millisecond {
		t.Errorf("targets missed: ratio %.3f (≥ 0.95), worst stall %s (< 250 ms)", att/det, res["attached"].worst)
	}
}
