package tenants

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/mattn/go-sqlite3"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
)

// StorageKind classifies a server-side database failure. Every kind but
// the empty one is answered 503 with Retry-After (the client keeps its data
// and retries), never 4xx.
type StorageKind string

// Storage failure kinds.
const (
	// StorageOK: not a storage failure.
	StorageOK StorageKind = ""
	// StorageBusy: the database is busy or locked, or the tenant app was
	// closed under the request (a reopen is under way): transient, the
	// tenant stays in service.
	StorageBusy StorageKind = "busy"
	// StorageMissing: data.db is absent, cannot be opened or was deleted
	// or moved while open. The tenant is out of service until it is back.
	StorageMissing StorageKind = "missing"
	// StorageReadOnly: data.db or its directory is not writable. Reads are
	// served, writes refused until permissions return.
	StorageReadOnly StorageKind = "readonly"
	// StorageIO: I/O error, disk full, corrupt or not a database.
	StorageIO StorageKind = "ioerr"
)

// StorageErrorKind returns the storage failure err reports, StorageOK for
// any other error (and nil). It looks through PocketBase's ApiError (whose
// cause is its RawData) and wrapped errors for a SQLite error, and reads
// the messages of SQLite and database/sql when the type was lost on the way.
func StorageErrorKind(err error) StorageKind {
	for range 8 {
		var api *router.ApiError
		if !errors.As(err, &api) {
			break
		}
		raw, _ := api.RawData().(error)
		if raw == nil {
			return StorageOK
		}
		err = raw
	}
	if err == nil {
		return StorageOK
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch {
		case se.ExtendedCode == sqlite3.ErrReadonlyDbMoved:
			return StorageMissing
		case se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked:
			return StorageBusy
		case se.Code == sqlite3.ErrReadonly:
			return StorageReadOnly
		case se.Code == sqlite3.ErrCantOpen:
			return StorageMissing
		case se.Code == sqlite3.ErrIoErr || se.Code == sqlite3.ErrFull || se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB:
			return StorageIO
		}
		return StorageOK
	}
	if errors.Is(err, ErrTenantMissing) {
		return StorageMissing
	}
	msg := err.Error()
	for _, m := range storageMessages {
		if strings.Contains(msg, m.text) {
			return m.kind
		}
	}
	return StorageOK
}

// storageMessages are the texts of SQLite's result codes (sqlite3_errstr)
// and of database/sql, for errors that lost their type (%v wrapping).
var storageMessages = []struct {
	text string
	kind StorageKind
}{
	{"database file has been moved since it was opened", StorageMissing},
	{"attempt to write a readonly database", StorageReadOnly},
	{"unable to open database file", StorageMissing},
	{"disk I/O error", StorageIO},
	{"database or disk is full", StorageIO},
	{"database disk image is malformed", StorageIO},
	{"file is not a database", StorageIO},
	{"database is locked", StorageBusy},
	{"database table is locked", StorageBusy},
	{"sql: database is closed", StorageBusy},
}

// ServerSideError reports whether err, refused by PocketBase's record API
// as a 4xx, was in fact the server's failure: a SQLite error other than
// one caused by the data sent (constraint, too big, type mismatch, out of
// range), or a domain error coded internal. Such an answer is a 500: the
// client did nothing wrong and may retry.
func ServerSideError(err error) bool {
	var api *router.ApiError
	if errors.As(err, &api) {
		raw, _ := api.RawData().(error)
		if raw == nil {
			return false
		}
		err = raw
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrConstraint, sqlite3.ErrTooBig, sqlite3.ErrMismatch, sqlite3.ErrRange:
			return false
		}
		return true
	}
	var de *domain.Error
	return errors.As(err, &de) && de.Code == domain.EInternal
}

// NoteStorageError classifies err (StorageErrorKind) and, when it is a
// storage fault of the tenant serving ctx's request, takes that tenant's
// app out of service: the fault is recorded (log at error level, gauge
// fieldops_tenants_unavailable) and the app closed once its requests are
// done, so that the next request reopens fresh connections (SQLite keeps
// a connection opened read-only that way for good). Every HTTP answer of
// a database failure goes through it: handlers' answerOf and the tenant
// router's error middleware.
func NoteStorageError(ctx context.Context, err error) StorageKind {
	kind := StorageErrorKind(err)
	if kind == StorageOK || kind == StorageBusy {
		return kind
	}
	if t := FromContext(ctx); t != nil && t.reg != nil {
		t.reg.storageFailed(t, kind, err)
	}
	return kind
}

// fileID identifies a file on disk (device and inode): a data.db deleted
// or replaced while its tenant is open no longer matches.
type fileID struct{ dev, ino uint64 }

// statID returns the identity of the file at path.
func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, nil
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// probeStorage checks a tenant's files without opening them (opening and
// closing data.db outside SQLite would drop SQLite's POSIX locks):
// StorageMissing when data.db cannot be found, StorageReadOnly when it,
// its WAL files or its directory are not writable (chmod, chattr +i, a
// read-only mount: access(2) sees them all, even for root), else StorageOK.
func probeStorage(dir string) (StorageKind, error) {
	db := filepath.Join(dir, "data.db")
	if _, err := os.Stat(db); err != nil {
		return StorageMissing, err
	}
	for _, p := range []string{dir, db, db + "-wal", db + "-shm"} {
		err := syscall.Access(p, 2) // W_OK
		if err == nil || (p != dir && p != db && errors.Is(err, fs.ErrNotExist)) {
			continue
		}
		return StorageReadOnly, &fs.PathError{Op: "access", Path: p, Err: err}
	}
	return StorageOK, nil
}

// alignWALModes gives data.db's -wal and -shm files the permissions of
// data.db when data.db is writable and they are not: SQLite creates them
// with the mode data.db has at that moment, so the ones created while it
// was read-only would keep the tenant read-only after its permissions
// returned.
func alignWALModes(dir string) {
	db := filepath.Join(dir, "data.db")
	fi, err := os.Stat(db)
	if err != nil || syscall.Access(db, 2) != nil {
		return
	}
	for _, p := range []string{db + "-wal", db + "-shm"} {
		if err := syscall.Access(p, 2); err != nil && !errors.Is(err, fs.ErrNotExist) {
			_ = os.Chmod(p, fi.Mode().Perm())
		}
	}
}

// noCreateDSN returns the SQLite URI of an existing database file that
// SQLite must never create (mode=rw: opening a missing file fails with
// SQLITE_CANTOPEN instead of creating an empty database).
func noCreateDSN(path string) string {
	// NB: SQLite's URI parser decodes %XX and stops the path at ? and #.
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) + "?mode=rw"
}

// StorageText is the user message of a storage failure: the server is
// busy, or the tenant's data are unavailable; either way nothing the user
// entered is lost and they may retry.
func StorageText(kind StorageKind) catalog.Text {
	if kind == StorageBusy {
		return catalog.New("err.storage.busy")
	}
	return catalog.New("err.storage.unavailable")
}
