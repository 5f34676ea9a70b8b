//go:build chaos

// Package chaos drives the real fieldops binary for resilience tests and
// the replication benchmark (go test -tags chaos,no_default_driver).
package chaos

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles the fieldops binary once into dir.
func Build(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "fieldops")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = moduleRoot(t)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build: %v", err)
	}
	return bin
}

func moduleRoot(t testing.TB) string {
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Fatal("no go.mod")
	return ""
}

// Run runs a CLI command and returns its combined output.
func Run(t testing.TB, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("fieldops %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Server is a running `fieldops serve`.
type Server struct {
	Cmd  *exec.Cmd
	Addr string
	Log  *bytes.Buffer
	done chan struct{}
	err  error
}

type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

// Serve starts `fieldops serve` with args and waits for /readyz.
func Serve(t testing.TB, bin, dir string, args ...string) *Server {
	t.Helper()
	return serveUntil(t, "/readyz", bin, dir, args...)
}

// ServeAlive starts `fieldops serve` with args and waits for /healthz
// only (a server that is not ready: a refused replica).
func ServeAlive(t testing.TB, bin, dir string, args ...string) *Server {
	t.Helper()
	return serveUntil(t, "/healthz", bin, dir, args...)
}

func serveUntil(t testing.TB, probe, bin, dir string, args ...string) *Server {
	t.Helper()
	return ServeWith(t, ServeOpts{Probe: probe}, bin, dir, args...)
}

// ServeOpts places a server for the infrastructure chaos tests: Wrap is a
// command prefix that execs the server (`ip netns exec <ns>`), Host the
// address it listens on (default 127.0.0.1), Env extra environment,
// LogDir where its log goes (default dir), Probe the readiness path
// (default /readyz).
type ServeOpts struct {
	Wrap, Env           []string
	Host, LogDir, Probe string
	// Port to listen on (0: a free one); a shard must know its own URL
	// before it starts.
	Port int
}

// ServeWith starts `fieldops serve` as o says and waits for o.Probe.
func ServeWith(t testing.TB, o ServeOpts, bin, dir string, args ...string) *Server {
	t.Helper()
	host, logDir, probe := cmp.Or(o.Host, "127.0.0.1"), cmp.Or(o.LogDir, dir), cmp.Or(o.Probe, "/readyz")
	port := o.Port
	if port == 0 {
		port = freePort(t)
	}
	s := &Server{Addr: host + ":" + strconv.Itoa(port), Log: &bytes.Buffer{}, done: make(chan struct{})}
	argv := append(append(append([]string{}, o.Wrap...), bin, "serve", "--dir", dir, "--http", s.Addr, "--idle", "1h"), args...)
	s.Cmd = exec.Command(argv[0], argv[1:]...)
	if len(o.Env) > 0 {
		s.Cmd.Env = append(os.Environ(), o.Env...)
	}
	f, err := os.Create(filepath.Join(logDir, fmt.Sprintf("serve-%d.log", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	s.Cmd.Stdout, s.Cmd.Stderr = f, f
	if err := s.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = s.Cmd.Wait(); f.Close(); close(s.done) }()
	t.Cleanup(func() {
		children := s.Children()
		_ = s.Cmd.Process.Kill()
		<-s.done
		// the replication child does its final sync, then exits: wait for
		// it before the test's directories are removed
		for _, pid := range children {
			for deadline := time.Now().Add(20 * time.Second); Alive(pid) && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + s.Addr + probe)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Wait waits for the server process to exit.
func (s *Server) Wait(timeout time.Duration) error {
	select {
	case <-s.done:
		return s.err
	case <-time.After(timeout):
		return fmt.Errorf("still running after %s", timeout)
	}
}

// Children returns the pids whose parent is the server (the replication child).
func (s *Server) Children() []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(s.Cmd.Process.Pid) {
			out = append(out, pid)
		}
	}
	return out
}

// Alive reports whether pid exists.
func Alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Client writes records to a tenant through the REST API as its dashboard
// superuser.
type Client struct {
	Addr, Host, Token string
	HTTP              *http.Client
}

// Login authenticates the tenant's superuser.
func Login(t testing.TB, addr, host, email, password string) *Client {
	t.Helper()
	c := &Client{Addr: addr, Host: host, HTTP: &http.Client{Timeout: 30 * time.Second}}
	var out struct{ Token string }
	if code := c.do(http.MethodPost, "/api/collections/_superusers/auth-with-password", map[string]string{"identity": email, "password": password}, &out); code != 200 {
		t.Fatalf("login: %d", code)
	}
	c.Token = out.Token
	return c
}

func (c *Client) do(method, path string, body any, out any) int {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+c.Addr+path, r)
	req.Host = c.Host
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
	}
	return resp.StatusCode
}

// CreateClient creates a clients record named name; it reports whether
// the server acknowledged it (200).
func (c *Client) CreateClient(name string) bool {
	return c.do(http.MethodPost, "/api/collections/clients/records", map[string]string{"name": name}, nil) == 200
}

// LoadResult summarises a write load.
type LoadResult struct {
	Acked    []string
	Failed   int
	Duration time.Duration
	Worst    time.Duration
}

// Load writes with workers until stop is closed or d elapsed.
func Load(c *Client, prefix string, workers int, d time.Duration, stop <-chan struct{}) LoadResult {
	var mu sync.Mutex
	var res LoadResult
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(end); i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("%s-%d-%d", prefix, w, i)
				t0 := time.Now()
				ok := c.CreateClient(name)
				lat := time.Since(t0)
				mu.Lock()
				if ok {
					res.Acked = append(res.Acked, name)
					res.Worst = max(res.Worst, lat)
				} else {
					res.Failed++
				}
				mu.Unlock()
				if !ok {
					time.Sleep(10 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	res.Duration = time.Since(start)
	return res
}
