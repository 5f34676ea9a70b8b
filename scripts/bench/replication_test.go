//go:build chaos

// Replication benchmark: write throughput and worst write stall through
// the REST API with replication attached (serve --replica file:…) vs
// detached (--replica off), side by side in one run. Rounds alternate the
// order (detached first, then attached first) so that a drift of the
// machine's speed during the run does not favour one side; the verdict
// uses the median of the per-round ratios, and the CPU time spent per
// write (server + replication child) is printed next to it.
//
//	BENCH_SECONDS=10 BENCH_ROUNDS=4 go test -tags chaos,no_default_driver -run TestReplicationOverhead -v ./scripts/bench/
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/scripts/chaos"
)

type benchRun struct {
	writes int
	dur    time.Duration
	worst  time.Duration
	cpu    time.Duration // server + replication child
}

func (r benchRun) rate() float64 { return float64(r.writes) / r.dur.Seconds() }

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestReplicationOverhead(t *testing.T) {
	work := t.TempDir()
	bin := chaos.Build(t, work)
	d := time.Duration(envInt("BENCH_SECONDS", 10)) * time.Second
	rounds := envInt("BENCH_ROUNDS", 4)

	run := func(name string, attached bool) benchRun {
		dir := filepath.Join(work, name)
		chaos.Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", "admin@acme.test", "--admin-password", "bench-password-1", "--dir", dir)
		replica := "off"
		if attached {
			replica = "file:" + filepath.Join(work, name+"-replica")
		}
		srv := chaos.Serve(t, bin, dir, "--replica", replica)
		c := chaos.Login(t, srv.Addr, "acme.localhost", "admin@acme.test", "bench-password-1")
		time.Sleep(2 * time.Second)
		before := processCPU(srv.Cmd.Process.Pid)
		for _, pid := range srv.Children() {
			before += processCPU(pid)
		}
		r := chaos.Load(c, name, 4, d, nil)
		after := processCPU(srv.Cmd.Process.Pid)
		for _, pid := range srv.Children() {
			after += processCPU(pid)
		}
		_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait(30 * time.Second)
		if r.Failed > 0 {
			t.Errorf("%s: %d writes failed", name, r.Failed)
		}
		return benchRun{writes: len(r.Acked), dur: r.Duration, worst: r.Worst, cpu: after - before}
	}

	var ratios []float64
	var det, att benchRun
	for round := 0; round < rounds; round++ {
		res := map[bool]benchRun{}
		order := []bool{false, true}
		if round%2 == 1 {
			order = []bool{true, false}
		}
		for _, attached := range order {
			name := fmt.Sprintf("detached-%d", round)
			if attached {
				name = fmt.Sprintf("attached-%d", round)
			}
			r := run(name, attached)
			res[attached] = r
			t.Logf("round %d %-8s %6d writes in %s = %7.1f writes/s, worst write %s, CPU %.2f ms/write", round, name[:8], r.writes, r.dur.Round(time.Millisecond),
				r.rate(), r.worst.Round(time.Millisecond), float64(r.cpu.Microseconds())/1000/float64(max(r.writes, 1)))
		}
		ratios = append(ratios, res[true].rate()/res[false].rate())
		for p, r := range map[*benchRun]benchRun{&det: res[false], &att: res[true]} {
			p.writes += r.writes
			p.dur += r.dur
			p.cpu += r.cpu
			p.worst = max(p.worst, r.worst)
		}
	}
	slices.Sort(ratios)
	median := ratios[len(ratios)/2]
	if len(ratios)%2 == 0 {
		median = (ratios[len(ratios)/2-1] + ratios[len(ratios)/2]) / 2
	}
	cpuPer := func(r benchRun) float64 { return float64(r.cpu.Microseconds()) / 1000 / float64(max(r.writes, 1)) }
	t.Logf("detached %.1f writes/s (worst %s, CPU %.2f ms/write), attached %.1f writes/s (worst %s, CPU %.2f ms/write)",
		det.rate(), det.worst.Round(time.Millisecond), cpuPer(det), att.rate(), att.worst.Round(time.Millisecond), cpuPer(att))
	t.Logf("throughput ratio attached/detached: median of %d rounds %.3f (rounds %.3f), overall %.3f", rounds, median, ratios, att.rate()/det.rate())
	if median < 0.95 || att.worst > 250*time.Millisecond {
		t.Errorf("targets missed: ratio %.3f (≥ 0.95), worst stall %s (< 250 ms)", median, att.worst)
	}
}

// processCPU is the user + system CPU time of a live process.
func processCPU(pid int) time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// fields after the command name (which may contain spaces)
	i := len(data) - 1
	for i > 0 && data[i] != ')' {
		i--
	}
	var f []string
	start := -1
	for j := i + 2; j <= len(data); j++ {
		if j == len(data) || data[j] == ' ' {
			if start >= 0 {
				f = append(f, string(data[start:j]))
				start = -1
			}
			continue
		}
		if start < 0 {
			start = j
		}
	}
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}
