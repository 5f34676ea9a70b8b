package replication

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/fieldops360/fieldops/tenants/tracing"
)

// ControlClient talks to the replication child's control socket: one
// JSON line per request and per answer.
type ControlClient struct{ socket string }

// NewControlClient returns a client of the control socket at path.
func NewControlClient(path string) *ControlClient { return &ControlClient{socket: path} }

func (c *ControlClient) do(ctx context.Context, req controlRequest, out *controlResponse) (err error) {
	ctx, span := tracing.Child(ctx, "replication.control "+req.Op, attribute.String("fieldops.db", req.DB))
	defer func() { tracing.End(span, err) }()
	req.Traceparent = tracing.Traceparent(ctx)
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := d.DialContext(dctx, "unix", c.socket)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
	}
	if err := json.NewEncoder(conn).Encode(req); err != nil {
		return err
	}
	var resp controlResponse
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if !resp.OK {
		return errors.New(resp.Error)
	}
	if out != nil {
		*out = resp
	}
	return nil
}

// Status returns the child's live status.
func (c *ControlClient) Status(ctx context.Context) (*Status, error) {
	var resp controlResponse
	if err := c.do(ctx, controlRequest{Op: "status"}, &resp); err != nil {
		return nil, err
	}
	if resp.Status == nil {
		return nil, errors.New("control socket: empty status")
	}
	return resp.Status, nil
}

// Sync makes the child sync database name to its replica now.
func (c *ControlClient) Sync(ctx context.Context, name string) error {
	return c.do(ctx, controlRequest{Op: "sync", DB: name}, nil)
}

// Drill makes the child run a restore drill of database name now.
func (c *ControlClient) Drill(ctx context.Context, name string) (DrillResult, error) {
	var resp controlResponse
	if err := c.do(ctx, controlRequest{Op: "drill", DB: name}, &resp); err != nil {
		return DrillResult{}, err
	}
	if resp.Status == nil || len(resp.Status.DBs) != 1 || resp.Status.DBs[0].Drill == nil {
		return DrillResult{}, errors.New("control socket: empty drill result")
	}
	return *resp.Status.DBs[0].Drill, nil
}

// SupervisorConfig configures the replication supervisor of `fieldops serve`.
type SupervisorConfig struct {
	Dir     string
	Replica string
	// Command builds the child's command (default: this executable with
	// `replicate --dir … --replica … --parent-pid …`).
	Command func() *exec.Cmd
	Logger  *slog.Logger
	// Poll is how often the open set is re-sent and the status read
	// (default 2 s).
	Poll time.Duration
	// MaxBackoff caps the restart delay (default 30 s).
	MaxBackoff time.Duration
	// External attaches to a replicator started by someone else (a
	// Kubernetes sidecar, a systemd unit) through the control socket
	// instead of spawning and restarting a child.
	External bool
	// ReadyMaxLag is how long a database's replica may go without
	// receiving data before Ready fails (default 2 min).
	ReadyMaxLag time.Duration
	// Args are extra arguments of the default child command (replicate
	// flags: --retention, --allow-replace-replica…).
	Args []string
}

// Supervisor starts the replication child, restarts it with backoff when
// it dies, tells it which tenants are open and caches its status for
// /metrics, /readyz, the portal and `backup status`.
type Supervisor struct {
	cfg SupervisorConfig
	ctl *ControlClient

	mu      sync.Mutex
	open    map[string]bool
	cmd     *exec.Cmd
	exited  chan struct{}
	changed chan struct{}

	up       atomic.Bool
	answered atomic.Bool // the current child answered its control socket
	restarts atomic.Int64
	status   atomic.Pointer[Status]
	statusAt atomic.Int64

	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

// NewSupervisor builds a supervisor; Start launches the child.
func NewSupervisor(cfg SupervisorConfig) *Supervisor {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if cfg.ReadyMaxLag == 0 {
		cfg.ReadyMaxLag = 2 * time.Minute
	}
	if cfg.Command == nil {
		cfg.Command = func() *exec.Cmd {
			exe, err := os.Executable()
			if err != nil {
				exe = os.Args[0]
			}
			args := append([]string{"replicate", "--dir", cfg.Dir, "--replica", cfg.Replica, "--parent-pid", strconv.Itoa(os.Getpid())}, cfg.Args...)
			return exec.Command(exe, args...)
		}
	}
	return &Supervisor{
		cfg: cfg, ctl: NewControlClient(ControlSocket(cfg.Dir)),
		open: map[string]bool{PlatformDB: true}, changed: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Start launches the child and the supervision loop.
func (s *Supervisor) Start() { go s.loop() }

// TenantOpened tells the child that a tenant is open in the server
// (tenants.TenantNotifier).
func (s *Supervisor) TenantOpened(slug, _ string) { s.setOpen(slug, true) }

// TenantClosed tells the child that a tenant was closed: the child does a
// final sync of the tenant and releases it (tenants.TenantNotifier).
func (s *Supervisor) TenantClosed(slug, _ string) { s.setOpen(slug, false) }

func (s *Supervisor) setOpen(name string, open bool) {
	s.mu.Lock()
	if open {
		s.open[name] = true
	} else {
		delete(s.open, name)
	}
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

func (s *Supervisor) openList() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.open))
	for n := range s.open {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Up reports whether the child runs and answered recently.
func (s *Supervisor) Up() bool {
	return s.up.Load() && time.Since(time.Unix(0, s.statusAt.Load())) < 5*s.cfg.Poll+5*time.Second
}

// Restarts counts child restarts since start.
func (s *Supervisor) Restarts() int64 { return s.restarts.Load() }

// PID returns the child's process id (0 when not running).
func (s *Supervisor) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil || !s.up.Load() {
		return 0
	}
	return s.cmd.Process.Pid
}

// Status returns the last status read from the child (nil before the
// first answer).
func (s *Supervisor) Status() *Status { return s.status.Load() }

// StatusAt returns when the child last answered (zero before the first
// answer).
func (s *Supervisor) StatusAt() time.Time {
	if ns := s.statusAt.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// Ready is a /readyz check: the replication child is alive and every
// database's replica is receiving data (none refused, none behind for
// more than ReadyMaxLag).
func (s *Supervisor) Ready(context.Context) error {
	if !s.Up() {
		return errors.New("replication child not running")
	}
	if p := s.Status().NotReceiving(s.cfg.ReadyMaxLag); len(p) > 0 {
		return errors.New(strings.Join(p, "; "))
	}
	return nil
}

// Sync makes the child sync database name now (tests, before a planned
// stop).
func (s *Supervisor) Sync(ctx context.Context, name string) error { return s.ctl.Sync(ctx, name) }

// RunDrill runs a restore drill of database name (a tenant slug or
// "platform") now in the child and returns its result; the portal calls it.
func (s *Supervisor) RunDrill(ctx context.Context, name string) (DrillResult, error) {
	return s.ctl.Drill(ctx, name)
}

func (s *Supervisor) loop() {
	defer close(s.done)
	if s.cfg.External {
		s.cfg.Logger.Info("replication: attaching to the external replicator", "socket", s.ctl.socket)
		s.watch(s.stop)
		s.up.Store(false)
		return
	}
	backoff := 500 * time.Millisecond
	for {
		started := time.Now()
		exited, err := s.spawn()
		if err != nil {
			s.cfg.Logger.Error("replication child start", "error", err)
		} else {
			s.watch(exited)
		}
		s.up.Store(false)
		select {
		case <-s.stop:
			return
		default:
		}
		if time.Since(started) > time.Minute || s.answered.Swap(false) {
			// it ran and answered: a crash (or a kill), not a crash loop
			backoff = 500 * time.Millisecond
		}
		s.cfg.Logger.Warn("replication child exited: restarting", "in", backoff.String())
		select {
		case <-s.stop:
			return
		case <-time.After(backoff):
		}
		s.restarts.Add(1)
		backoff = min(2*backoff, s.cfg.MaxBackoff)
	}
}

func (s *Supervisor) spawn() (chan struct{}, error) {
	cmd := s.cfg.Command()
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// The child does its final sync when this process dies, even by kill -9.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// NB: the child runs at the server's priority. It holds the tenant's
	// write lock while it checkpoints: reniced (nice 10), it was starved of
	// CPU under load and the server's writers waited up to 230 ms.
	exited := make(chan struct{})
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cfg.Logger.Info("replication child started", "pid", cmd.Process.Pid)
	return exited, nil
}

// watch tells the child the open set and reads its status until it exits.
func (s *Supervisor) watch(exited <-chan struct{}) {
	tick := time.NewTicker(s.cfg.Poll)
	defer tick.Stop()
	fast := time.NewTicker(100 * time.Millisecond) // until the socket answers
	defer fast.Stop()
	for {
		select {
		case <-exited:
			return
		case <-tick.C:
		case <-fast.C:
			if s.up.Load() {
				fast.Stop()
				continue
			}
		case <-s.changed:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := s.ctl.do(ctx, controlRequest{Op: "set_open", Open: s.openList()}, nil)
		var st *Status
		if err == nil {
			st, err = s.ctl.Status(ctx)
		}
		cancel()
		if err == nil {
			s.status.Store(st)
			s.statusAt.Store(time.Now().UnixNano())
			s.up.Store(true)
			s.answered.Store(true)
		} else if s.cfg.External {
			s.up.Store(false)
		}
	}
}

// Stop asks the child to do its final sync and exit (SIGTERM), waiting
// until ctx is done, then kills it.
func (s *Supervisor) Stop(ctx context.Context) error {
	s.stopOnce.Do(func() { close(s.stop) })
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	if s.cfg.External {
		// the external replicator does its final sync of the tenants this
		// process closed; ask it to sync everything now.
		for _, name := range s.openList() {
			_ = s.ctl.Sync(ctx, name)
		}
		<-s.done
		return nil
	}
	if cmd == nil || cmd.Process == nil {
		return nil
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		<-s.done
		return nil
	case <-ctx.Done():
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("replication child killed before its final sync finished: %w", ctx.Err())
	}
}
