package replication

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/benbjohnson/litestream"
)

// Following one database: activation (lineage check, WAL guard), the
// periodic sync, errors, the final sync and release, forced syncs.

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
	rp.mu.Lock()
	d.syncing = time.Now()
	rp.mu.Unlock()
	flushWAL(d.path)
	err := ldb.Sync(sctx)
	if err == nil {
		err = ldb.Replica.Sync(sctx)
	}
	if ctx.Err() != nil {
		rp.mu.Lock()
		d.syncing = time.Time{}
		rp.mu.Unlock()
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
	since := d.syncing // behind since the sync that failed began
	if since.IsZero() {
		since = now
	}
	d.syncing = time.Time{}
	if err != nil {
		d.lastErr, d.errAt = err.Error(), now
		d.errors++
	} else {
		d.lastSync = now
		d.lastErr = ""
	}
	if d.localTX > d.replicaTX || err != nil {
		if d.behindSince.IsZero() {
			d.behindSince = since
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
