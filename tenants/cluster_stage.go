package tenants

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// WriteFilesTar writes slug's uploaded files (its storage directory) as a
// tar stream: what a move's target takes besides the database.
func (r *Registry) WriteFilesTar(w io.Writer, slug string) error {
	root := filepath.Join(r.TenantDir(slug), "storage")
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == root {
			return filepath.SkipDir
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() && !info.IsDir() {
			return nil // no links or devices
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.IsDir() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// extractTar writes a tar stream of files under dir, refusing any name
// that would leave it.
func extractTar(rd io.Reader, dir string) (files int, err error) {
	tr := tar.NewReader(rd)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return files, err
		}
		name := filepath.FromSlash(hdr.Name)
		if !filepath.IsLocal(name) {
			return files, fmt.Errorf("files: refused path %q", hdr.Name)
		}
		out := filepath.Join(dir, name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(out, 0o750); err != nil {
				return files, err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
				return files, err
			}
			f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
			if err != nil {
				return files, err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return files, err
			}
			_ = os.Chtimes(out, hdr.ModTime, hdr.ModTime)
			files++
		}
	}
}

// StageRequest asks a move's target to build its copy of a tenant.
type StageRequest struct {
	// Source is the source shard's URL (files are fetched from it).
	Source string `json:"source"`
	// State is the tenant's row and anchors as the source holds them,
	// frozen.
	State MoveState `json:"state"`
}

// StageForMove builds slug's copy on this shard, not yet served: the
// latest replica restored into a staging directory, the source's files
// copied beside it, the row and anchors recorded (the row still names the
// source shard), and the copy's audit chain verified against the anchors.
// It returns the copy's fingerprint. On failure nothing is left.
func (r *Registry) StageForMove(ctx context.Context, slug string, req StageRequest) (fp Fingerprint, err error) {
	if r.Role() != RoleShard {
		return fp, errors.New("only a shard takes tenants")
	}
	if r.cfg.Cluster.Replica == nil {
		return fp, errors.New("this shard has no replication: a tenant moves through its replica")
	}
	if here, _ := r.servedHere(slug); here {
		return fp, fmt.Errorf("%s is already served by this shard", slug)
	}
	stage := r.stagingDir(slug)
	_ = os.RemoveAll(stage) // an earlier attempt's leftovers
	defer func() {
		if err != nil {
			r.AbortStage(context.WithoutCancel(ctx), slug)
		}
	}()
	row := req.State.Tenant
	if row == nil || row["slug"] != slug {
		return fp, errors.New("stage: the tenant's row is missing")
	}
	err = r.platform.RunInTransaction(func(tx core.App) error {
		return replaceAnchors(tx, slug, req.State.Anchors)
	})
	if err != nil {
		return fp, fmt.Errorf("stage: anchors: %w", err)
	}
	if err := r.UpsertTenantRow(row); err != nil {
		return fp, fmt.Errorf("stage: tenant row: %w", err)
	}
	if err := r.cfg.Cluster.Replica.Restore(ctx, slug, stage); err != nil {
		return fp, fmt.Errorf("restore from the replica: %w", err)
	}
	if err := r.fetchFiles(ctx, req.Source, slug, filepath.Join(stage, "storage")); err != nil {
		return fp, fmt.Errorf("files from %s: %w", req.Source, err)
	}
	db := filepath.Join(stage, "data.db")
	rep, err := r.VerifyAuditCopy(ctx, slug, db)
	if err != nil {
		return fp, fmt.Errorf("audit chain of the copy: %w", err)
	}
	if !rep.OK {
		return fp, fmt.Errorf("audit chain of the copy does not verify: %s", rep.Reason)
	}
	return fingerprintFile(ctx, db)
}

func (r *Registry) fetchFiles(ctx context.Context, source, slug, dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(source, "/")+clusterPrefix+"tenants/"+slug+"/files", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+r.cfg.Cluster.Token)
	resp, err := r.cfg.Cluster.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	_, err = extractTar(resp.Body, dir)
	return err
}

// AbortStage removes a staged copy of slug (and the row and anchors the
// stage recorded) unless this shard serves slug.
func (r *Registry) AbortStage(ctx context.Context, slug string) {
	if here, _ := r.servedHere(slug); here {
		return
	}
	_ = os.RemoveAll(r.stagingDir(slug))
	err := r.platform.RunInTransaction(func(tx core.App) error {
		if err := replaceAnchors(tx, slug, nil); err != nil {
			return err
		}
		rec, err := tx.FindFirstRecordByData("tenants", "slug", slug)
		if err != nil {
			return nil
		}
		return tx.Delete(rec)
	})
	r.status.forget(slug)
	if err != nil {
		r.cfg.Logger.Error("move: abort stage", "tenant", slug, "error", err)
	}
}

// ActivateMoved puts slug's staged copy in place and serves it from this
// shard: the route already points here.
func (r *Registry) ActivateMoved(ctx context.Context, slug string) error {
	stage := r.stagingDir(slug)
	if _, err := os.Stat(filepath.Join(stage, "data.db")); err != nil {
		return fmt.Errorf("no staged copy of %s: %w", slug, err)
	}
	final := r.TenantDir(slug)
	if _, err := os.Stat(final); err == nil {
		// an older copy (the tenant lived here before): kept aside
		if err := os.Rename(final, r.asideDir(slug)); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, final); err != nil {
		return err
	}
	// replicated from here from now on (an earlier move out paused it)
	if rep := r.cfg.Cluster.Replica; rep != nil {
		if err := rep.Resume(ctx, slug); err != nil {
			r.cfg.Logger.Warn("move: replication not resumed", "tenant", slug, "error", err)
		}
	}
	if err := r.setShard(slug, r.cfg.Cluster.ShardID); err != nil {
		return err
	}
	PlatformAuditLog(r, "cluster", "tenant.move_in", slug, map[string]any{"shard": r.cfg.Cluster.ShardID})
	return nil
}

// ReleaseMoved ends slug's life on this (source) shard once the route
// points to its new shard: the row names the new shard (requests that
// still arrive here get 421), the app is closed and the files are kept
// aside under tenants/.moved/ for the operator to remove.
func (r *Registry) ReleaseMoved(ctx context.Context, slug, to string) error {
	if err := r.setShard(slug, to); err != nil {
		return err
	}
	r.gate.unfreeze(slug)
	for i := 0; r.IsOpen(slug) && !r.CloseTenant(slug, i > 50); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(r.TenantDir(slug)); err == nil {
		if err := os.Rename(r.TenantDir(slug), r.asideDir(slug)); err != nil {
			return err
		}
	}
	PlatformAuditLog(r, "cluster", "tenant.move_out", slug, map[string]any{"to": to})
	return nil
}

// asideDir is where a tenant directory no longer served here is kept.
func (r *Registry) asideDir(slug string) string {
	dir := filepath.Join(r.cfg.Dir, "tenants", ".moved")
	_ = os.MkdirAll(dir, 0o750)
	return filepath.Join(dir, slug+"-"+time.Now().UTC().Format("20060102T150405.000Z"))
}

// setShard records where slug is served.
func (r *Registry) setShard(slug, shard string) error {
	defer r.status.forget(slug)
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return err
	}
	rec.Set("shard", shard)
	return r.platform.Save(rec)
}

// PlatformAuditLog records a platform audit event, logging a failure
// (the operation it describes already happened).
func PlatformAuditLog(r *Registry, actor, action, slug string, detail map[string]any) {
	if err := PlatformAudit(r.platform, actor, action, slug, detail); err != nil {
		r.cfg.Logger.Error("platform audit", "action", action, "tenant", slug, "error", err)
	}
}
