package tenants_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

func fastStorageCheck(c *tenants.Config) { c.StorageCheck = 20 * time.Millisecond }

// TestRestartWithMissingDatabaseNeverCreatesIt: a registry opened on a data
// dir whose active tenant lost its data.db counts the tenant out of
// service at once, answers its host 503 (page and JSON) and never creates
// the file, while the control plane still lists the tenant.
func TestRestartWithMissingDatabaseNeverCreatesIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tt := tenanttest.New(t, tenanttest.WithDir(dir), withHostRoutes)
	tt.App()
	if err := tt.Registry.Close(); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "tenants", "acme", "data.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}

	reg := tenanttest.NewRegistry(t, tenanttest.WithDir(dir), withHostRoutes, fastStorageCheck)
	if n := reg.Unavailable(); n != 1 {
		t.Fatalf("Unavailable() = %d at open, want 1", n)
	}
	page := tenanttest.Do(t, reg, http.MethodGet, "acme.localhost", "/", "", nil)
	if page.Code != 503 || page.Header().Get("Retry-After") == "" || !strings.Contains(page.Body.String(), "hors service") {
		t.Fatalf("page: %d %q %s", page.Code, page.Header().Get("Retry-After"), page.Body)
	}
	api := tenanttest.Do(t, reg, http.MethodGet, "acme.localhost", "/api/health", "", nil)
	if api.Code != 503 || !strings.HasPrefix(api.Header().Get("Content-Type"), "application/json") || !strings.Contains(api.Body.String(), `"status":503`) {
		t.Fatalf("API: %d %s %s", api.Code, api.Header().Get("Content-Type"), api.Body)
	}
	if _, _, err := reg.Acquire(context.Background(), "acme"); !errors.Is(err, tenants.ErrTenantMissing) {
		t.Fatalf("Acquire = %v, want ErrTenantMissing", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("data.db created: %v", err)
	}
	if info, err := reg.Get("acme"); err != nil || info.Status != tenants.StatusActive {
		t.Fatalf("control plane: %+v %v", info, err)
	}
	if rec := tenanttest.Do(t, reg, http.MethodGet, "localhost", "/", "", nil); rec.Code != 200 {
		t.Errorf("platform host: %d", rec.Code)
	}
}

// TestReconnectNeverCreatesDatabase: a connection SQLite opens after the
// file was deleted (idle connections are closed and reopened) fails
// instead of creating an empty database.
func TestReconnectNeverCreatesDatabase(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	db := filepath.Join(tt.Registry.TenantDir("acme"), "data.db")
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	app.ConcurrentDB().(*dbx.DB).DB().SetMaxIdleConns(0) // the next query opens a connection
	_, err := app.CountRecords("users")
	if kind := tenants.StorageErrorKind(err); kind != tenants.StorageMissing {
		t.Fatalf("query after the deletion: %v (kind %q), want a missing database", err, kind)
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("data.db re-created by a new connection: %v", err)
	}
}

// TestReplacedDatabaseIsReopened: a data.db replaced while the tenant is
// open (moved aside with its WAL, a restored file renamed in) is served
// from the new file on the next request.
func TestReplacedDatabaseIsReopened(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t, withHostRoutes, fastStorageCheck)
	reg := tt.Registry
	if rec := tenanttest.Do(t, reg, http.MethodGet, tt.Host(), "/", "", nil); !strings.Contains(rec.Body.String(), "Entreprise ACME") {
		t.Fatalf("before: %d %s", rec.Code, rec.Body)
	}
	db := filepath.Join(reg.TenantDir("acme"), "data.db")
	restored := filepath.Join(t.TempDir(), "data.db")
	if err := tenants.BackupDB(context.Background(), db, restored); err != nil {
		t.Fatal(err)
	}
	raw, err := openDB(restored)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE " + domain.CollectionCompany + " SET name = 'Restaurée'"); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	_ = raw.Close()
	aside := t.TempDir()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(db+suffix, filepath.Join(aside, "data.db"+suffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if err := os.Rename(restored, db); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond) // a read checks the file at most once per StorageCheck
	if rec := tenanttest.Do(t, reg, http.MethodGet, tt.Host(), "/", "", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Restaurée") {
		t.Fatalf("after the replacement: %d %s", rec.Code, rec.Body)
	}
	if reg.Unavailable() != 0 {
		t.Errorf("a replaced file counted as a fault")
	}
}

// TestStorageErrorKindOfRealSQLiteErrors classifies errors SQLite really
// returns, bare, wrapped and inside PocketBase's ApiError.
func TestStorageErrorKindOfRealSQLiteErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	rw, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE); INSERT INTO t (v) VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	ro, err := openDB("file:" + path + "?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, readonly := ro.Exec("INSERT INTO t (v) VALUES ('b')")

	holder, err := rw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	other, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	_, busy := conn.ExecContext(ctx, "INSERT INTO t (v) VALUES ('c')")
	_, _ = holder.ExecContext(ctx, "ROLLBACK")

	missing := func() error {
		db, err := openDB("file:" + filepath.Join(dir, "absent.db") + "?mode=rw")
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Ping()
	}()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 400)), 0o600); err != nil {
		t.Fatal(err)
	}
	notADB := func() error {
		db, err := openDB(junk)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.Exec("SELECT count(*) FROM sqlite_master")
		return err
	}()
	_, constraint := rw.Exec("INSERT INTO t (v) VALUES ('a')")
	_, noTable := rw.Exec("SELECT * FROM nope")
	closedDB, _ := openDB(path)
	_ = closedDB.Close()
	_, closed := closedDB.Exec("SELECT 1")
	invalid := validation.Errors{"name": validation.NewError("validation_required", "Cannot be blank.")}

	cases := []struct {
		name       string
		err        error
		kind       tenants.StorageKind
		serverSide bool
	}{
		{"nil", nil, tenants.StorageOK, false},
		{"read-only", readonly, tenants.StorageReadOnly, true},
		{"read-only in a 400 ApiError", router.NewBadRequestError("Failed to create record.", readonly), tenants.StorageReadOnly, true},
		{"read-only wrapped with %w", fmt.Errorf("save: %w", readonly), tenants.StorageReadOnly, true},
		{"read-only, type lost", fmt.Errorf("save: %v", readonly), tenants.StorageReadOnly, false},
		{"busy", busy, tenants.StorageBusy, true},
		{"cannot open", missing, tenants.StorageMissing, true},
		{"not a database", notADB, tenants.StorageIO, true},
		{"database closed", closed, tenants.StorageBusy, false},
		{"missing tenant", fmt.Errorf("%w: acme", tenants.ErrTenantMissing), tenants.StorageMissing, false},
		{"constraint", router.NewBadRequestError("Failed to create record.", constraint), tenants.StorageOK, false},
		{"no such table", router.NewBadRequestError("Failed to create record.", noTable), tenants.StorageOK, true},
		{"validation", router.NewBadRequestError("Failed to create record.", invalid), tenants.StorageOK, false},
		{"domain refusal", router.NewBadRequestError("x", domain.Errorf(domain.EInvalid, "err.internal")), tenants.StorageOK, false},
		{"domain internal", router.NewBadRequestError("x", domain.Errorf(domain.EInternal, "err.internal")), tenants.StorageOK, true},
	}
	for _, c := range cases {
		if c.name != "nil" && c.err == nil {
			t.Errorf("%s: SQLite returned no error", c.name)
			continue
		}
		if got := tenants.StorageErrorKind(c.err); got != c.kind {
			t.Errorf("%s: StorageErrorKind(%v) = %q, want %q", c.name, c.err, got, c.kind)
		}
		if got := tenants.ServerSideError(c.err); got != c.serverSide {
			t.Errorf("%s: ServerSideError(%v) = %v, want %v", c.name, c.err, got, c.serverSide)
		}
	}
}

// openDB opens a SQLite database with the project's driver (registered by
// DBConnect).
func openDB(dsn string) (*sql.DB, error) {
	db, err := tenants.DBConnect(dsn)
	if err != nil {
		return nil, err
	}
	return db.DB(), nil
}
