package replication

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// Whole-directory restores (issue #16): the control plane and every
// tenant it lists, written into a temporary directory and renamed into
// place only when every database restored and passed its integrity check,
// so that no reader (a server, an init container's retry) ever sees a
// partial data directory.

// restoreIncomplete marks a data directory whose final renames were
// interrupted: RestoreAll removes what they moved and starts again.
const restoreIncomplete = ".restore-incomplete"

// RestoreAllResult describes a restored data directory.
type RestoreAllResult struct {
	Dir      string        `json:"dir"`
	At       time.Time     `json:"at,omitempty"`
	Platform RestoreInfo   `json:"platform"`
	Tenants  []RestoreInfo `json:"tenants"`
	// Deleted lists the tenants the platform records as deleted (no
	// database to restore).
	Deleted []string `json:"deleted,omitempty"`
	MS      int64    `json:"ms"`
}

// RestorePlatform restores the control plane into <to>/data.db. to must
// not exist: the database is restored into a temporary sibling directory
// and renamed to <to> once complete, so a failure leaves nothing at <to>.
func RestorePlatform(ctx context.Context, target ReplicaTarget, to string, at time.Time) (RestoreInfo, error) {
	if _, err := os.Lstat(to); err == nil {
		return RestoreInfo{}, domain.Errorf(domain.EConflict, "err.backup.output_exists", to)
	}
	tmp, err := scratchDir(filepath.Dir(to), "."+filepath.Base(to)+".restore-")
	if err != nil {
		return RestoreInfo{}, err
	}
	defer os.RemoveAll(tmp)
	res, err := RestoreCopy(ctx, target, PlatformDB, tmp, at)
	if err != nil {
		return res, err
	}
	if _, err := platformTenants(ctx, res.Path); err != nil {
		return res, err
	}
	if err := os.Rename(tmp, to); err != nil {
		return res, err
	}
	res.Path = filepath.Join(to, "data.db")
	return res, nil
}

// RestoreAll restores a whole data directory into dir: the control plane,
// then every tenant it lists (deleted ones excepted), each at point in
// time at (zero: latest). A dir that does not exist is created by renaming
// a complete temporary sibling; an existing dir (a mount point) must hold
// no databases: the tenants, then the platform are renamed into it from a
// temporary directory inside it (the platform last: a data directory with
// a platform database is complete). A run interrupted between those
// renames is cleaned up by the next one.
//
// check, when set, runs on the complete temporary directory before it is
// renamed into place (`--check-schema`: the binary can read every
// database); its error aborts the restore.
func RestoreAll(ctx context.Context, target ReplicaTarget, dir string, at time.Time, check func(dir string) error) (RestoreAllResult, error) {
	start := time.Now()
	res := RestoreAllResult{Dir: dir, At: at, Tenants: []RestoreInfo{}}
	exists := false
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return res, domain.Errorf(domain.EConflict, "err.backup.output_exists", dir)
		}
		exists = true
		if err := cleanInterrupted(dir); err != nil {
			return res, err
		}
		if dbs := LocalDBs(dir); len(dbs) > 0 {
			return res, domain.Errorf(domain.EConflict, "err.backup.dir_has_databases", dir, len(dbs))
		}
	}
	parent, prefix := filepath.Dir(dir), "."+filepath.Base(dir)+".restore-"
	if exists {
		parent, prefix = dir, ".restore-"
		if old, _ := filepath.Glob(filepath.Join(dir, ".restore-*")); len(old) > 0 {
			for _, o := range old {
				_ = os.RemoveAll(o) // scratch of a failed run
			}
		}
	}
	tmp, err := scratchDir(parent, prefix)
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)

	if res.Platform, err = RestoreCopy(ctx, target, PlatformDB, filepath.Join(tmp, "platform"), at); err != nil {
		return res, fmt.Errorf("platform: %w", err)
	}
	listed, err := platformTenants(ctx, res.Platform.Path)
	if err != nil {
		return res, err
	}
	for _, tn := range listed {
		if tn.status == "deleted" {
			res.Deleted = append(res.Deleted, tn.slug)
			continue
		}
		info, err := RestoreCopy(ctx, target, tn.slug, filepath.Join(tmp, "tenants", tn.slug), at)
		if err != nil {
			return res, fmt.Errorf("tenant %s: %w", tn.slug, err)
		}
		res.Tenants = append(res.Tenants, info)
	}
	if err := os.MkdirAll(filepath.Join(tmp, "tenants"), 0o750); err != nil {
		return res, err
	}
	if check != nil {
		if err := check(tmp); err != nil {
			return res, err
		}
	}
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return res, err
		}
	} else if err := moveInto(tmp, dir); err != nil {
		return res, err
	}
	res.Platform.Path = DBPath(dir, PlatformDB)
	for i := range res.Tenants {
		res.Tenants[i].Path = DBPath(dir, res.Tenants[i].DB)
	}
	res.MS = time.Since(start).Milliseconds()
	return res, nil
}

// moveInto renames tmp/tenants then tmp/platform into dir, under the
// restoreIncomplete mark.
func moveInto(tmp, dir string) error {
	mark := filepath.Join(dir, restoreIncomplete)
	if err := os.WriteFile(mark, []byte("restore in progress: removed by the next `backup restore --all`\n"), 0o600); err != nil {
		return err
	}
	for _, sub := range []string{"tenants", "platform"} {
		_ = os.Remove(filepath.Join(dir, sub)) // an empty directory left by a server or a failed run
		if err := os.Rename(filepath.Join(tmp, sub), filepath.Join(dir, sub)); err != nil {
			return err
		}
	}
	return os.Remove(mark)
}

// cleanInterrupted removes what an interrupted moveInto renamed into dir.
func cleanInterrupted(dir string) error {
	if !fileExists(filepath.Join(dir, restoreIncomplete)) {
		return nil
	}
	for _, sub := range []string{"platform", "tenants"} {
		if err := os.RemoveAll(filepath.Join(dir, sub)); err != nil {
			return err
		}
	}
	return os.Remove(filepath.Join(dir, restoreIncomplete))
}

func scratchDir(parent, prefix string) (string, error) {
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return "", err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	p := filepath.Join(parent, prefix+hex.EncodeToString(b[:]))
	return p, os.Mkdir(p, 0o750)
}

type listedTenant struct{ slug, status string }

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// platformTenants lists the tenants a restored control-plane file records
// (modernc engine on a scratch file nobody else opens). A file without the
// tenants table is not a control plane.
func platformTenants(ctx context.Context, path string) ([]listedTenant, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT slug, status FROM tenants ORDER BY slug")
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "err.backup.not_platform", err)
	}
	defer rows.Close()
	var out []listedTenant
	for rows.Next() {
		var tn listedTenant
		if err := rows.Scan(&tn.slug, &tn.status); err != nil {
			return nil, err
		}
		if !slugRe.MatchString(tn.slug) || tn.slug == PlatformDB {
			return nil, fmt.Errorf("restored platform lists an invalid tenant slug %q", tn.slug)
		}
		out = append(out, tn)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
