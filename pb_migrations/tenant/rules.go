// Package tenant holds the tenant schema (DESIGN.md §4) as an explicit,
// ordered list of Go migrations. API rules encode the role permissions:
// managers see everything, project managers edit sites, site leads edit
// day-to-day data, crews read and record their own work.
package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Rule fragments over the tenant's users auth collection.
const (
	ruleUser     = `@request.auth.collectionName = "users" && @request.auth.active = true`
	ruleOffice   = ruleUser + ` && (@request.auth.role = "manager" || @request.auth.role = "project_manager" || @request.auth.tenant_admin = true)`
	ruleSiteLead = ruleUser + ` && (@request.auth.role = "manager" || @request.auth.role = "project_manager" || @request.auth.role = "site_lead" || @request.auth.tenant_admin = true)`
	ruleAdmin    = ruleUser + ` && @request.auth.tenant_admin = true`
)

// Migrations returns the tenant schema migrations in order.
func Migrations() core.MigrationsList {
	var l core.MigrationsList
	l.Register(peopleUp, nil, "1764400100_people.go")
	l.Register(sitesUp, nil, "1764400200_sites.go")
	l.Register(resourcesUp, nil, "1764400300_resources.go")
	l.Register(planningUp, nil, "1764400400_planning.go")
	l.Register(proofUp, nil, "1764400500_proof.go")
	l.Register(reportingUp, nil, "1764400600_reporting.go")
	l.Register(settingsUp, nil, "1764400700_settings.go")
	l.Register(sitesV2Up, nil, "1764400800_sites_v2.go")
	l.Register(resourcesV2Up, nil, "1764400900_resources_v2.go")
	l.Register(planningV2Up, nil, "1764401000_planning_v2.go")
	l.Register(proofV2Up, nil, "1764401100_proof_v2.go")
	l.Register(dispatchUp, nil, "1764401200_dispatch.go")
	l.Register(checklistsUp, nil, "1764401300_checklists.go")
	l.Register(uploadsUp, nil, "1764401400_uploads.go")
	l.Register(baselinesUp, nil, "1764401500_baselines.go")
	l.Register(tasksV3Up, nil, "1764401600_tasks_v3.go")
	l.Register(photosV2Up, nil, "1764401700_photos_v2.go")
	// read rules, confidential fields, protected files (issue #14)
	l.Register(readsV2Up, nil, "1764401800_reads_v2.go")
	// write rules (issue #14)
	l.Register(writeRulesUp, nil, "1764401805_write_rules.go")
	// signed-in sessions (issue #14, authentication)
	l.Register(pbm.SessionsTable, nil, "1764401810_sessions.go")
	// incidents assigned to a person (issue #15)
	l.Register(incidentsV2Up, nil, "1764401900_incidents_v2.go")
	// timesheets: period close, correction requests (issue #15)
	l.Register(timesheetsUp, nil, "1764401910_timesheets.go")
	// several sectors per tenant, signature image hashes (issue #15)
	l.Register(sectorsUp, nil, "1764401930_sectors.go")
	l.Register(signaturesV2Up, nil, "1764401940_signatures_v2.go")
	// getting-started checklist dismissed (issue #15, first run)
	l.Register(onboardingUp, nil, "1764401950_onboarding.go")
	// refused sync operations in the conflict inbox (issue #15)
	l.Register(syncRefusalsUp, nil, "1764402150_sync_refusals.go")
	// costs and KPIs: overtime rules, daily rates, phase budgets, the
	// daily rollup (issue #17)
	l.Register(kpiExpandUp, nil, "1764402200_kpi_expand.go")
	// report archive hashes, company logo and colour (issue #17, reports)
	l.Register(reportsV2Up, nil, "1764402300_reports_v2.go")
	// notifications, their thresholds and the daily digest (issue #17)
	l.Register(notificationsUp, nil, "1764402400_notifications_expand.go")
	// invoicing: contract lines, invoices, payments, legal data (issue #18)
	l.Register(invoicingUp, nil, "1764500100_invoicing_expand.go")
	// the site's daily log: weather and notes of the daily report (issue #17)
	l.Register(dailyLogsUp, nil, "1764600100_daily_logs_expand.go")
	// report schedules switched on again catch up from then (issue #17)
	l.Register(reportSchedulesUp, nil, "1764700500_report_schedules_expand.go")
	// retention periods of position data (issue #19, GDPR)
	l.Register(gdprUp, nil, "1764800500_gdpr_expand.go")
	// client contacts, their magic-link access, what is shared with them (issue #20)
	l.Register(clientPortalUp, nil, "1764900100_client_portal_expand.go")
	// acceptance reports and their reservations (issue #20, item 3)
	l.Register(acceptanceUp, nil, "1764950100_acceptance_expand.go")
	// task-duration models and the predictions shown (issue #23)
	l.Register(durationModelsUp, nil, "1765000100_duration_models_expand.go")
	return l
}

// access is a named set of API rules used by most collections.
type access int

const (
	// officeWrite: any active user reads; office roles write.
	officeWrite access = iota
	// siteLeadWrite: any active user reads; site leads and office write.
	siteLeadWrite
	// crewWrite: any active user reads and creates; site leads edit.
	crewWrite
	// adminOnly: tenant admins only.
	adminOnly
)

func apply(b *pbm.Builder, a access) *pbm.Builder {
	read, create, edit := ruleUser, ruleOffice, ruleOffice
	switch a {
	case siteLeadWrite:
		create, edit = ruleSiteLead, ruleSiteLead
	case crewWrite:
		create, edit = ruleUser, ruleSiteLead
	case adminOnly:
		read, create, edit = ruleAdmin, ruleAdmin, ruleAdmin
	}
	return b.Rules(pbm.Rule(read), pbm.Rule(read), pbm.Rule(create), pbm.Rule(edit), pbm.Rule(edit))
}

func saveAll(bs ...*pbm.Builder) error {
	for _, b := range bs {
		if err := b.Save(); err != nil {
			return err
		}
	}
	return nil
}
