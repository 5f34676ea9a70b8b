//go:build chaos && chaosinfra

package chaos

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// The infrastructure chaos tests (make test-chaos-infra, root: loop
// devices, mount, network namespaces, blkio cgroups) break what is under
// the server rather than the server itself, under the product's write
// load, and print one line of figures per scenario.

// answer is one write of the measured load.
type answer struct {
	at      time.Time
	lat     time.Duration
	ok      bool
	status  int    // 0: no HTTP answer
	failure string // the status or the transport error, and the reason the user read
}

// measured is a write load of REST incident creates and 1-operation sync
// batches (the crew app's outbox) recording every answer.
type measured struct {
	mu      sync.Mutex
	answers []answer
	acked   []string
}

// measuredLoad makes each user alternate REST creates and sync batches
// until stop is closed, as incidentLoad does, recording every answer.
func measuredLoad(users []*UserClient, site, prefix string, stop <-chan struct{}) *measured {
	m := &measured{}
	var wg sync.WaitGroup
	for w, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				desc := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				fields := map[string]any{"site": site, "kind": "safety", "severity": "low", "description": desc}
				t0 := time.Now()
				var a Answer
				ok := false
				if (i+w)%2 == 0 {
					a = u.CreateRecord(domain.CollectionIncidents, fields)
					ok = a.Err == nil && a.Status == http.StatusOK
				} else {
					var res []domain.SyncResult
					a, res = u.Sync(domain.SyncOp{Key: NewULID(), Op: domain.SyncCreate, Collection: domain.CollectionIncidents, Data: fields})
					ok = a.Err == nil && a.Status == http.StatusOK && len(res) == 1 && res[0].Status == http.StatusOK
					if !ok && a.Status == http.StatusOK && len(res) == 1 {
						a.Status, a.Body = res[0].Status, []byte(fmt.Sprintf("sync result %d %s", res[0].Status, res[0].Error))
					}
				}
				m.mu.Lock()
				m.answers = append(m.answers, answer{at: t0, lat: time.Since(t0), ok: ok, status: a.Status, failure: failure(a)})
				if ok {
					m.acked = append(m.acked, desc)
				}
				m.mu.Unlock()
				if !ok {
					time.Sleep(50 * time.Millisecond) // the crew app's outbox retries later
				}
			}
		}()
	}
	wg.Wait()
	return m
}

// failure describes a failed answer: its status and the start of its
// body, or the transport error's kind.
func failure(a Answer) string {
	if a.Err != nil {
		msg := a.Err.Error()
		for _, kind := range []string{"Client.Timeout", "connection refused", "connection reset", "no route to host", "EOF"} {
			if strings.Contains(msg, kind) {
				return "no answer (" + kind + ")"
			}
		}
		return "no answer (" + msg + ")"
	}
	body := strings.Join(strings.Fields(string(a.Body)), " ")
	if len(body) > 120 {
		body = body[:120] + "…"
	}
	return fmt.Sprintf("%d %s", a.Status, body)
}

// figures summarises a measured load around a fault [from, to).
type figures struct {
	attempted, acked, lost int
	errors                 map[string]int // status (or "no answer") → count
	samples                map[string]string
	p50, p99, worst        time.Duration // of acknowledged writes
	recovery               time.Duration // fault removed → end of the last failed write (an acknowledged one followed)
	recovered              bool
}

// window returns the figures of the answers begun in [from, to) (zero
// times: unbounded); after is the end of the fault, for the recovery time.
func (m *measured) window(from, to, after time.Time) figures {
	return m.summarize(after, func(a answer) bool {
		return (from.IsZero() || !a.at.Before(from)) && (to.IsZero() || a.at.Before(to))
	})
}

// overlapping returns the figures of the answers in flight at some point
// of [from, to): begun before to, ended after from.
func (m *measured) overlapping(from, to time.Time) figures {
	return m.summarize(time.Time{}, func(a answer) bool { return a.at.Before(to) && a.at.Add(a.lat).After(from) })
}

// firstAck is the time from t to the end of the first acknowledged write
// that ended after t (-1: none).
func (m *measured) firstAck(t time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	first := time.Duration(-1)
	for _, a := range m.answers {
		if end := a.at.Add(a.lat); a.ok && end.After(t) && (first < 0 || end.Sub(t) < first) {
			first = end.Sub(t)
		}
	}
	return first
}

func (m *measured) summarize(after time.Time, in func(answer) bool) figures {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := figures{errors: map[string]int{}, samples: map[string]string{}}
	var lats []time.Duration
	var lastFail time.Time // the end of the last failed write
	for _, a := range m.answers {
		if in(a) && !a.ok && a.at.Add(a.lat).After(lastFail) {
			lastFail = a.at.Add(a.lat)
		}
	}
	for _, a := range m.answers {
		if !in(a) {
			continue
		}
		f.attempted++
		if a.ok {
			f.acked++
			lats = append(lats, a.lat)
			if !after.IsZero() && !a.at.Before(after) && !a.at.Before(lastFail) && !f.recovered {
				f.recovery, f.recovered = max(lastFail.Sub(after), 0), true
			}
			continue
		}
		key := "no answer"
		if a.status != 0 {
			key = fmt.Sprint(a.status)
		}
		f.errors[key]++
		if _, seen := f.samples[key]; !seen {
			f.samples[key] = a.failure
		}
	}
	slices.Sort(lats)
	if n := len(lats); n > 0 {
		f.p50, f.p99, f.worst = lats[n/2], lats[min(n-1, n*99/100)], lats[n-1]
	}
	return f
}

// String prints the figures on one line.
func (f figures) String() string {
	keys := make([]string, 0, len(f.errors))
	for k := range f.errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	errs := "none"
	if len(keys) > 0 {
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d × %s", f.errors[k], k))
		}
		errs = strings.Join(parts, ", ")
	}
	rec := "n/a"
	if f.recovered {
		rec = f.recovery.Round(time.Millisecond).String()
	}
	return fmt.Sprintf("attempted %d, acknowledged %d, lost %d; errors users saw: %s; acked latency p50 %s p99 %s worst %s; recovery %s",
		f.attempted, f.acked, f.lost, errs, f.p50.Round(time.Millisecond), f.p99.Round(time.Millisecond), f.worst.Round(time.Millisecond), rec)
}

// logSamples logs the first answer of each error kind (what users read).
func (f figures) logSamples(t *testing.T) {
	t.Helper()
	for k, v := range f.samples {
		t.Logf("  first %s answer: %s", k, v)
	}
}

// sh runs a command that must succeed (the test runs as root).
func sh(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// needRoot fails (not skips) when the test cannot manage the machine:
// make test-chaos-infra runs as root, on this machine and in CI.
func needRoot(t *testing.T, tools ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("the infrastructure chaos tests need root (loop devices, mount, network namespaces, cgroups)")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: make test-chaos-infra installs it", tool)
		}
	}
}

// loopVolume makes an ext4 file system of size MiB (no root reserve, as
// the server runs as root here) on a loop device, mounted at dir/vol; it
// returns the mount point and the device.
func loopVolume(t *testing.T, dir string, size int) (mnt, dev string) {
	t.Helper()
	needRoot(t, "mkfs.ext4", "mount", "losetup")
	img, mnt := filepath.Join(dir, "vol.img"), filepath.Join(dir, "vol")
	if err := os.MkdirAll(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	sh(t, "truncate", "-s", fmt.Sprintf("%dM", size), img)
	sh(t, "mkfs.ext4", "-q", "-F", "-m", "0", img)
	dev = sh(t, "losetup", "--find", "--show", img)
	sh(t, "mount", dev, mnt)
	t.Cleanup(func() { // after the server's own cleanup (LIFO): nothing holds the volume
		for i := 0; i < 50; i++ {
			if exec.Command("umount", mnt).Run() == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		_ = exec.Command("losetup", "-d", dev).Run()
	})
	return mnt, dev
}

// lostWrites checks a tenant database after a fault: integrity_check ok,
// the audit chain verifies, and returns the acknowledged descriptions it
// lacks.
func lostWrites(t *testing.T, bin, dir string, acked []string) []string {
	t.Helper()
	db := filepath.Join(dir, "tenants", "acme", "data.db")
	conn, err := tenants.DBConnect(db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	err = conn.NewQuery("PRAGMA integrity_check").Row(&check)
	conn.Close()
	if err != nil || check != "ok" {
		t.Errorf("integrity_check of %s: %q %v", db, check, err)
	}
	t.Logf("integrity_check: %s; audit verify: %s", check, strings.TrimSpace(Run(t, bin, "audit", "verify", "acme", "--dir", dir)))
	return missing(acked, incidentsIn(t, db))
}

// restoredLost restores the tenant from its replica and returns the
// acknowledged descriptions the restored copy lacks.
func restoredLost(t *testing.T, bin, dir, work, replica string, acked []string, env ...string) []string {
	t.Helper()
	out := filepath.Join(work, fmt.Sprintf("restored-%d", time.Now().UnixNano()))
	cmd := exec.Command(bin, "backup", "restore", "acme", "--to", out, "--replica", replica, "--dir", dir)
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("backup restore: %v\n%s", err, b)
	}
	return missing(acked, incidentsIn(t, filepath.Join(out, "data.db")))
}

// noPanic fails when a server log of dir holds a Go panic.
func noPanic(t *testing.T, logDir string) {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(logDir, "serve-*.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "panic:") || strings.Contains(string(b), "goroutine ") {
			t.Errorf("%s holds a panic:\n%s", l, b)
		}
	}
}

// readyz returns the status of GET /readyz (0: no answer).
func readyz(addr string) int {
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get("http://" + addr + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
