package replication

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// RestoreInfo describes a restored database file.
type RestoreInfo struct {
	DB      string    `json:"db"`
	Path    string    `json:"path"`
	At      time.Time `json:"at,omitempty"` // requested point in time (zero: latest)
	Bytes   int64     `json:"bytes"`
	InPlace bool      `json:"in_place"`
	// Previous is where the replaced files were kept (in-place restore).
	Previous string `json:"previous,omitempty"`
}

// RestoreDB restores database name from the replica into out (which must
// not exist) at point in time at (zero: latest), with a full integrity
// check. It needs no Registry.
func RestoreDB(ctx context.Context, target ReplicaTarget, name, out string, at time.Time) (RestoreInfo, error) {
	client, err := target.Client(name)
	if err != nil {
		return RestoreInfo{}, err
	}
	if err := client.Init(ctx); err != nil {
		return RestoreInfo{}, fmt.Errorf("replica storage: %w", err)
	}
	if fileExists(out) {
		return RestoreInfo{}, domain.Errorf(domain.EConflict, "err.backup.output_exists", out)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return RestoreInfo{}, err
	}
	r := litestream.NewReplicaWithClient(nil, client)
	opt := litestream.NewRestoreOptions()
	opt.OutputPath = out
	opt.Timestamp = at
	opt.IntegrityCheck = litestream.IntegrityCheckFull
	if err := r.Restore(ctx, opt); err != nil {
		if errors.Is(err, litestream.ErrTxNotAvailable) || errors.Is(err, litestream.ErrNoSnapshots) {
			return RestoreInfo{}, domain.Errorf(domain.ENotFound, "err.backup.no_backup", name, err)
		}
		return RestoreInfo{}, fmt.Errorf("restore %s: %w", name, err)
	}
	st, err := os.Stat(out)
	if err != nil {
		return RestoreInfo{}, err
	}
	return RestoreInfo{DB: name, Path: out, At: at, Bytes: st.Size()}, nil
}

// CheckIntegrity runs SQLite's full integrity_check on a restored file
// (one no other connection opens) and fails when it finds no table.
func CheckIntegrity(ctx context.Context, path string) error {
	_, err := checkRestored(ctx, path)
	return err
}

// RestoreCopy restores database name into <to>/data.db (see RestoreDB)
// and marks the copy as restored from this replica: moved into a data
// directory (a lost volume, a new shard), it takes the replica over
// instead of being refused as unrelated to it.
// A directory it creates is removed again on failure: Litestream writes
// the file under a temporary name and renames it once complete, so a
// failed restore leaves nothing behind.
func RestoreCopy(ctx context.Context, target ReplicaTarget, name, to string, at time.Time) (RestoreInfo, error) {
	_, statErr := os.Stat(to)
	res, err := RestoreDB(ctx, target, name, filepath.Join(to, "data.db"), at)
	if err == nil {
		err = MarkAdoption(res.Path)
	}
	if err != nil && errors.Is(statErr, os.ErrNotExist) {
		_ = os.RemoveAll(to)
	}
	return res, err
}

// checkRestored runs integrity_check on a restored file and counts its
// tables. NB: it uses the modernc engine (driver "sqlite", linked by
// Litestream) on a scratch file no other connection opens.
func checkRestored(ctx context.Context, path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return 0, fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("integrity check: %s", res)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errors.New("restored database has no tables")
	}
	return n, nil
}

// ReplicaStatus reads the replication state of every local database from
// the replica storage itself (used by `backup status` when no replication
// child runs): replica position and last upload time; lag is the age of
// local changes newer than the replica.
func ReplicaStatus(ctx context.Context, dir string, target ReplicaTarget) (*Status, error) {
	st := &Status{Replica: target.String(), Source: "replica", Ready: true}
	drills := loadDrillBook(dir)
	for _, name := range LocalDBs(dir) {
		s := DBStatus{DB: name, Drill: drills.get(name)}
		client, err := target.Client(name)
		if err != nil {
			return nil, err
		}
		if err := client.Init(ctx); err != nil {
			s.LastError = err.Error()
			st.DBs = append(st.DBs, s)
			continue
		}
		r := litestream.NewReplicaWithClient(nil, client)
		var updated time.Time
		for _, level := range []int{0, 1, 2, 3, litestream.SnapshotLevel} {
			info, err := r.MaxLTXFileInfo(ctx, level)
			if err != nil {
				s.LastError = err.Error()
				break
			}
			if uint64(info.MaxTXID) > s.ReplicaTXID {
				s.ReplicaTXID = uint64(info.MaxTXID)
			}
			if info.CreatedAt.After(updated) {
				updated = info.CreatedAt
			}
		}
		if _, maxTX, err := litestream.NewDB(DBPath(dir, name)).MaxLTX(); err == nil {
			s.LocalTXID = uint64(maxTX)
		}
		if !updated.IsZero() {
			s.LastSync = &updated
			if fp := fingerprintOf(DBPath(dir, name)); time.Unix(0, max(fp.dbMtime, fp.walMtime)).After(updated.Add(2 * time.Second)) {
				s.LagSeconds = time.Since(updated).Seconds()
			}
		} else {
			s.LastError = "no replica yet"
		}
		st.DBs = append(st.DBs, s)
	}
	return st, nil
}

// RestoreTenant restores a tenant from the replica at point in time at
// (zero: latest). With to set, the database is written to <to>/data.db and
// the live tenant is untouched. Without, it is restored in place: the
// tenant must be suspended and closed in every server, the replication
// child (when one runs) releases it during the swap, the replaced files
// are kept under <tenant>/.pre-restore-<time>/, and a platform audit
// event records the restore.
func RestoreTenant(ctx context.Context, r *tenants.Registry, target ReplicaTarget, slug string, at time.Time, to, actor string) (RestoreInfo, error) {
	info, err := r.Get(slug)
	if err != nil {
		return RestoreInfo{}, err
	}
	detail := map[string]any{"replica": target.String()}
	if !at.IsZero() {
		detail["at"] = at.UTC().Format(time.RFC3339)
	}
	if to != "" {
		res, err := RestoreCopy(ctx, target, slug, to, at)
		if err != nil {
			return res, err
		}
		detail["to"] = res.Path
		return res, tenants.PlatformAudit(r.Platform(), actor, "tenant.restore_copy", slug, detail)
	}
	if info.Status != tenants.StatusSuspended {
		return RestoreInfo{}, domain.Errorf(domain.EConflict,
			"err.backup.suspend_first", slug, slug)
	}
	if r.IsOpen(slug) && !r.CloseTenant(slug, false) {
		return RestoreInfo{}, domain.Errorf(domain.EConflict, "err.backup.tenant_in_use", slug)
	}
	ctl := NewControlClient(ControlSocket(r.Config().Dir))
	if st, err := ctl.Status(ctx); err == nil {
		for _, d := range st.DBs {
			if d.DB == slug && d.Open {
				return RestoreInfo{}, domain.Errorf(domain.EConflict,
					"err.backup.still_open", slug)
			}
		}
		if err := ctl.do(ctx, controlRequest{Op: "pause", DB: slug}, nil); err != nil {
			return RestoreInfo{}, fmt.Errorf("pause replication of %s: %w", slug, err)
		}
		defer func() { _ = ctl.do(context.Background(), controlRequest{Op: "resume", DB: slug}, nil) }()
	}
	dir := r.TenantDir(slug)
	tmp := filepath.Join(dir, ".restore-data.db")
	_ = os.Remove(tmp)
	res, err := RestoreDB(ctx, target, slug, tmp, at)
	if err != nil {
		_ = os.Remove(tmp)
		return res, err
	}
	prev := filepath.Join(dir, ".pre-restore-"+time.Now().UTC().Format("20060102T150405Z"))
	if err := os.MkdirAll(prev, 0o750); err != nil {
		return res, err
	}
	live := filepath.Join(dir, "data.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(live+suffix, filepath.Join(prev, "data.db"+suffix)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return res, fmt.Errorf("keep previous database: %w", err)
		}
	}
	if err := os.Rename(tmp, live); err != nil {
		return res, err
	}
	// Litestream's local state describes the replaced file: start afresh,
	// marked as restored from the replica so that the child lets it take
	// the replica over (it continues after the replica's position with a
	// full snapshot) instead of refusing it as behind its replica.
	_ = os.RemoveAll(metaDir(live))
	if err := MarkAdoption(live); err != nil {
		return res, fmt.Errorf("mark restored database: %w", err)
	}
	res.Path, res.InPlace, res.Previous = live, true, prev
	detail["previous"] = prev
	return res, tenants.PlatformAudit(r.Platform(), actor, "tenant.restore", slug, detail)
}

// ShardReplica is a shard's replication as a tenant move drives it
// (tenants.ShardReplica): the final sync and release on the source, the
// restore on the target.
type ShardReplica struct {
	Sup    *Supervisor
	Target ReplicaTarget
}

// FinalSync syncs slug now, checks that the replica holds the local
// position, then pauses slug's replication from this process.
func (s ShardReplica) FinalSync(ctx context.Context, slug string) error {
	for attempt := 0; ; attempt++ {
		if err := s.Sup.Sync(ctx, slug); err != nil {
			return err
		}
		st, err := s.Sup.ctl.Status(ctx)
		if err != nil {
			return err
		}
		d := st.DB(slug)
		if d != nil && d.Conflict != "" {
			return fmt.Errorf("replica of %s refused: %s", slug, d.Conflict)
		}
		if d != nil && d.LocalTXID > 0 && d.LocalTXID == d.ReplicaTXID {
			break
		}
		if attempt >= 20 {
			if d == nil {
				return fmt.Errorf("replication does not follow %s", slug)
			}
			return fmt.Errorf("replica of %s behind after the final sync: local %d, replica %d", slug, d.LocalTXID, d.ReplicaTXID)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := s.Sup.ctl.do(ctx, controlRequest{Op: "pause", DB: slug}, nil); err != nil {
		return fmt.Errorf("stop replicating %s: %w", slug, err)
	}
	return nil
}

// Resume replicates slug from this process again.
func (s ShardReplica) Resume(ctx context.Context, slug string) error {
	return s.Sup.ctl.do(ctx, controlRequest{Op: "resume", DB: slug}, nil)
}

// Restore writes slug's latest replica into dir/data.db, checked and
// marked for adoption.
func (s ShardReplica) Restore(ctx context.Context, slug, dir string) error {
	_, err := RestoreCopy(ctx, s.Target, slug, dir, time.Time{})
	return err
}
