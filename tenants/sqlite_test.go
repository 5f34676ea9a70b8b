package tenants_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// The replication child (Litestream) writes to a tenant's data.db from
// another process: it creates and bumps _litestream_seq and holds the
// write lock while it seals the WAL and checkpoints. These tests play
// that writer on a second connection of the real driver to the tenant's
// real file and check that the server's write transactions (audit hooks
// included) neither fail with "database is locked" nor let it in between
// their reads and their writes.

// litestreamBump is the write the replication child issues after each of
// its checkpoints (litestream DB.bumpLitestreamSeq).
const litestreamBump = `INSERT INTO _litestream_seq (id, seq) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET seq = seq + 1`

// foreignWriter opens a connection to the tenant's data.db outside its
// app, creates the table the replication child writes, and sets its busy
// timeout (0: a locked database is refused at once).
func foreignWriter(t *testing.T, app core.App, busy time.Duration) *sql.Conn {
	t.Helper()
	db, err := sql.Open(tenants.DriverName, filepath.Join(app.DataDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	for _, q := range []string{
		"PRAGMA busy_timeout = " + strconv.FormatInt(busy.Milliseconds(), 10),
		`CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)`,
	} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return conn
}

func seqOf(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRowContext(context.Background(), `SELECT coalesce(max(seq), 0) FROM _litestream_seq`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// incidentOn builds an incident on site, saved (with its audit event) by
// the caller.
func incidentOn(t *testing.T, app core.App, site string) *core.Record {
	t.Helper()
	col, err := app.FindCachedCollectionByNameOrId(domain.CollectionIncidents)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"site": site, "kind": "safety", "severity": "low", "description": "échafaudage", "status": "open"})
	return r
}

func auditCount(t *testing.T, app core.App) int {
	t.Helper()
	n, err := app.CountRecords(domain.CollectionAuditEvents)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// A foreign commit between the server transaction's read and its write
// used to fail the write with "database is locked" (SQLITE_BUSY_SNAPSHOT:
// a deferred transaction cannot upgrade a stale snapshot, and the busy
// handler is not called for an upgrade; PocketBase retried for 7 s, then
// answered an error). The server's write transactions now take the write
// lock when they begin: the foreign writer is kept out until the commit.
func TestServerWriteTxKeepsForeignWriterOutUntilCommit(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	site := tt.Record(domain.CollectionSites, map[string]any{"code": "S-1", "name": "Chantier", "sector": "btp", "status": "active"})
	foreign := foreignWriter(t, app, 0)
	before := auditCount(t, app)

	var inside error
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.FindRecordById(domain.CollectionSites, site.Id); err != nil {
			return err
		}
		// the replication child writes now
		_, inside = foreign.ExecContext(context.Background(), litestreamBump)
		return tx.Save(incidentOn(t, tx, site.Id))
	})
	if err != nil {
		t.Fatalf("server write transaction failed: %v", err)
	}
	if inside == nil {
		t.Error("a foreign writer committed inside the server's write transaction (begun DEFERRED)")
	}
	if got := auditCount(t, app); got != before+1 {
		t.Errorf("audit events %d, want %d", got, before+1)
	}
	// the foreign writer gets in once the server committed
	if _, err := foreign.ExecContext(context.Background(), litestreamBump); err != nil {
		t.Fatalf("foreign write after the commit: %v", err)
	}
	if n := seqOf(t, foreign); n != 1 {
		t.Errorf("_litestream_seq = %d, want 1", n)
	}
}

// A foreign writer holding the write lock when the server's transaction
// begins (the child sealing the WAL for a checkpoint) makes it wait in
// the busy handler, then run on the new snapshot; it used to read under
// the foreign lock and fail its write.
func TestServerWriteTxWaitsForForeignWriteLock(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	site := tt.Record(domain.CollectionSites, map[string]any{"code": "S-1", "name": "Chantier", "sector": "btp", "status": "active"})
	foreign := foreignWriter(t, app, 10*time.Second)
	before := auditCount(t, app)
	ctx := context.Background()
	for _, q := range []string{"BEGIN IMMEDIATE", litestreamBump} {
		if _, err := foreign.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	var committed, sawCommit atomic.Bool
	entered := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- app.RunInTransaction(func(tx core.App) error {
			sawCommit.Store(committed.Load())
			if _, err := tx.FindRecordById(domain.CollectionSites, site.Id); err != nil {
				return err
			}
			entered <- struct{}{}
			return tx.Save(incidentOn(t, tx, site.Id))
		})
	}()
	// give the server's transaction time to start under the foreign lock
	// (a transaction begun DEFERRED reads at once)
	select {
	case <-entered:
	case <-time.After(300 * time.Millisecond):
	}
	committed.Store(true)
	if _, err := foreign.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatalf("foreign commit: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("server write transaction failed: %v", err)
	}
	if !sawCommit.Load() {
		t.Error("the server's write transaction began while a foreign writer held the write lock")
	}
	if got := auditCount(t, app); got != before+1 {
		t.Errorf("audit events %d, want %d", got, before+1)
	}
	if n := seqOf(t, foreign); n != 1 {
		t.Errorf("_litestream_seq = %d, want 1", n)
	}
}

// Reads outside a transaction (PocketBase's concurrent pool) do not take
// the write lock: they answer while a foreign writer holds it.
func TestServerReadsIgnoreForeignWriteLock(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	site := tt.Record(domain.CollectionSites, map[string]any{"code": "S-1", "name": "Chantier", "sector": "btp", "status": "active"})
	foreign := foreignWriter(t, app, 0)
	ctx := context.Background()
	for _, q := range []string{"BEGIN IMMEDIATE", litestreamBump} {
		if _, err := foreign.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	defer func() { _, _ = foreign.ExecContext(ctx, "ROLLBACK") }()
	if _, err := app.FindRecordById(domain.CollectionSites, site.Id); err != nil {
		t.Errorf("read under a foreign write lock: %v", err)
	}
	if n, err := app.CountRecords(domain.CollectionSites); err != nil || n != 1 {
		t.Errorf("count under a foreign write lock = %d, %v", n, err)
	}
}
