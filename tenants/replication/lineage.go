package replication

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/benbjohnson/litestream"
	"github.com/superfly/ltx"
)

// A replica belongs to one history of one database. Before following a
// database the child compares the local history (Litestream's level-0 LTX
// files beside the database) with the replica's, because Litestream by
// itself lets whatever database it is given become the replica's "latest":
// a tenant re-created empty on a lost volume, a copy restored by hand, a
// second installation pointed at the same bucket. Rules (issue #13):
//   - replica empty (new or wiped target): seed it — the local history is
//     dropped so that the first sync uploads a full snapshot (otherwise
//     Litestream waits forever for LTX files it compacted long ago);
//   - local behind the replica, or no local history while the replica has
//     one, or a different transaction at the replica's position: refuse
//     (a conflict shown by status, metrics and `backup status`), unless the
//     database was restored from this replica (`backup restore` leaves an
//     adoption mark) or the operator forces it (--allow-replace-replica);
//   - otherwise: continue.

// adoptMark is the file `backup restore` (or an operator) leaves in
// Litestream's state directory to let a database take over its replica.
const adoptMark = "adopt-replica"

// MarkAdoption lets the database at path take over its existing replica
// on its next activation (after an in-place restore from that replica).
func MarkAdoption(path string) error {
	dir := metaDir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, adoptMark), []byte("restored from its replica\n"), 0o600)
}

func adoptionMarked(path string) bool { return fileExists(filepath.Join(metaDir(path), adoptMark)) }

func clearAdoption(path string) { _ = os.Remove(filepath.Join(metaDir(path), adoptMark)) }

// resetLocalHistory drops Litestream's local LTX files of a database: its
// next sync is a full snapshot.
func resetLocalHistory(path string) error {
	if err := os.RemoveAll(filepath.Join(metaDir(path), "ltx")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// replicaLevels are the levels the child writes (compaction levels and
// snapshots).
var replicaLevels = []int{0, 1, 2, 3, litestream.SnapshotLevel}

// replicaMax returns the highest transaction id stored in a replica and
// the level-0 file holding it (nil when the replica has no level-0 file).
func replicaMax(ctx context.Context, client litestream.ReplicaClient) (ltx.TXID, *ltx.FileInfo, error) {
	var maxTX ltx.TXID
	var l0 *ltx.FileInfo
	for _, level := range replicaLevels {
		itr, err := client.LTXFiles(ctx, level, 0, false)
		if err != nil {
			return 0, nil, err
		}
		for itr.Next() {
			info := itr.Item()
			maxTX = max(maxTX, info.MaxTXID)
			if level == 0 && (l0 == nil || info.MaxTXID > l0.MaxTXID) {
				c := *info
				l0 = &c
			}
		}
		if err := itr.Close(); err != nil {
			return 0, nil, err
		}
	}
	return maxTX, l0, nil
}

// sameFile reports whether the local level-0 file and the replica's file
// with the same transaction range have the same header (same upload).
func sameFile(ctx context.Context, client litestream.ReplicaClient, path string, info *ltx.FileInfo) (bool, error) {
	f, err := os.Open(filepath.Join(metaDir(path), "ltx", "0", ltx.FormatFilename(info.MinTXID, info.MaxTXID)))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer f.Close()
	local := ltx.NewDecoder(f)
	if err := local.DecodeHeader(); err != nil {
		return false, err
	}
	rc, err := client.OpenLTXFile(ctx, 0, info.MinTXID, info.MaxTXID, 0, ltx.HeaderSize)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	remote := ltx.NewDecoder(rc)
	if err := remote.DecodeHeader(); err != nil {
		return false, err
	}
	return local.Header() == remote.Header(), nil
}

// lineage is the verdict of checkLineage.
type lineage struct {
	seed     bool   // the replica is empty: local history dropped, snapshot next
	adopted  bool   // the database takes over its replica (restore or forced)
	conflict string // non-empty: refused, with the reason
}

// checkLineage compares a database's local replication history with its
// replica (see the rules above) and prepares the local state accordingly.
func checkLineage(ctx context.Context, client litestream.ReplicaClient, name, path string, force bool) (lineage, error) {
	rTX, rL0, err := replicaMax(ctx, client)
	if err != nil {
		return lineage{}, fmt.Errorf("read replica: %w", err)
	}
	hdr, local, err := lastLTXHeader(path)
	if err != nil {
		return lineage{}, err
	}
	var lTX ltx.TXID
	if local {
		lTX = hdr.MaxTXID
	}
	adopt := force || adoptionMarked(path)
	switch {
	case rTX == 0:
		if lTX > 0 {
			return lineage{seed: true}, resetLocalHistory(path)
		}
		return lineage{}, nil
	case lTX == 0:
		if adopt {
			return lineage{adopted: true}, nil
		}
		return lineage{conflict: fmt.Sprintf("%s has no replication history here but its replica holds transactions up to %d: this database is not the one replicated there (re-created or copied); restore it from the replica, or allow it to replace the replica", name, rTX)}, nil
	case lTX < rTX:
		if adopt {
			return lineage{adopted: true}, resetLocalHistory(path)
		}
		return lineage{conflict: fmt.Sprintf("%s is behind its replica (local transaction %d, replica %d): restore it from the replica, or allow it to replace the replica", name, lTX, rTX)}, nil
	}
	same := false
	if rL0 != nil {
		if same, err = sameFile(ctx, client, path, rL0); err != nil {
			return lineage{}, fmt.Errorf("compare with replica: %w", err)
		}
	}
	if same {
		return lineage{}, nil
	}
	if adopt {
		return lineage{adopted: true}, resetLocalHistory(path)
	}
	return lineage{conflict: fmt.Sprintf("%s and its replica have different histories (transaction %d differs or is missing here): restore it from the replica, or allow it to replace the replica", name, rTX)}, nil
}
