package replication

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
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

// fingerprint identifies a database file state (data.db and its WAL).
type fingerprint struct {
	dbSize, walSize   int64
	dbMtime, walMtime int64
}

func fingerprintOf(path string) fingerprint {
	var f fingerprint
	if st, err := os.Stat(path); err == nil {
		f.dbSize, f.dbMtime = st.Size(), st.ModTime().UnixNano()
	}
	if st, err := os.Stat(path + "-wal"); err == nil {
		f.walSize, f.walMtime = st.Size(), st.ModTime().UnixNano()
	}
	return f
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

// scan follows new databases and databases changed since their last
// release, releases databases no longer needed, and drops deleted ones.
func (rp *Replicator) scan(ctx context.Context) {
	present := map[string]bool{}
	for _, name := range LocalDBs(rp.cfg.Dir) {
		present[name] = true
		rp.db(name)
	}
	catchUp := 0
	for _, d := range rp.all() {
		rp.mu.Lock()
		active, open, paused, busy := d.ldb != nil, d.open, d.paused, d.busy
		if active && !open {
			catchUp++
		}
		rp.mu.Unlock()
		switch {
		case busy || paused:
		case !present[d.name]:
			if active {
				go func() { _ = rp.release(d) }()
			}
			rp.mu.Lock()
			if d.ldb == nil && !d.busy {
				delete(rp.dbs, d.name)
			}
			rp.mu.Unlock()
		case !active && (open || d.fp != fingerprintOf(d.path)):
			if !open && catchUp >= rp.cfg.MaxCatchUp {
				continue
			}
			catchUp++
			go func() { _ = rp.activate(ctx, d) }()
		case active && !open && rp.settled(d):
			go func() { _ = rp.release(d) }()
		}
	}
	if !rp.ready.Load() {
		pending := 0
		for _, d := range rp.all() {
			rp.mu.Lock()
			if d.initial {
				pending++
			}
			rp.mu.Unlock()
		}
		if pending == 0 {
			rp.ready.Store(true)
			rp.cfg.Logger.Info("every database brought up to date", "ms", time.Since(rp.started).Milliseconds())
		}
	}
}

// settled reports whether a followed database is in sync and unchanged
// for Linger (it can be released).
func (rp *Replicator) settled(d *repDB) bool {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return d.localTX > 0 && d.localTX == d.replicaTX && time.Since(d.lastTXChange) >= rp.cfg.Linger
}

// activate starts following a database.
func (rp *Replicator) activate(ctx context.Context, d *repDB) error {
	d.op.Lock()
	defer d.op.Unlock()
	rp.mu.Lock()
	if d.ldb != nil || d.paused {
		rp.mu.Unlock()
		return nil
	}
	d.busy = true
	rp.mu.Unlock()
	defer func() { rp.mu.Lock(); d.busy = false; rp.mu.Unlock() }()

	rp.mu.Lock()
	refused := d.conflict != "" && time.Since(d.conflictAt) < rp.cfg.ConflictRecheck
	rp.mu.Unlock()
	if refused && adoptionMarked(d.path) {
		refused = false // restored from its replica meanwhile: check again now
	}
	if refused {
		return errRefused
	}
	client, err := rp.cfg.Target.Client(d.name)
	if err != nil {
		rp.fail(d, err)
		return err
	}
	ldb := litestream.NewDB(d.path)
	ldb.MonitorInterval = 0 // synced by follow, which records errors
	replica := litestream.NewReplicaWithClient(ldb, client)
	replica.MonitorEnabled = false
	ldb.Replica = replica
	if err := client.Init(ctx); err != nil {
		rp.fail(d, fmt.Errorf("replica storage: %w", err))
		return err
	}
	lin, err := checkLineage(ctx, client, d.name, d.path, slices.Contains(rp.cfg.AllowReplace, d.name))
	if err != nil {
		rp.fail(d, fmt.Errorf("compare with the replica: %w", err))
		return err
	}
	rp.mu.Lock()
	was := d.conflict
	d.conflict, d.conflictAt = lin.conflict, time.Now()
	rp.mu.Unlock()
	if lin.conflict != "" {
		if was != lin.conflict {
			rp.fail(d, errors.New(lin.conflict))
		}
		return errRefused
	}
	switch {
	case lin.seed:
		rp.cfg.Logger.Info("replica empty: seeding it with a full snapshot", "db", d.name)
	case lin.adopted:
		rp.cfg.Logger.Warn("database takes over its replica (restored from it, or forced)", "db", d.name)
	}
	unguard, truncated, err := guardWAL(ctx, d.path, lin.adopted, rp.cfg.Logger)
	if err != nil {
		rp.fail(d, fmt.Errorf("check WAL continuity: %w", err))
		return err
	}
	if err := rp.store.RegisterDB(ldb); err != nil {
		unguard()
		rp.fail(d, err)
		return err
	}
	fctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	rp.mu.Lock()
	d.ldb, d.cancel, d.done = ldb, cancel, done
	d.lastTXChange = time.Now()
	rp.mu.Unlock()
	// The first sync runs while the guard's read transaction still holds
	// the WAL: Litestream takes its own read transaction during it.
	if err := rp.syncOnce(fctx, d, ldb); err == nil && lin.adopted {
		clearAdoption(d.path)
	}
	unguard()
	rp.cfg.Logger.Debug("following database", "db", d.name, "snapshot", truncated)
	go rp.follow(fctx, d, ldb, done)
	return nil
}

// follow syncs one database to its replica every SyncInterval.
func (rp *Replicator) follow(ctx context.Context, d *repDB, ldb *litestream.DB, done chan struct{}) {
	defer close(done)
	tick := time.NewTicker(rp.cfg.SyncInterval)
	defer tick.Stop()
	for {
		rp.syncOnce(ctx, d, ldb)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// syncOnce copies new WAL frames to LTX files, uploads them and records
// positions, lag and errors.
func (rp *Replicator) syncOnce(ctx context.Context, d *repDB, ldb *litestream.DB) error {
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	flushWAL(d.path)
	err := ldb.Sync(sctx)
	if err == nil {
		err = ldb.Replica.Sync(sctx)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	pos, _ := ldb.Pos()
	rpos := ldb.Replica.Pos()
	now := time.Now()
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if uint64(pos.TXID) != d.localTX {
		d.lastTXChange = now
	}
	d.localTX, d.replicaTX = uint64(pos.TXID), uint64(rpos.TXID)
	if err != nil {
		d.lastErr, d.errAt = err.Error(), now
		d.errors++
	} else {
		d.lastSync = now
		d.lastErr = ""
	}
	if d.localTX > d.replicaTX || err != nil {
		if d.behindSince.IsZero() {
			d.behindSince = now
		}
	} else {
		d.behindSince = time.Time{}
		d.initial = false
	}
	return err
}

func (rp *Replicator) fail(d *repDB, err error) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	d.lastErr, d.errAt = err.Error(), time.Now()
	d.errors++
	if d.behindSince.IsZero() {
		d.behindSince = time.Now()
	}
	rp.cfg.Logger.Warn("replication", "db", d.name, "error", err)
}

// release stops following a database after a final sync. When the final
// sync fails the database stays marked unsynced and is followed again.
func (rp *Replicator) release(d *repDB) error {
	d.op.Lock()
	defer d.op.Unlock()
	rp.mu.Lock()
	ldb, cancel, done := d.ldb, d.cancel, d.done
	if ldb == nil {
		rp.mu.Unlock()
		return nil
	}
	d.busy = true
	rp.mu.Unlock()
	cancel()
	<-done
	err := rp.syncOnce(context.Background(), d, ldb)
	if cerr := rp.store.UnregisterDB(context.Background(), d.path); err == nil {
		err = cerr
	}
	rp.mu.Lock()
	defer rp.mu.Unlock()
	d.ldb, d.cancel, d.done, d.busy = nil, nil, nil, false
	if err != nil {
		d.fp = fingerprint{}
		d.lastErr, d.errAt = "final sync: "+err.Error(), time.Now()
		d.errors++
		rp.cfg.Logger.Warn("final sync failed", "db", d.name, "error", err)
		return err
	}
	d.fp = fingerprintOf(d.path)
	d.initial = false
	writeSynced(d.path, d.localTX, d.fp)
	rp.cfg.Logger.Debug("released database", "db", d.name)
	return nil
}

// forceSync syncs a database now (following it first if needed).
func (rp *Replicator) forceSync(ctx context.Context, name string) error {
	if !fileExists(DBPath(rp.cfg.Dir, name)) {
		return fmt.Errorf("no database %q", name)
	}
	d := rp.db(name)
	for i := 0; ; i++ {
		rp.mu.Lock()
		ldb, paused := d.ldb, d.paused
		rp.mu.Unlock()
		if paused {
			return fmt.Errorf("%s is paused for a restore", name)
		}
		if ldb != nil {
			rp.mu.Lock()
			d.lastTXChange = time.Now()
			rp.mu.Unlock()
			return rp.syncOnce(ctx, d, ldb)
		}
		if err := rp.activate(ctx, d); err != nil {
			return err
		}
		if i > 50 {
			return errors.New("could not follow " + name)
		}
	}
}

// Status returns the live status of every database.
func (rp *Replicator) Status() *Status {
	st := &Status{Replica: rp.cfg.Target.String(), PID: os.Getpid(), StartedAt: rp.started, Ready: true, Source: "child"}
	now := time.Now()
	for _, d := range rp.all() {
		rp.mu.Lock()
		s := DBStatus{DB: d.name, Active: d.ldb != nil, Open: d.open, LocalTXID: d.localTX, ReplicaTXID: d.replicaTX, LastError: d.lastErr, Errors: d.errors, Conflict: d.conflict}
		if !d.lastSnapshot.IsZero() {
			t := d.lastSnapshot
			s.LastSnapshot = &t
		}
		if !d.lastSync.IsZero() {
			t := d.lastSync
			s.LastSync = &t
		}
		if !d.errAt.IsZero() {
			t := d.errAt
			s.ErrorAt = &t
		}
		if !d.behindSince.IsZero() {
			s.LagSeconds = now.Sub(d.behindSince).Seconds()
		}
		if d.initial {
			st.Ready = false // not brought up to date since the start yet
		}
		rp.mu.Unlock()
		s.Drill = rp.drills.get(d.name)
		st.DBs = append(st.DBs, s)
	}
	return st
}

// setOpen records which databases the server has open: newly open ones
// are followed, closed ones get a final sync and are released.
func (rp *Replicator) setOpen(ctx context.Context, names []string) {
	want := map[string]bool{}
	for _, n := range names {
		if n != "" && filepath.Base(n) == n {
			want[n] = true
		}
	}
	for n := range want {
		rp.db(n)
	}
	for _, d := range rp.all() {
		rp.mu.Lock()
		was := d.open
		d.open = want[d.name]
		now, paused := d.open, d.paused
		rp.mu.Unlock()
		switch {
		case now && !was && !paused:
			go func() { _ = rp.activate(ctx, d) }()
		case was && !now:
			go func() { _ = rp.release(d) }()
		}
	}
}

func (rp *Replicator) serveControl(ctx context.Context, ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Minute))
			var req controlRequest
			line, err := bufio.NewReader(conn).ReadBytes('\n')
			resp := controlResponse{OK: true}
			if err == nil {
				err = json.Unmarshal(line, &req)
			}
			if err == nil {
				err = rp.handle(ctx, req, &resp)
			}
			if err != nil {
				resp = controlResponse{Error: err.Error()}
			}
			_ = json.NewEncoder(conn).Encode(resp)
		}()
	}
}

func (rp *Replicator) handle(ctx context.Context, req controlRequest, resp *controlResponse) error {
	switch req.Op {
	case "set_open":
		rp.setOpen(ctx, req.Open)
	case "status":
		resp.Status = rp.Status()
	case "sync":
		return rp.forceSync(ctx, req.DB)
	case "pause":
		d := rp.db(req.DB)
		rp.mu.Lock()
		d.paused = true
		rp.mu.Unlock()
		return rp.release(d)
	case "resume":
		d := rp.db(req.DB)
		rp.mu.Lock()
		d.paused, d.fp, d.conflictAt = false, fingerprint{}, time.Time{} // restored: compare with the replica again now
		rp.mu.Unlock()
	case "drill":
		res := rp.runDrill(ctx, req.DB)
		resp.Status = &Status{DBs: []DBStatus{{DB: req.DB, Drill: &res}}}
	default:
		return fmt.Errorf("unknown op %q", req.Op)
	}
	return nil
}
