package domain

import (
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// A sector's reference-data pack is its reference data (ReferenceFor:
// skills, clearance kinds, checklist templates, work types) and its stock
// site templates. A new tenant gets its primary sector's pack from the
// sector's template database (tenants/template.go); EnableSector adds
// another sector's pack to a live tenant. Adding a pack only creates the
// records the tenant lacks, matched by their identity: the code of a
// skill, clearance kind, checklist template or site template, the sector
// and code of a work type. A record already there is never changed, even
// if the tenant edited it (a work type of the pack then refers to the
// tenant's skill or checklist of that code), so adding a pack twice adds
// nothing the second time.

// PackResult counts the records adding a sector's pack created.
type PackResult struct {
	Sector         string `json:"sector"`
	Skills         int    `json:"skills"`
	ClearanceKinds int    `json:"clearance_kinds"`
	Checklists     int    `json:"checklists"`
	WorkTypes      int    `json:"work_types"`
	SiteTemplates  int    `json:"site_templates"`
}

// Added returns how many records the pack created in all.
func (r PackResult) Added() int {
	return r.Skills + r.ClearanceKinds + r.Checklists + r.WorkTypes + r.SiteTemplates
}

// EnableSector enables sector for the tenant: in one transaction, it adds
// the sector's pack (the records the tenant lacks, created in actor's
// name, each one in the audit chain) and lists the sector among the
// company's sectors (an audited update of the company profile naming the
// actor). Enabling a sector already enabled, or the primary one, only
// completes its pack: nothing is written when nothing is missing.
func EnableSector(app core.App, actor *core.Record, sector string) (PackResult, error) {
	if !ValidSector(sector) {
		return PackResult{}, FieldError("sector", "err.unknown_sector")
	}
	var res PackResult
	err := app.RunInTransaction(func(tx core.App) error {
		c, err := FindCompany(tx)
		if err != nil {
			return err
		}
		if res, err = addSectorPack(tx, actor, sector); err != nil {
			return err
		}
		return setCompanySectors(tx, actor, c, c.Sector(), append(c.EnabledSectors(), sector))
	})
	return res, err
}

// EnabledSectors returns the sectors the company works in: its primary
// sector first, then the other enabled ones in Sectors order.
func (c Company) EnabledSectors() []string {
	out := []string{}
	if c.Sector() != "" {
		out = append(out, c.Sector())
	}
	return append(out, otherSectors(c.Sector(), c.GetStringSlice("sectors"))...)
}

// otherSectors returns the known sectors of list but primary, in Sectors
// order, without duplicates.
func otherSectors(primary string, list []string) []string {
	out := []string{}
	for _, s := range Sectors {
		if s != primary && slices.Contains(list, s) {
			out = append(out, s)
		}
	}
	return out
}

// HasSector reports whether sector is enabled (primary or not).
func (c Company) HasSector(sector string) bool { return slices.Contains(c.EnabledSectors(), sector) }

// setCompanySectors stores primary and the other enabled sectors on the
// company profile, saving (and auditing) it only when they change.
func setCompanySectors(tx core.App, actor *core.Record, c Company, primary string, enabled []string) error {
	extra := otherSectors(primary, enabled)
	if primary == c.Sector() && slices.Equal(extra, otherSectors(c.Sector(), c.GetStringSlice("sectors"))) {
		return nil
	}
	c.Set("sector", primary)
	c.Set("sectors", extra)
	setActor(c.Record, actor)
	return tx.Save(c.Record)
}

// SectorPackStatus is where a tenant stands with one sector: enabled or
// not (Primary: its primary sector), how many work types of the sector it
// has and what adding the sector's pack would create (Missing).
type SectorPackStatus struct {
	Sector    string
	Primary   bool
	Enabled   bool
	WorkTypes int
	Missing   PackResult
}

// SectorPacks returns the status of every sector, in Sectors order.
func SectorPacks(app core.App) ([]SectorPackStatus, error) {
	c, err := FindCompany(app)
	if err != nil {
		return nil, err
	}
	out := make([]SectorPackStatus, 0, len(Sectors))
	for _, s := range Sectors {
		st := SectorPackStatus{Sector: s, Primary: s == c.Sector(), Enabled: c.HasSector(s)}
		if st.Missing, err = packRecords(app, nil, s, false); err != nil {
			return nil, err
		}
		n, err := app.CountRecords(CollectionWorkTypes, dbx.HashExp{"sector": s})
		if err != nil {
			return nil, err
		}
		st.WorkTypes = int(n)
		out = append(out, st)
	}
	return out, nil
}

// addSectorPack creates, in tx, the records of sector's pack the tenant
// lacks (see the package note above).
func addSectorPack(tx core.App, actor *core.Record, sector string) (PackResult, error) {
	return packRecords(tx, actor, sector, true)
}

// packRecords counts the records of sector's pack the tenant lacks and,
// when create is set, creates them.
func packRecords(tx core.App, actor *core.Record, sector string, create bool) (PackResult, error) {
	res := PackResult{Sector: sector}
	ref, ok := ReferenceFor(sector)
	if !ok {
		return res, FieldError("sector", "err.tenant.seed_unknown_sector", sector)
	}
	add := func(collection string, fields map[string]any, n *int) (string, error) {
		*n++
		if !create {
			return "(new)", nil
		}
		r, err := newChild(tx, collection, fields, actor)
		if err != nil {
			return "", err
		}
		return r.Id, nil
	}
	skills, err := idsByCode(tx, CollectionSkills, "")
	if err != nil {
		return res, err
	}
	for _, s := range ref.Skills {
		if skills[s.Code] == "" {
			if skills[s.Code], err = add(CollectionSkills, map[string]any{"code": s.Code, "name": s.Name, "sector": sector}, &res.Skills); err != nil {
				return res, err
			}
		}
	}
	kinds, err := idsByCode(tx, CollectionClearanceKinds, "")
	if err != nil {
		return res, err
	}
	for _, k := range ref.ClearanceKinds {
		if kinds[k.Code] == "" {
			if _, err := add(CollectionClearanceKinds, map[string]any{"code": k.Code, "name": k.Name, "family": k.Family,
				"validity_months": k.ValidityMonths}, &res.ClearanceKinds); err != nil {
				return res, err
			}
		}
	}
	checklists, err := idsByCode(tx, CollectionChecklistTemplates, "")
	if err != nil {
		return res, err
	}
	for _, c := range ref.Checklists {
		if checklists[c.Code] == "" {
			if checklists[c.Code], err = add(CollectionChecklistTemplates, map[string]any{"code": c.Code, "name": c.Name, "items": c.Items}, &res.Checklists); err != nil {
				return res, err
			}
		}
	}
	workTypes, err := idsByCode(tx, CollectionWorkTypes, sector)
	if err != nil {
		return res, err
	}
	for _, w := range ref.WorkTypes {
		if workTypes[w.Code] != "" {
			continue
		}
		ids := make([]string, 0, len(w.Skills))
		for _, code := range w.Skills {
			ids = append(ids, skills[code])
		}
		if _, err := add(CollectionWorkTypes, map[string]any{
			"code": w.Code, "name": w.Name, "sector": sector, "default_days": w.DefaultDays,
			"required_skills": ids, "required_clearances": w.Clearances, "excavation": w.Excavation,
			"checklist": checklists[w.Checklist],
		}, &res.WorkTypes); err != nil {
			return res, err
		}
	}
	sites, err := idsByCode(tx, CollectionSiteTemplates, "")
	if err != nil {
		return res, err
	}
	for _, t := range siteTemplatesFor(sector) {
		if sites[t.Code] == "" {
			if _, err := add(CollectionSiteTemplates, map[string]any{"code": t.Code, "name": t.Name, "sector": sector,
				"phases": t.Phases, "milestones": t.Milestones, "checklists": t.Checklists}, &res.SiteTemplates); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// idsByCode returns the ids of a collection's records by code (of one
// sector when sector is set).
func idsByCode(tx core.App, collection, sector string) (map[string]string, error) {
	var rows []struct {
		ID   string `db:"id"`
		Code string `db:"code"`
	}
	q := tx.DB().Select("id", "code").From(collection)
	if sector != "" {
		q = q.Where(dbx.HashExp{"sector": sector})
	}
	if err := q.All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}
