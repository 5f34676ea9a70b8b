package replication

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
)

// A frozen data directory (a blue/green colour scaled to 0, a VM stopped
// for a migration) is only safe to replace by its replica once every
// database's final sync completed. The replication child records, at each
// release (final sync) of a database, the transaction id it synced and the
// file state it left (syncedMark in Litestream's state directory);
// VerifySync compares that record, the local Litestream position and the
// replica's position without any process running.

const syncedMark = "synced.json"

// syncedRecord is what the child wrote after a database's last final sync.
type syncedRecord struct {
	TXID uint64      `json:"txid"`
	At   time.Time   `json:"at"`
	FP   fingerprint `json:"fp"`
}

// MarshalJSON / UnmarshalJSON of fingerprint keep its fields private.
func (f fingerprint) MarshalJSON() ([]byte, error) {
	return json.Marshal([4]int64{f.dbSize, f.dbMtime, f.walSize, f.walMtime})
}

// UnmarshalJSON reads a fingerprint written by MarshalJSON.
func (f *fingerprint) UnmarshalJSON(b []byte) error {
	var a [4]int64
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	f.dbSize, f.dbMtime, f.walSize, f.walMtime = a[0], a[1], a[2], a[3]
	return nil
}

func writeSynced(path string, txid uint64, fp fingerprint) {
	dir := metaDir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return
	}
	b, _ := json.Marshal(syncedRecord{TXID: txid, At: time.Now().UTC(), FP: fp})
	tmp := filepath.Join(dir, syncedMark+".tmp")
	if os.WriteFile(tmp, b, 0o600) == nil {
		_ = os.Rename(tmp, filepath.Join(dir, syncedMark))
	}
}

func readSynced(path string) (syncedRecord, bool) {
	var r syncedRecord
	b, err := os.ReadFile(filepath.Join(metaDir(path), syncedMark))
	if err != nil || json.Unmarshal(b, &r) != nil {
		return r, false
	}
	return r, true
}

// SyncState is one database's final-sync check.
type SyncState struct {
	DB          string `json:"db"`
	LocalTXID   uint64 `json:"local_txid"`
	ReplicaTXID uint64 `json:"replica_txid"`
	Synced      bool   `json:"synced"`
	// Problem says why Synced is false.
	Problem string `json:"problem,omitempty"`
}

// SyncReport is VerifySync's answer.
type SyncReport struct {
	Dir     string      `json:"dir"`
	Replica string      `json:"replica"`
	DBs     []SyncState `json:"dbs"`
	// Tenants counts the tenant databases checked.
	Tenants int `json:"tenants"`
	// Lagging lists the databases whose final sync is not complete.
	Lagging []string `json:"lagging"`
}

// VerifySync checks that every database under dir (the platform first)
// is entirely in its replica: the local Litestream position equals the
// replica's, and the file has not changed since the replication child's
// last final sync of it. It reads files and the replica only; run it on a
// stopped data directory (a running server keeps writing).
func VerifySync(ctx context.Context, dir string, target ReplicaTarget) (*SyncReport, error) {
	rep := &SyncReport{Dir: dir, Replica: target.String(), DBs: []SyncState{}, Lagging: []string{}}
	dbs := LocalDBs(dir)
	if len(dbs) == 0 || dbs[0] != PlatformDB {
		return nil, fmt.Errorf("%s holds no platform database", dir)
	}
	for _, name := range dbs {
		s := SyncState{DB: name}
		path := DBPath(dir, name)
		if _, maxTX, err := litestream.NewDB(path).MaxLTX(); err == nil {
			s.LocalTXID = uint64(maxTX)
		}
		client, err := target.Client(name)
		if err != nil {
			return nil, err
		}
		if err := client.Init(ctx); err != nil {
			return nil, fmt.Errorf("replica storage: %w", err)
		}
		rtx, _, err := replicaMax(ctx, client)
		if err != nil {
			return nil, fmt.Errorf("replica of %s: %w", name, err)
		}
		s.ReplicaTXID = uint64(rtx)
		rec, ok := readSynced(path)
		switch {
		case s.ReplicaTXID == 0:
			s.Problem = "no replica"
		case s.LocalTXID != s.ReplicaTXID:
			s.Problem = fmt.Sprintf("local transaction %d, replica %d", s.LocalTXID, s.ReplicaTXID)
		case !ok:
			s.Problem = "no final sync recorded"
		case rec.TXID != s.LocalTXID:
			s.Problem = fmt.Sprintf("last final sync at transaction %d, local %d", rec.TXID, s.LocalTXID)
		case rec.FP != fingerprintOf(path):
			s.Problem = "changed since its last final sync (" + rec.At.Format(time.RFC3339) + ")"
		default:
			s.Synced = true
		}
		if !s.Synced {
			rep.Lagging = append(rep.Lagging, name)
		}
		if name != PlatformDB {
			rep.Tenants++
		}
		rep.DBs = append(rep.DBs, s)
	}
	return rep, nil
}
