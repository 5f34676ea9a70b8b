package tenants

import (
	"context"

	"github.com/fieldops360/fieldops/domain"
)

// Sector configuration from the control plane (issue #19): the operator
// enables a sector for a live tenant, which adds the sector's reference
// data pack (work types, skills, clearance kinds, checklists, site
// templates) the tenant lacks — domain.EnableSector, in the tenant's audit
// chain — and records it in the platform audit.

// SectorPacks returns the status of every sector of a tenant.
func (r *Registry) SectorPacks(ctx context.Context, slug string) ([]domain.SectorPackStatus, error) {
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return nil, err
	}
	defer release()
	return domain.SectorPacks(t.App)
}

// EnableSector enables sector for a tenant and adds its pack.
func (r *Registry) EnableSector(ctx context.Context, slug, sector, actor string) (domain.PackResult, error) {
	if !domain.ValidSector(sector) {
		return domain.PackResult{}, domain.FieldError("sector", "err.unknown_sector")
	}
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return domain.PackResult{}, err
	}
	defer release()
	res, err := domain.EnableSector(t.App, nil, sector)
	if err != nil {
		return res, err
	}
	err = PlatformAudit(r.platform, actor, "tenant.sector_enable", slug, map[string]any{"sector": sector, "added": res.Added(),
		"work_types": res.WorkTypes, "skills": res.Skills, "clearance_kinds": res.ClearanceKinds, "checklists": res.Checklists})
	return res, err
}
