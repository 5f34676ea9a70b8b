package tenants

import (
	"fmt"
	"os"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// SetStatus suspends or resumes a tenant and records a platform audit
// event. A suspended tenant's hosts answer 503 until it is resumed.
func (r *Registry) SetStatus(slug, status, actor string) (Info, error) {
	if status != StatusActive && status != StatusSuspended {
		return Info{}, domain.Errorf(domain.EInvalid, "err.tenant.invalid_status", status)
	}
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return Info{}, err
	}
	if rec.GetString("status") == StatusDeleted {
		return Info{}, domain.Errorf(domain.EGone, "err.tenant.deleted", slug)
	}
	action := map[string]string{StatusActive: "tenant.resume", StatusSuspended: "tenant.suspend"}[status]
	err = r.platform.RunInTransaction(func(tx core.App) error {
		rec.Set("status", status)
		if err := tx.Save(rec); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, action, slug, nil)
	})
	if err != nil {
		return Info{}, err
	}
	r.status.forget(slug)
	if status == StatusSuspended {
		r.CloseTenant(slug, false)
	}
	return r.Get(slug)
}

// DeleteResult tells where the pre-deletion export went.
type DeleteResult struct {
	Slug   string `json:"slug"`
	Export string `json:"export"`
	Bytes  int64  `json:"bytes"`
}

// DeleteTenant exports the tenant to exportPath (default
// <dir>/exports/<slug>-<time>.zip), marks it deleted in the control plane
// (its hosts then answer 410) and removes its directory.
func (r *Registry) DeleteTenant(slug, exportPath, actor string) (*DeleteResult, error) {
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return nil, err
	}
	if rec.GetString("status") == StatusDeleted {
		return nil, domain.Errorf(domain.EGone, "err.tenant.already_deleted", slug)
	}
	if exportPath == "" {
		if err := os.MkdirAll(r.cfg.Dir+"/exports", 0o750); err != nil {
			return nil, err
		}
		exportPath = fmt.Sprintf("%s/exports/%s-%s.zip", r.cfg.Dir, slug, time.Now().UTC().Format("20060102T150405Z"))
	}
	exp, err := r.Export(slug, exportPath)
	if err != nil {
		return nil, fmt.Errorf("export before delete (nothing deleted): %w", err)
	}
	err = r.platform.RunInTransaction(func(tx core.App) error {
		rec.Set("status", StatusDeleted)
		rec.Set("deleted_at", time.Now().UTC())
		if err := tx.Save(rec); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, "tenant.delete", slug, map[string]any{"export": exportPath, "sha256": exp.SHA256})
	})
	if err != nil {
		return nil, err
	}
	r.status.forget(slug)
	if shard := rec.GetString("shard"); r.remote(shard) {
		// the shard holds the files: it removes them; the proxy forgets the hosts
		if err := r.purgeOnShard(shard, slug); err != nil {
			return nil, fmt.Errorf("deleted, but shard %s kept the files (run the delete again): %w", shard, err)
		}
		return &DeleteResult{Slug: slug, Export: exportPath, Bytes: exp.Bytes}, nil
	}
	r.CloseTenant(slug, true)
	if err := os.RemoveAll(r.TenantDir(slug)); err != nil {
		return nil, fmt.Errorf("remove tenant files: %w", err)
	}
	return &DeleteResult{Slug: slug, Export: exportPath, Bytes: exp.Bytes}, nil
}
