package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Read rules of issue #14: the REST API (and realtime, expand, file
// tokens, which use the same rules) lets a crew member read what the crew
// pages show them and nothing more. Office roles and site leads keep
// reading everything (domain.CanSeeSite).
const (
	// crewReads prefixes the clause that scopes a crew member's reads.
	crewReads = ruleUser + ` && (@request.auth.role != "crew" || `
	// crewOnSite: the crew member is in the team of the record's site, or
	// leads it.
	crewOnSite = `site.team.id ?= @request.auth.id || site.site_lead = @request.auth.id`
	// tasks: those of their sites, and those assigned to them.
	ruleTaskRead = crewReads + crewOnSite + ` || assignees.id ?= @request.auth.id)`
	// checklist runs: those of the tasks they read.
	ruleRunRead = crewReads + `task.site.team.id ?= @request.auth.id || task.site.site_lead = @request.auth.id || task.assignees.id ?= @request.auth.id)`
	// photos: their own, and those of their sites (domain.CanSeePhoto).
	rulePhotoRead = crewReads + `by = @request.auth.id || ` + crewOnSite + `)`
	// incidents: those they reported, and those of their sites.
	ruleIncidentRead = crewReads + `reported_by = @request.auth.id || ` + crewOnSite + `)`
	// clients: those of their sites (contact details stay hidden:
	// domain.FieldGroups).
	ruleClientRead = crewReads + `sites_via_client.team.id ?= @request.auth.id || sites_via_client.site_lead ?= @request.auth.id)`
	// people's clearances, skills and absences: their own.
	ruleOwnRead = ruleNotCrew + ` || (` + ruleUser + ` && user = @request.auth.id)`
)

// readsV2Up sets the list and view rules above (create, update and delete
// rules are left as they are), hides the confidential fields of
// domain.FieldGroups in the schema and protects every file field.
//
// Signatures (no relation to a site: their subject is a task id) are read
// by crews through the evidence pages only; a rule through
// @collection.tasks would join every task to every signature. Baselines,
// task links, reports, report schedules (their recipients' e-mails) and
// alerts are office data.
func readsV2Up(app core.App) error {
	rules := [][2]string{
		{domain.CollectionTasks, ruleTaskRead},
		{domain.CollectionChecklistRuns, ruleRunRead},
		{domain.CollectionPhotos, rulePhotoRead},
		{domain.CollectionIncidents, ruleIncidentRead},
		{domain.CollectionClients, ruleClientRead},
		{domain.CollectionClearances, ruleOwnRead},
		{domain.CollectionUserSkills, ruleOwnRead},
		{domain.CollectionAvailability, ruleOwnRead},
		{domain.CollectionSignatures, ruleNotCrew},
		{domain.CollectionBaselines, ruleNotCrew},
		{domain.CollectionTaskLinks, ruleNotCrew},
		{domain.CollectionReports, ruleNotCrew},
		{domain.CollectionReportSchedules, ruleNotCrew},
		{domain.CollectionAlerts, ruleNotCrew},
	}
	for _, r := range rules {
		col, err := app.FindCollectionByNameOrId(r[0])
		if err != nil {
			return err
		}
		col.ListRule, col.ViewRule = pbm.Rule(r[1]), pbm.Rule(r[1])
		if err := app.Save(col); err != nil {
			return err
		}
	}
	for _, g := range domain.FieldGroups() {
		col, err := app.FindCollectionByNameOrId(g.Collection)
		if err != nil {
			return err
		}
		for _, name := range g.Fields {
			if f := col.Fields.GetByName(name); f != nil {
				f.SetHidden(true)
			}
		}
		if err := app.Save(col); err != nil {
			return err
		}
	}
	return protectFiles(app)
}

// protectFiles marks every file field of the tenant's collections
// protected: GET /api/files/… then needs a file token of a user whom the
// record's view rule lets see it (the product's own pages serve files
// through the session: /photos/{id}/…, /documents/{id}/file, …).
func protectFiles(app core.App) error {
	cols, err := app.FindAllCollections()
	if err != nil {
		return err
	}
	for _, col := range cols {
		changed := false
		for _, f := range col.Fields {
			if ff, ok := f.(*core.FileField); ok && !ff.Protected {
				ff.Protected = true
				changed = true
			}
		}
		if changed {
			if err := app.Save(col); err != nil {
				return err
			}
		}
	}
	return nil
}
