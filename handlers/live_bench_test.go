package handlers_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// Live fan-out benchmark: N viewers of one dispatch board (the busy week
// of BenchmarkDispatchBoard) over real HTTP SSE on loopback; the viewers
// run in a child process (this test binary, see TestMain) so that the
// server's CPU is measured alone. Each change renames a task of the week
// (saved through the app: hooks, audit); its latency is the time from
// just before the save to the full frame read by a viewer.
//
//	go test -run '^$' -bench LiveFanout -benchtime 30x ./handlers/
//
// Metrics: p50-ms / p95-ms over every viewer of every change, p95-all-ms
// the 95th percentile over changes of the time until the last viewer got
// it, cpu-ms/change the server's CPU (getrusage) from the save until every
// viewer got the frame, other-cpu-ms/change the CPU of a change to another
// week (until the process is idle again), renders/change, frame-KB,
// viewers-cpu-ms/change the child's CPU (connecting included) per change.

// fanoutEnv makes the test binary a pack of SSE viewers (see fanoutViewers).
const fanoutEnv = "FIELDOPS_FANOUT_VIEWERS"

func BenchmarkLiveFanout(b *testing.B) {
	w := newBusyWeek(b)
	srv := httptest.NewServer(w.Registry)
	defer srv.Close()
	other := w.Record("tasks", map[string]any{"site": w.sites[0], "title": "Semaine 12", "planned_start": "2026-03-16 00:00:00.000Z", "duration_days": 1, "status": "planned"}).Id
	seq := 0
	rename := func(id, prefix string) {
		seq++
		app := w.App()
		r, err := app.FindRecordById("tasks", id)
		if err != nil {
			b.Fatal(err)
		}
		r.Set("title", fmt.Sprintf("%s%06d", prefix, seq))
		if err := app.Save(r); err != nil {
			b.Fatal(err)
		}
	}
	for _, n := range []int{0, 100, 500} {
		b.Run(fmt.Sprintf("viewers=%d", n), func(b *testing.B) {
			var v *viewerPack
			if n > 0 {
				v = startViewers(b, srv.URL, w.Host(), "/dispatch/stream?week=2026-W10", w.pm, n)
				defer v.stop(b)
				waitStreams(b, w.App(), n)
			}
			live := domain.LiveOf(w.App())
			for range 2 { // warm-up
				rename(w.tasks[0], "fanout-")
				if v != nil {
					v.wait(b, seq)
				}
			}
			var all, last []float64
			var cpu, otherCPU time.Duration
			renders0 := live.Renders()
			b.ResetTimer()
			for range b.N {
				c0, t0 := cpuTime(), time.Now().UnixNano()
				rename(w.tasks[0], "fanout-")
				if v != nil {
					got := v.wait(b, seq)
					worst := 0.0
					for _, at := range got {
						ms := float64(at-t0) / 1e6
						all, worst = append(all, ms), max(worst, ms)
					}
					last = append(last, worst)
				}
				cpu += cpuTime() - c0
			}
			b.StopTimer()
			renders := live.Renders() - renders0
			before := live.Renders()
			for range b.N {
				c0 := cpuTime()
				rename(other, "other-")
				settleCPU()
				otherCPU += cpuTime() - c0
			}
			if n := live.Renders() - before; n != 0 {
				b.Errorf("%d renders for changes to another week", n)
			}
			b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/change")
			b.ReportMetric(float64(otherCPU)/1e6/float64(b.N), "other-cpu-ms/change")
			if v == nil {
				return
			}
			b.ReportMetric(float64(renders)/float64(b.N), "renders/change")
			b.ReportMetric(percentile(all, 50), "p50-ms")
			b.ReportMetric(percentile(all, 95), "p95-ms")
			b.ReportMetric(percentile(last, 95), "p95-all-ms")
			b.ReportMetric(float64(v.frameBytes.Load())/1024, "frame-KB")
			if events := v.stop(b); events != int64(n*(b.N+2)) {
				b.Errorf("viewers received %d frames, want %d (one per viewer and change, none for the other week)", events, n*(b.N+2))
			}
			if ru, ok := v.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				b.ReportMetric(float64(ru.Utime.Nano()+ru.Stime.Nano())/1e6/float64(b.N+2), "viewers-cpu-ms/change")
			}
		})
	}
}

// settleCPU returns once the process is idle (under 2 ms of CPU in 50 ms):
// any render a change caused is over.
func settleCPU() {
	for prev := cpuTime(); ; {
		time.Sleep(50 * time.Millisecond)
		now := cpuTime()
		if now-prev < 2*time.Millisecond {
			return
		}
		prev = now
	}
}

// percentile returns the p-th percentile of xs (nearest rank).
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// viewerPack is the child process holding the viewers' streams.
type viewerPack struct {
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	lines      chan string
	frameBytes atomic.Int64
	stopped    int64
	done       bool
}

// startViewers starts n viewers of path and waits until they are connected.
func startViewers(b *testing.B, base, host, path string, c *http.Cookie, n int) *viewerPack {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fanoutEnv+"=1", "FANOUT_URL="+base+path, "FANOUT_HOST="+host,
		"FANOUT_COOKIE="+c.Name+"="+c.Value, "FANOUT_N="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	v := &viewerPack{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			v.lines <- sc.Text()
		}
		close(v.lines)
	}()
	if l := v.line(b); l != "ready" {
		b.Fatalf("viewers: %q", l)
	}
	return v
}

func (v *viewerPack) line(b *testing.B) string {
	select {
	case l, ok := <-v.lines:
		if !ok {
			b.Fatal("the viewers' process ended")
		}
		return l
	case <-time.After(60 * time.Second):
		b.Fatal("no answer from the viewers within 60 s")
	}
	return ""
}

// wait returns when every viewer got change k, with the time each got it.
func (v *viewerPack) wait(b *testing.B, k int) []int64 {
	f := strings.Fields(v.line(b))
	if len(f) < 3 || f[0] != "got" || f[1] != strconv.Itoa(k) {
		b.Fatalf("viewers: %q, want change %d", strings.Join(f, " "), k)
	}
	size, _ := strconv.ParseInt(f[2], 10, 64)
	v.frameBytes.Store(size)
	out := make([]int64, 0, len(f)-3)
	for _, s := range f[3:] {
		at, _ := strconv.ParseInt(s, 10, 64)
		out = append(out, at)
	}
	return out
}

// stop ends the viewers and returns how many frames they received.
func (v *viewerPack) stop(b *testing.B) int64 {
	if v.done {
		return v.stopped
	}
	v.done = true
	_ = v.stdin.Close()
	if f := strings.Fields(v.line(b)); len(f) == 2 && f[0] == "frames" {
		v.stopped, _ = strconv.ParseInt(f[1], 10, 64)
	}
	_ = v.cmd.Wait()
	return v.stopped
}

// fanoutViewers is the child process: FANOUT_N streams of FANOUT_URL; it
// prints "ready" once all are open, then "got <change> <frame bytes>
// <unix ns per viewer…>" when every viewer has received the frame of a
// change (a title "fanout-<change>"), and "frames <total>" when stdin
// closes.
func fanoutViewers() int {
	n, _ := strconv.Atoi(os.Getenv("FANOUT_N"))
	type receipt struct {
		k    int
		at   int64
		size int
	}
	recv := make(chan receipt, 1024)
	var frames atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	for range n {
		req, _ := http.NewRequest(http.MethodGet, os.Getenv("FANOUT_URL"), nil)
		req.Host = os.Getenv("FANOUT_HOST")
		req.Header.Set("Datastar-Request", "true")
		req.Header.Set("Cookie", os.Getenv("FANOUT_COOKIE"))
		res, err := client.Do(req)
		if err != nil || res.StatusCode != http.StatusOK {
			fmt.Fprintln(os.Stderr, "viewer:", err, res)
			return 1
		}
		go func() {
			r := bufio.NewReaderSize(res.Body, 1<<20)
			k, size := -1, 0
			for {
				line, err := r.ReadSlice('\n')
				if err != nil && err != bufio.ErrBufferFull {
					return
				}
				if len(line) == 1 && err == nil { // a blank line ends an event
					if size > 0 { // NB: Datastar ends events with an extra blank line
						frames.Add(1)
						if k >= 0 {
							recv <- receipt{k: k, at: time.Now().UnixNano(), size: size}
						}
					}
					k, size = -1, 0
					continue
				}
				size += len(line)
				if i := bytes.Index(line, []byte("fanout-")); k < 0 && i >= 0 && i+13 <= len(line) {
					k, _ = strconv.Atoi(string(line[i+7 : i+13]))
				}
			}
		}()
	}
	fmt.Println("ready")
	quit := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(quit)
	}()
	got := map[int][]int64{}
	for {
		select {
		case r := <-recv:
			got[r.k] = append(got[r.k], r.at)
			if len(got[r.k]) == n {
				var sb strings.Builder
				fmt.Fprintf(&sb, "got %d %d", r.k, r.size)
				for _, at := range got[r.k] {
					sb.WriteString(" " + strconv.FormatInt(at, 10))
				}
				fmt.Println(sb.String())
				delete(got, r.k)
			}
		case <-quit:
			time.Sleep(100 * time.Millisecond) // frames still in flight
			fmt.Println("frames", frames.Load())
			return 0
		}
	}
}
