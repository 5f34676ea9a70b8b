package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/benbjohnson/litestream"
)

// ReplicatorConfig configures the replication child (`fieldops replicate`).
type ReplicatorConfig struct {
	Dir    string
	Target ReplicaTarget
	// Socket is the control socket (default ControlSocket(Dir)).
	Socket string
	Logger *slog.Logger
	// SyncInterval is how often a followed database is synced to its
	// replica (default 1 s).
	SyncInterval time.Duration
	// ScanInterval is how often the data directory is scanned for new
	// databases and unsynced changes (default 2 s).
	ScanInterval time.Duration
	// Linger keeps following a database the server has not reported open
	// for this long after its last change (default 10 s).
	Linger time.Duration
	// MaxCatchUp caps databases followed at once for catch-up (not open in
	// the server) (default 16).
	MaxCatchUp int
	// DrillEvery is the restore drill period per database (default 7 days;
	// negative disables drills).
	DrillEvery time.Duration
	// ParentPID, when set, stops the child when its parent is gone.
	ParentPID int
	// Retention is how long snapshots (and the LTX files only they need)
	// are kept in the replica (default 30 days): Litestream deletes older
	// ones itself.
	Retention time.Duration
	// SnapshotEvery is the longest time a database, open in the server or
	// not, goes without a fresh snapshot in its replica (default 24 h).
	SnapshotEvery time.Duration
	// MaintainEvery is how often snapshots and drills are checked for
	// being due (default 1 min).
	MaintainEvery time.Duration
	// AllowReplace names databases allowed to take over a replica they
	// are behind of or unrelated to (an operator's explicit decision).
	AllowReplace []string
	// ConflictRecheck is how often a refused database is checked again
	// against its replica (default 30 s).
	ConflictRecheck time.Duration
}

// errRefused is returned by activate for a database whose replication is
// refused (DBStatus.Conflict says why).
var errRefused = errors.New("replication refused")

// Replicator is the replication child: Litestream following the databases
// that are open in the server or have unsynced changes.
type Replicator struct {
	cfg     ReplicatorConfig
	store   *litestream.Store
	levels  litestream.CompactionLevels
	started time.Time
	// maintaining is set while a maintenance round (snapshots, drills) runs.
	maintaining atomic.Bool
	ready       atomic.Bool
	drills      *drillBook

	mu  sync.Mutex
	dbs map[string]*repDB
}

// repDB is the child's state for one database. Fields are guarded by
// Replicator.mu; op serialises activation and release.
type repDB struct {
	name, path string
	op         sync.Mutex

	open    bool // the server reported it open
	paused  bool // released for an in-place restore
	busy    bool // activation or release in progress
	initial bool // not yet brought up to date since start

	ldb    *litestream.DB
	cancel context.CancelFunc
	done   chan struct{}

	fp           fingerprint // file state after the last release (zero: unsynced)
	conflict     string      // replication refused: behind or unrelated to the replica
	conflictAt   time.Time   // when the conflict was last checked
	lastSnapshot time.Time   // newest snapshot in the replica (zero: unknown)
	lastTXChange time.Time
	localTX      uint64
	replicaTX    uint64
	lastSync     time.Time
	behindSince  time.Time
	syncing      time.Time // when the running sync began (zero: none)
	lastErr      string
	errAt        time.Time
	errors       int64
}

// NewReplicator builds the replication child.
func NewReplicator(cfg ReplicatorConfig) (*Replicator, error) {
	if !cfg.Target.Enabled() {
		return nil, fmt.Errorf("replicate: --replica is off: nothing to do")
	}
	if cfg.Socket == "" {
		cfg.Socket = ControlSocket(cfg.Dir)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SyncInterval == 0 {
		cfg.SyncInterval = time.Second
	}
	if cfg.ScanInterval == 0 {
		cfg.ScanInterval = 2 * time.Second
	}
	if cfg.Linger == 0 {
		cfg.Linger = 10 * time.Second
	}
	if cfg.MaxCatchUp == 0 {
		cfg.MaxCatchUp = 16
	}
	if cfg.DrillEvery == 0 {
		cfg.DrillEvery = 24 * time.Hour
	}
	if cfg.Retention == 0 {
		cfg.Retention = 30 * 24 * time.Hour
	}
	if cfg.SnapshotEvery == 0 {
		cfg.SnapshotEvery = 24 * time.Hour
	}
	if cfg.MaintainEvery == 0 {
		cfg.MaintainEvery = time.Minute
	}
	if cfg.ConflictRecheck == 0 {
		cfg.ConflictRecheck = 30 * time.Second
	}
	levels := litestream.CompactionLevels{
		{Level: 0}, {Level: 1, Interval: 30 * time.Second}, {Level: 2, Interval: 5 * time.Minute}, {Level: 3, Interval: time.Hour},
	}
	store := litestream.NewStore(nil, levels)
	store.Logger = cfg.Logger.With("system", "litestream")
	// Point-in-time restore window: snapshots kept cfg.Retention; the
	// child's maintenance loop also snapshots databases that are not
	// followed (closed tenants) so that retention never leaves one without
	// a restorable snapshot.
	store.SnapshotRetention = cfg.Retention
	store.SnapshotInterval = cfg.SnapshotEvery
	store.SetShutdownSyncTimeout(10 * time.Second)
	return &Replicator{cfg: cfg, store: store, levels: levels, dbs: map[string]*repDB{}, drills: loadDrillBook(cfg.Dir)}, nil
}

// Run serves the control socket and replicates until ctx is done, then
// does a final sync of every followed database.
func (rp *Replicator) Run(ctx context.Context) error {
	rp.started = time.Now()
	if err := rp.store.Open(ctx); err != nil {
		return fmt.Errorf("litestream store: %w", err)
	}
	_ = os.Remove(rp.cfg.Socket)
	ln, err := net.Listen("unix", rp.cfg.Socket)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	_ = os.Chmod(rp.cfg.Socket, 0o600)
	rp.cfg.Logger.Info("replication started", "replica", rp.cfg.Target.String(), "socket", rp.cfg.Socket, "pid", os.Getpid())
	go rp.serveControl(ctx, ln)

	// Bring every database up to date once.
	for _, name := range LocalDBs(rp.cfg.Dir) {
		rp.db(name).initial = true
	}
	rp.scan(ctx)
	scan := time.NewTicker(rp.cfg.ScanInterval)
	defer scan.Stop()
	maintain := time.NewTicker(rp.cfg.MaintainEvery)
	defer maintain.Stop()
	parent := time.NewTicker(time.Second)
	defer parent.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-scan.C:
			rp.scan(ctx)
		case <-maintain.C:
			if rp.maintaining.CompareAndSwap(false, true) {
				go func() { defer rp.maintaining.Store(false); rp.maintain(ctx) }()
			}
		case <-parent.C:
			if rp.cfg.ParentPID != 0 && os.Getppid() != rp.cfg.ParentPID {
				rp.cfg.Logger.Warn("server process gone: final sync and exit")
				break loop
			}
		}
	}
	_ = ln.Close()
	_ = os.Remove(rp.cfg.Socket)
	return rp.shutdown()
}

// shutdown releases every followed database (final sync each).
func (rp *Replicator) shutdown() error {
	start := time.Now()
	rp.catchUp()
	var wg sync.WaitGroup
	var failed atomic.Int32
	for _, d := range rp.all() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := rp.release(d); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	err := rp.store.Close(context.Background())
	rp.cfg.Logger.Info("replication stopped: final sync done", "ms", time.Since(start).Milliseconds(), "failed", failed.Load())
	if failed.Load() > 0 && err == nil {
		err = fmt.Errorf("final sync failed for %d database(s)", failed.Load())
	}
	return err
}

// catchUp follows, before the final sync, every database changed since
// its last release that the periodic scan has not picked up yet (a write
// or a checkpoint of the server's last seconds): the final sync then
// covers every database, not only the followed ones.
func (rp *Replicator) catchUp() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, rp.cfg.MaxCatchUp)
	for _, name := range LocalDBs(rp.cfg.Dir) {
		d := rp.db(name)
		rp.mu.Lock()
		skip := d.ldb != nil || d.paused || d.busy || d.conflict != "" || d.fp == fingerprintOf(d.path)
		rp.mu.Unlock()
		if skip {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() { defer func() { <-sem; wg.Done() }(); _ = rp.activate(ctx, d) }()
	}
	wg.Wait()
}

func (rp *Replicator) db(name string) *repDB {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	d, ok := rp.dbs[name]
	if !ok {
		d = &repDB{name: name, path: DBPath(rp.cfg.Dir, name)}
		rp.dbs[name] = d
	}
	return d
}

func (rp *Replicator) all() []*repDB {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	out := make([]*repDB, 0, len(rp.dbs))
	for _, d := range rp.dbs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
