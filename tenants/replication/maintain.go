package replication

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/benbjohnson/litestream"
)

// Maintenance keeps every replica restorable, open tenant or not (issue
// #13): Litestream snapshots only the databases it follows when its daily
// tick fires, so a tenant closed at that moment had no recent snapshot and
// retention could leave it unrestorable. Every MaintainEvery the child:
//   - snapshots each database whose newest snapshot in the replica is older
//     than SnapshotEvery (following it for the time it takes), compacts its
//     levels and applies Litestream's retention to it (snapshots older than
//     Retention and the files only they needed are deleted — the newest
//     snapshot is always kept);
//   - runs the restore drill of the one database whose last drill is the
//     oldest, when it is older than DrillEvery: every replica is restored and
//     checked in turn, and a failure is reported the moment it happens.

// maintain runs one maintenance round (see above).
func (rp *Replicator) maintain(ctx context.Context) {
	for _, d := range rp.all() {
		if ctx.Err() != nil {
			return
		}
		if !fileExists(d.path) {
			continue
		}
		if err := rp.snapshotIfDue(ctx, d); err != nil && !errors.Is(err, errRefused) && ctx.Err() == nil {
			rp.fail(d, fmt.Errorf("snapshot: %w", err))
		}
	}
	if rp.cfg.DrillEvery < 0 {
		return
	}
	var due *repDB
	var dueAt time.Time
	for _, d := range rp.all() {
		at := time.Time{}
		if last := rp.drills.get(d.name); last != nil {
			at = last.At
		}
		if time.Since(at) < rp.cfg.DrillEvery {
			continue
		}
		if due == nil || at.Before(dueAt) {
			due, dueAt = d, at
		}
	}
	if due != nil && ctx.Err() == nil {
		rp.runDrill(ctx, due.name)
	}
}

// lastSnapshotOf returns the creation time of the newest snapshot in the
// replica of d (cached once known).
func (rp *Replicator) lastSnapshotOf(ctx context.Context, d *repDB) (time.Time, error) {
	rp.mu.Lock()
	last := d.lastSnapshot
	rp.mu.Unlock()
	if !last.IsZero() {
		return last, nil
	}
	client, err := rp.cfg.Target.Client(d.name)
	if err != nil {
		return time.Time{}, err
	}
	itr, err := client.LTXFiles(ctx, litestream.SnapshotLevel, 0, false)
	if err != nil {
		return time.Time{}, err
	}
	for itr.Next() {
		if at := itr.Item().CreatedAt; at.After(last) {
			last = at
		}
	}
	if err := itr.Close(); err != nil {
		return time.Time{}, err
	}
	rp.mu.Lock()
	d.lastSnapshot = last
	rp.mu.Unlock()
	return last, nil
}

// snapshotIfDue writes a fresh snapshot of d when its newest one is older
// than SnapshotEvery, then applies retention.
func (rp *Replicator) snapshotIfDue(ctx context.Context, d *repDB) error {
	rp.mu.Lock()
	skip := d.paused || d.conflict != ""
	rp.mu.Unlock()
	if skip {
		return nil
	}
	last, err := rp.lastSnapshotOf(ctx, d)
	if err != nil {
		return err
	}
	if time.Since(last) < rp.cfg.SnapshotEvery {
		return nil
	}
	if err := rp.activate(ctx, d); err != nil {
		return err
	}
	d.op.Lock() // no release while the snapshot is written
	defer d.op.Unlock()
	rp.mu.Lock()
	ldb := d.ldb
	d.lastTXChange = time.Now() // keep it followed until the snapshot is done
	rp.mu.Unlock()
	if ldb == nil {
		return nil // paused or released meanwhile: next round
	}
	if err := rp.syncOnce(ctx, d, ldb); err != nil {
		return err
	}
	for _, lvl := range rp.levels[1:] {
		if _, err := rp.store.CompactDB(ctx, ldb, lvl); err != nil &&
			!errors.Is(err, litestream.ErrNoCompaction) && !errors.Is(err, litestream.ErrCompactionTooEarly) {
			return fmt.Errorf("compact level %d: %w", lvl.Level, err)
		}
	}
	info, err := ldb.Snapshot(ctx)
	if err != nil {
		return err
	}
	if err := rp.store.EnforceSnapshotRetention(ctx, ldb); err != nil {
		return err
	}
	if err := ldb.EnforceL0RetentionByTime(ctx); err != nil {
		return err
	}
	at := info.CreatedAt
	if at.IsZero() {
		at = time.Now()
	}
	rp.mu.Lock()
	d.lastSnapshot = at
	rp.mu.Unlock()
	rp.cfg.Logger.Info("snapshot written", "db", d.name, "txid", info.MaxTXID.String(), "bytes", info.Size)
	return nil
}
