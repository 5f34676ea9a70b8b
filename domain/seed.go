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
// kinds, checklist templates, work types) and site templates into a fresh
// tenant: its primary sector's pack (see EnableSector for the others). It
// runs in one transaction: either everything is seeded or nothing.
func SeedReference(app core.App, sector string) error {
	if _, ok := ReferenceFor(sector); !ok {
		return FieldError("sector", "err.tenant.seed_unknown_sector", sector)
	}
	return app.RunInTransaction(func(tx core.App) error {
		_, err := addSectorPack(tx, nil, sector)
		return err
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
