package tenants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Tenant operations a scale-out control plane runs on the shard that holds
// the tenant's files: its export (and the export before a deletion) and
// the removal of a deleted tenant's files.

// remote reports whether a tenant placed on shard lives in another
// process than this one.
func (r *Registry) remote(shard string) bool {
	return shard != "" && shard != r.cfg.Cluster.ShardID && r.Role() != RoleShard
}

// exportFromShard asks the tenant's shard for its export and writes it to
// out.
func (r *Registry) exportFromShard(shard, slug, out string) (*ExportResult, error) {
	s, err := r.Shard(shard)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tenantURL(s.URL, slug, "export"), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.ClusterToken())
	resp, err := (&http.Client{}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("export from shard %s: %w", shard, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return nil, fmt.Errorf("export from shard %s: %s: %s", shard, resp.Status, strings.TrimSpace(string(b)))
	}
	if out == "" {
		return nil, fmt.Errorf("export: no output path")
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return nil, err
	}
	tmp := out + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if err == nil && resp.Header.Get("FieldOps-SHA256") != sum {
		err = fmt.Errorf("export from shard %s: checksum %s, the shard announced %s", shard, sum, resp.Header.Get("FieldOps-SHA256"))
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	res := &ExportResult{Slug: slug, Path: out, Bytes: n, SHA256: sum}
	_ = json.Unmarshal([]byte(resp.Header.Get("FieldOps-Export-Files")), &res.Files)
	return res, nil
}

// serveExport (shard) exports a tenant it holds and streams the archive.
func (r *Registry) serveExport(w http.ResponseWriter, slug string) {
	dir := filepath.Join(r.cfg.Dir, "exports")
	_ = os.MkdirAll(dir, 0o750)
	path := filepath.Join(dir, fmt.Sprintf(".cluster-%s-%d.zip", slug, time.Now().UnixNano()))
	defer os.Remove(path)
	res, err := r.Export(slug, path)
	if err != nil {
		clusterResult(w, nil, err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		clusterResult(w, nil, err)
		return
	}
	defer f.Close()
	files, _ := json.Marshal(res.Files)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("FieldOps-SHA256", res.SHA256)
	w.Header().Set("FieldOps-Export-Files", string(files))
	w.Header().Set("Content-Length", fmt.Sprint(res.Bytes))
	_, _ = io.Copy(w, f)
}

// purgeOnShard makes the tenant's shard remove a deleted tenant's files.
func (r *Registry) purgeOnShard(shard, slug string) error {
	s, err := r.Shard(shard)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	hs := HTTPShards{Token: r.ClusterToken(), Client: r.cfg.Cluster.Client}
	if err := hs.call(ctx, http.MethodPost, tenantURL(s.URL, slug, "purge"), struct{}{}, nil); err != nil {
		return err
	}
	if p := r.proxy(); p != nil {
		routes, err := r.Routes()
		if err != nil {
			return err
		}
		rec, err := r.findTenantRecord(slug)
		if err != nil {
			return err
		}
		return p.Apply(ctx, routes, r.tenantHosts(rec))
	}
	return nil
}

// purgeDeleted (shard) marks a tenant deleted here and removes its files.
func (r *Registry) purgeDeleted(slug string) error {
	if err := r.UpsertTenantRow(map[string]any{"slug": slug, "status": StatusDeleted, "deleted_at": time.Now().UTC()}); err != nil {
		return err
	}
	for i := 0; r.IsOpen(slug) && !r.CloseTenant(slug, i > 50); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if err := os.RemoveAll(r.TenantDir(slug)); err != nil {
		return fmt.Errorf("remove tenant files: %w", err)
	}
	PlatformAuditLog(r, "cluster", "tenant.purge", slug, nil)
	return nil
}
