//go:build chaos

// Replication benchmark on the product's own write path: the real binary
// serving one tenant created by the CLI, with replication attached
// (serve --replica file:…) vs detached (--replica off), side by side in
// one run. Eight writers, each a tenant user (crew members and site leads
// signed in through the login form, as the pages and the crew app do),
// alternate REST creates of incidents (API rules and audit hooks) and
// 1-operation batches of the crew app's sync endpoint (idempotency
// ledger, audit hooks). Rounds alternate the order (detached first, then
// attached first) so that a drift of the machine's speed during the run
// does not favour one side; the verdict uses the median of the per-round
// ratios. Every answer but a 200 (and a sync result but 200) is counted by
// status and body, and the server's log is searched for "database is
// locked" (a 500 answers a generic message).
//
// BENCH_DIR keeps the data directories and server logs there.
//
//	BENCH_SECONDS=10 BENCH_ROUNDS=4 go test -tags chaos,no_default_driver -run TestReplicationOverhead -v ./scripts/bench/
package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/scripts/chaos"
)

// Targets of issue #13 (docs/performance.md).
const (
	minRatio = 0.9
	maxStall = 250 * time.Millisecond
	writers  = 8
	password = "bench-password-1"
	locked   = "database is locked"
)

// sideRun is the outcome of one or more runs of one side.
type sideRun struct {
	writes   int
	dur      time.Duration
	lats     []time.Duration // every request, failed ones included
	restLats []time.Duration
	syncLats []time.Duration
	failures map[string]int // "REST 400 {…}" → count
	lockedIn int            // server log lines reporting "database is locked"
	lockedAt string         // the first of them
	cpu      time.Duration  // server + replication child
	childCPU time.Duration  // replication child
}

func (r sideRun) rate() float64 { return float64(r.writes) / r.dur.Seconds() }

func (r sideRun) failed() int {
	n := 0
	for _, c := range r.failures {
		n += c
	}
	return n
}

func (r sideRun) cpuPerWrite(cpu time.Duration) float64 {
	return float64(cpu.Microseconds()) / 1000 / float64(max(r.writes, 1))
}

func (r *sideRun) add(o sideRun) {
	r.writes += o.writes
	r.dur += o.dur
	r.lats = append(r.lats, o.lats...)
	r.restLats = append(r.restLats, o.restLats...)
	r.syncLats = append(r.syncLats, o.syncLats...)
	if r.failures == nil {
		r.failures = map[string]int{}
	}
	for k, v := range o.failures {
		r.failures[k] += v
	}
	r.lockedIn += o.lockedIn
	if r.lockedAt == "" {
		r.lockedAt = o.lockedAt
	}
	r.cpu += o.cpu
	r.childCPU += o.childCPU
}

// quantile returns the q-quantile of lats (sorted in place).
func quantile(lats []time.Duration, q float64) time.Duration {
	if len(lats) == 0 {
		return 0
	}
	slices.Sort(lats)
	return lats[min(len(lats)-1, int(q*float64(len(lats))))]
}

func worst(lats []time.Duration) time.Duration {
	if len(lats) == 0 {
		return 0
	}
	return slices.Max(lats)
}

func (r sideRun) summary() string {
	ms := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("%7.1f writes/s, p50 %s, p99 %s (REST %s, sync %s), worst %s, %d failed, %d locked in log, CPU %.2f ms/write (child %.2f)",
		r.rate(), ms(quantile(r.lats, 0.5)), ms(quantile(r.lats, 0.99)), ms(quantile(r.restLats, 0.99)), ms(quantile(r.syncLats, 0.99)),
		ms(worst(r.lats)), r.failed(), r.lockedIn, r.cpuPerWrite(r.cpu), r.cpuPerWrite(r.childCPU))
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestReplicationOverhead(t *testing.T) {
	work := t.TempDir()
	if keep := os.Getenv("BENCH_DIR"); keep != "" { // kept for a look at the logs and databases
		work = keep
	}
	bin := chaos.Build(t, work)
	d := time.Duration(envInt("BENCH_SECONDS", 10)) * time.Second
	rounds := envInt("BENCH_ROUNDS", 4)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Logf("load before the run: %s", strings.TrimSpace(string(load)))
	}

	var ratios []float64
	var det, att sideRun
	for round := 0; round < rounds; round++ {
		res := map[bool]sideRun{}
		order := []bool{false, true}
		if round%2 == 1 {
			order = []bool{true, false}
		}
		for _, attached := range order {
			name := fmt.Sprintf("detached-%d", round)
			if attached {
				name = fmt.Sprintf("attached-%d", round)
			}
			r := runSide(t, bin, filepath.Join(work, name), attached, d)
			res[attached] = r
			t.Logf("round %d %s %6d writes in %s: %s", round, name[:8], r.writes, r.dur.Round(time.Millisecond), r.summary())
		}
		ratios = append(ratios, res[true].rate()/res[false].rate())
		det.add(res[false])
		att.add(res[true])
	}
	slices.Sort(ratios)
	median := ratios[len(ratios)/2]
	if len(ratios)%2 == 0 {
		median = (ratios[len(ratios)/2-1] + ratios[len(ratios)/2]) / 2
	}
	t.Logf("detached: %s", det.summary())
	t.Logf("attached: %s", att.summary())
	t.Logf("throughput ratio attached/detached: median of %d rounds %.3f (rounds %.3f), overall %.3f", rounds, median, ratios, att.rate()/det.rate())
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		t.Logf("load after the run: %s", strings.TrimSpace(string(load)))
	}

	var missed []string
	for _, s := range []struct {
		name string
		r    sideRun
	}{{"detached", det}, {"attached", att}} {
		keys := make([]string, 0, len(s.r.failures))
		for k := range s.r.failures {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			t.Logf("%s: %d × %s", s.name, s.r.failures[k], k)
			if strings.Contains(k, locked) {
				missed = append(missed, fmt.Sprintf("%s: %d answers %q", s.name, s.r.failures[k], locked))
			}
		}
		if n := s.r.failed(); n > 0 {
			missed = append(missed, fmt.Sprintf("%s: %d writes failed", s.name, n))
		}
		if s.r.lockedIn > 0 {
			t.Logf("%s: first server log line: %s", s.name, s.r.lockedAt)
			missed = append(missed, fmt.Sprintf("%s: %d requests failed with %q (server log)", s.name, s.r.lockedIn, locked))
		}
	}
	if median < minRatio {
		missed = append(missed, fmt.Sprintf("ratio %.3f < %.2f", median, minRatio))
	}
	if w := worst(att.lats); w >= maxStall {
		missed = append(missed, fmt.Sprintf("attached worst stall %s ≥ %s", w.Round(time.Millisecond), maxStall))
	}
	if len(missed) > 0 {
		t.Errorf("targets missed: %s", strings.Join(missed, "; "))
	}
}

// runSide provisions a tenant in dir with the CLI, serves it (replication
// attached or not), signs in its users and runs the write load for d.
func runSide(t *testing.T, bin, dir string, attached bool, d time.Duration) sideRun {
	t.Helper()
	const host, admin = "acme.localhost", "admin@acme.test"
	chaos.Run(t, bin, "tenant", "create", "acme", "--name", "ACME", "--sector", "btp", "--admin-email", admin, "--admin-password", password, "--dir", dir)
	replica := "off"
	if attached {
		replica = "file:" + dir + "-replica"
	}
	srv := chaos.Serve(t, bin, dir, "--replica", replica)
	boss := chaos.WebLogin(t, srv.Addr, host, admin, password)
	users := make([]*chaos.UserClient, writers)
	team := make([]string, writers)
	for i := range users {
		role := domain.RoleCrew
		if i%2 == 1 {
			role = domain.RoleSiteLead
		}
		email := fmt.Sprintf("writer%d@acme.test", i)
		team[i] = boss.CreateUser(t, email, password, fmt.Sprintf("Writer %d", i), role)
		users[i] = chaos.WebLogin(t, srv.Addr, host, email, password)
	}
	// NB: crews report incidents on the sites of their team only.
	site := boss.MustCreateRecord(t, domain.CollectionSites, map[string]any{"code": "B-1", "name": "Chantier banc d'essai", "sector": "btp", "status": "active", "team": team})
	time.Sleep(2 * time.Second) // the child follows the tenant
	cpu := func() (server, child time.Duration) {
		for _, pid := range srv.Children() {
			child += processCPU(pid)
		}
		return processCPU(srv.Cmd.Process.Pid), child
	}
	server0, child0 := cpu()
	r := writeLoad(users, site, d)
	server1, child1 := cpu()
	r.cpu, r.childCPU = server1-server0+child1-child0, child1-child0
	_ = srv.Cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.Wait(30 * time.Second); err != nil {
		t.Errorf("server stop: %v", err)
	}
	r.lockedIn, r.lockedAt = lockedInLogs(t, dir)
	return r
}

// writeLoad runs the writers until d elapsed: writer w alternates REST
// creates of incidents and 1-operation sync batches (odd writers start
// with a sync batch), waiting for each answer.
func writeLoad(users []*chaos.UserClient, site string, d time.Duration) sideRun {
	var mu sync.Mutex
	res := sideRun{failures: map[string]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for w, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w % 2; time.Now().Before(end); i++ {
				fields := map[string]any{"site": site, "kind": "safety", "severity": "low",
					"description": fmt.Sprintf("incident %d de l'écrivain %d", i, w)}
				t0 := time.Now()
				var fail string
				rest := i%2 == 0
				if rest {
					fail = answerFailure("REST", u.CreateRecord(domain.CollectionIncidents, fields))
				} else {
					a, results := u.Sync(domain.SyncOp{Key: chaos.NewULID(), Op: domain.SyncCreate, Collection: domain.CollectionIncidents, Data: fields})
					fail = answerFailure("sync", a)
					if fail == "" && (len(results) != 1 || results[0].Status != http.StatusOK) {
						b, _ := json.Marshal(results)
						fail = "sync result " + truncate(string(b))
					}
				}
				lat := time.Since(t0)
				mu.Lock()
				res.lats = append(res.lats, lat)
				if rest {
					res.restLats = append(res.restLats, lat)
				} else {
					res.syncLats = append(res.syncLats, lat)
				}
				if fail == "" {
					res.writes++
				} else {
					res.failures[fail]++
				}
				mu.Unlock()
				if fail != "" {
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	res.dur = time.Since(start)
	return res
}

// answerFailure describes an answer that is not a 200 ("" for a 200).
func answerFailure(kind string, a chaos.Answer) string {
	switch {
	case a.Err != nil:
		return kind + " error " + truncate(a.Err.Error())
	case a.Status != http.StatusOK:
		return fmt.Sprintf("%s %d %s", kind, a.Status, truncate(string(a.Body)))
	}
	return ""
}

func truncate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// lockedInLogs counts the server's log lines of failed requests caused
// by "database is locked" (their answers only carry a generic message)
// and returns the first one.
func lockedInLogs(t *testing.T, dir string) (n int, first string) {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "serve-*.log"))
	for _, f := range logs {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, locked) && strings.Contains(line, `"request failed"`) {
				n++
				if first == "" {
					first = line
				}
			}
		}
	}
	return n, first
}

// processCPU is the user + system CPU time of a live process.
func processCPU(pid int) time.Duration {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// fields after the command name (which may contain spaces)
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}
