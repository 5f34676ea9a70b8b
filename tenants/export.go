package tenants

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/fieldops360/fieldops/domain"
)

// ExportResult describes a tenant export archive.
type ExportResult struct {
	Slug   string   `json:"slug"`
	Path   string   `json:"path"`
	Bytes  int64    `json:"bytes"`
	SHA256 string   `json:"sha256"`
	Files  []string `json:"files"`
}

// exportManifest is manifest.json inside an export archive.
type exportManifest struct {
	Slug       string            `json:"slug"`
	Name       string            `json:"name"`
	Sector     string            `json:"sector"`
	ExportedAt string            `json:"exported_at"`
	Files      map[string]string `json:"files"` // path → sha256
}

// Export writes a zip holding a consistent copy of the tenant database
// (SQLite online backup API, safe while the tenant serves writes), its
// uploaded files (storage/) and a manifest with each file's SHA-256.
func (r *Registry) Export(slug, out string) (*ExportResult, error) {
	info, err := r.Get(slug)
	if err != nil {
		return nil, err
	}
	if r.remote(info.Shard) {
		return r.exportFromShard(info.Shard, slug, out)
	}
	dir := r.TenantDir(slug)
	if _, err := os.Stat(filepath.Join(dir, "data.db")); err != nil {
		return nil, domain.Errorf(domain.ENotFound, "err.tenant.database_not_found", slug)
	}
	// NB: read before the copy, so that the copy holds the head anchor.
	anchors, err := r.anchorExport(slug)
	if err != nil {
		return nil, err
	}
	scratch, err := os.MkdirTemp(r.cfg.Dir, ".export-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	snapshot := filepath.Join(scratch, "data.db")
	if err := BackupDB(context.Background(), filepath.Join(dir, "data.db"), snapshot); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}

	tmpOut := out + ".partial"
	f, err := os.Create(tmpOut)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmpOut)
	zw := zip.NewWriter(f)
	man := exportManifest{Slug: slug, Name: info.Name, Sector: info.Sector, ExportedAt: time.Now().UTC().Format(time.RFC3339), Files: map[string]string{}}
	if man.Files["data.db"], err = addFile(zw, "data.db", snapshot); err != nil {
		return nil, err
	}
	storage := filepath.Join(dir, "storage")
	err = filepath.WalkDir(storage, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := filepath.ToSlash(rel)
		sum, err := addFile(zw, name, p)
		man.Files[name] = sum
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export files: %w", err)
	}
	if man.Files[anchorExportFile], err = addJSON(zw, anchorExportFile, anchors); err != nil {
		return nil, err
	}
	w, err := zw.Create("manifest.json")
	if err != nil {
		return nil, err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(man); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmpOut, out); err != nil {
		return nil, err
	}
	sum, size, err := hashFile(out)
	if err != nil {
		return nil, err
	}
	files := make([]string, 0, len(man.Files)+1)
	for k := range man.Files {
		files = append(files, k)
	}
	files = append(files, "manifest.json")
	return &ExportResult{Slug: slug, Path: out, Bytes: size, SHA256: sum, Files: files}, nil
}

func addFile(zw *zip.Writer, name, path string) (string, error) {
	src, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer src.Close()
	w, err := zw.Create(name)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), src); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// BackupDB copies the SQLite database at src to dst with SQLite's online
// backup API: a consistent snapshot even while other connections (in this
// or another process) write.
func BackupDB(ctx context.Context, src, dst string) error {
	registerDriver()
	srcDB, err := sql.Open(DriverName, "file:"+src+"?mode=ro")
	if err != nil {
		return err
	}
	defer srcDB.Close()
	dstDB, err := sql.Open(DriverName, dst)
	if err != nil {
		return err
	}
	defer dstDB.Close()
	sc, err := srcDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer sc.Close()
	dc, err := dstDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer dc.Close()
	return dc.Raw(func(d any) error {
		return sc.Raw(func(s any) error {
			bk, err := d.(*sqlite3.SQLiteConn).Backup("main", s.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for {
				done, err := bk.Step(256)
				if err != nil {
					_ = bk.Finish()
					return err
				}
				if done {
					return bk.Finish()
				}
			}
		})
	})
}
