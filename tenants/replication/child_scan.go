package replication

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// Which databases the replication child follows: the server's open set,
// and files changed since their last release (fingerprints).

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
