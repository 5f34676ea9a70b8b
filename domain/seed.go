package domain

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// Collection names used by the domain.
const (
	CollectionUsers              = "users"
	CollectionSkills             = "skills"
	CollectionClearanceKinds     = "clearance_kinds"
	CollectionChecklistTemplates = "checklist_templates"
	CollectionWorkTypes          = "work_types"
	CollectionCompany            = "company"
	CollectionSites              = "sites"
	CollectionPhases             = "phases"
	CollectionMilestones         = "milestones"
	CollectionDocuments          = "documents"
	CollectionClients            = "clients"
	CollectionAuditEvents        = "audit_events"
)

// SeedReference inserts the sector's reference data (skills, clearance
// kinds, checklist templates, work types) into a fresh tenant. It runs in
// one transaction: either everything is seeded or nothing.
func SeedReference(app core.App, sector string) error {
	ref, ok := ReferenceFor(sector)
	if !ok {
		return FieldError("sector", "err.tenant.seed_unknown_sector", sector)
	}
	return app.RunInTransaction(func(tx core.App) error {
		skills := map[string]string{}
		for _, s := range ref.Skills {
			id, err := insert(tx, CollectionSkills, map[string]any{"code": s.Code, "name": s.Name, "sector": sector})
			if err != nil {
				return err
			}
			skills[s.Code] = id
		}
		for _, k := range ref.ClearanceKinds {
			if _, err := insert(tx, CollectionClearanceKinds, map[string]any{
				"code": k.Code, "name": k.Name, "family": k.Family, "validity_months": k.ValidityMonths,
			}); err != nil {
				return err
			}
		}
		checklists := map[string]string{}
		for _, c := range ref.Checklists {
			id, err := insert(tx, CollectionChecklistTemplates, map[string]any{"code": c.Code, "name": c.Name, "items": c.Items})
			if err != nil {
				return err
			}
			checklists[c.Code] = id
		}
		for _, w := range ref.WorkTypes {
			ids := make([]string, 0, len(w.Skills))
			for _, code := range w.Skills {
				ids = append(ids, skills[code])
			}
			if _, err := insert(tx, CollectionWorkTypes, map[string]any{
				"code": w.Code, "name": w.Name, "sector": sector, "default_days": w.DefaultDays,
				"required_skills": ids, "required_clearances": w.Clearances, "excavation": w.Excavation,
				"checklist": checklists[w.Checklist],
			}); err != nil {
				return err
			}
		}
		return seedSiteTemplates(tx, sector)
	})
}

// insert creates one record from a field map and returns its id.
func insert(app core.App, collection string, fields map[string]any) (string, error) {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return "", fmt.Errorf("collection %s: %w", collection, err)
	}
	r := core.NewRecord(col)
	r.Load(fields)
	if err := app.Save(r); err != nil {
		return "", fmt.Errorf("insert into %s: %w", collection, err)
	}
	return r.Id, nil
}
