package replication

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/superfly/ltx"
)

// Why this file exists (issue #13): Litestream continues a database's
// replica from the WAL offset of its last LTX file. While nobody follows
// the database (the child was killed, or had released it), the server may
// commit more frames, checkpoint them into the database file and restart
// the WAL: the new WAL reuses the file, so frames of the old generation
// stay after its end. When the child comes back, Litestream sees the salt
// change, finds its last page among those stale frames, concludes that the
// WAL restarted right after its last sync and continues from the new WAL
// header: the frames committed in between exist only in the database file
// and never reach the replica (restores then lose rows or fail
// integrity_check). The guard below closes that hole: before following a
// database it holds a read transaction (no WAL restart can happen from
// then on) and compares the WAL's salt with the last LTX file's. Equal
// salts mean the WAL did not restart, so every frame since the last sync is
// still in it. Different salts mean it may have: the guard runs a TRUNCATE
// checkpoint, which leaves an empty WAL, and Litestream then takes a full
// snapshot (its "WAL truncated" path) instead of an incremental file.

// metaDir returns Litestream's local state directory of a database file.
func metaDir(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+litestream.MetaDirSuffix)
}

// lastLTXHeader returns the header of the last local level-0 LTX file of
// a database (ok false when there is none: the first sync snapshots).
func lastLTXHeader(path string) (ltx.Header, bool, error) {
	dir := filepath.Join(metaDir(path), "ltx", "0")
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return ltx.Header{}, false, nil
	} else if err != nil {
		return ltx.Header{}, false, err
	}
	var best string
	var bestTX ltx.TXID
	for _, e := range ents {
		if _, maxTX, err := ltx.ParseFilename(e.Name()); err == nil && maxTX > bestTX {
			best, bestTX = e.Name(), maxTX
		}
	}
	if best == "" {
		return ltx.Header{}, false, nil
	}
	f, err := os.Open(filepath.Join(dir, best))
	if err != nil {
		return ltx.Header{}, false, err
	}
	defer f.Close()
	dec := ltx.NewDecoder(f)
	if err := dec.DecodeHeader(); err != nil {
		return ltx.Header{}, false, fmt.Errorf("decode %s: %w", best, err)
	}
	return dec.Header(), true, nil
}

// walSalt reads the salt of a database's WAL header (ok false when the
// WAL is missing or shorter than its header).
func walSalt(path string) (salt [2]uint32, ok bool, err error) {
	f, err := os.Open(path + "-wal")
	if errors.Is(err, os.ErrNotExist) {
		return salt, false, nil
	} else if err != nil {
		return salt, false, err
	}
	defer f.Close()
	hdr := make([]byte, litestream.WALHeaderSize)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return salt, false, nil
	}
	return [2]uint32{binary.BigEndian.Uint32(hdr[16:]), binary.BigEndian.Uint32(hdr[20:])}, true, nil
}

// guardWAL makes sure Litestream can continue a database incrementally
// (see the comment at the top of this file). It returns a release
// function to call once Litestream has synced the database (and so holds
// its own read transaction); truncated reports that the WAL had restarted
// and was truncated (the next sync is a full snapshot).
//
// With force (a database taking over a replica), the WAL is truncated
// whatever its salt: its frames belong to no history the replica knows.
func guardWAL(ctx context.Context, path string, force bool, logger *slog.Logger) (release func(), truncated bool, err error) {
	nop := func() {}
	hdr, ok, err := lastLTXHeader(path)
	if err != nil || (!ok && !force) {
		return nop, false, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)") // never creates a missing file
	if err != nil {
		return nop, false, err
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nop, false, err
	}
	closeAll := func() { _ = conn.Close(); _ = db.Close() }
	// Hold a read transaction: from now on no checkpoint can restart the
	// WAL until Litestream holds its own.
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		closeAll()
		return nop, false, err
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		closeAll()
		return nop, false, err
	}
	release = func() { _, _ = conn.ExecContext(context.Background(), "ROLLBACK"); closeAll() }
	salt, walOK, err := walSalt(path)
	if err != nil {
		release()
		return nop, false, err
	}
	if !walOK || (!force && salt[0] == hdr.WALSalt1 && salt[1] == hdr.WALSalt2) {
		// no WAL (Litestream snapshots) or the same WAL generation: every
		// frame since the last LTX file is still in the WAL.
		return release, false, nil
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		closeAll()
		return nop, false, err
	}
	defer closeAll()
	logger.Warn("the WAL restarted while the database was not followed: truncating it so that the next sync is a full snapshot",
		"db", path, "ltx_txid", hdr.MaxTXID.String())
	for attempt := 0; ; attempt++ {
		var busy, logN, done int
		if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logN, &done); err != nil {
			return nop, false, fmt.Errorf("truncate checkpoint: %w", err)
		}
		if busy == 0 {
			return nop, true, nil
		}
		if attempt >= 20 {
			return nop, false, errors.New("truncate checkpoint: database busy")
		}
		select {
		case <-ctx.Done():
			return nop, false, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
