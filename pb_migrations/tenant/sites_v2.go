package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// Rule fragments of module 1: a project manager edits the sites they
// manage, a site lead the day-to-day data of their sites.
const (
	ruleManagerOrAdmin = ruleUser + ` && (@request.auth.role = "manager" || @request.auth.tenant_admin = true)`
	ruleSiteEdit       = ruleManagerOrAdmin + ` || (` + ruleUser + ` && @request.auth.role = "project_manager" && project_manager = @request.auth.id)`
	// on records with a "site" relation
	ruleSiteDayToDay = ruleManagerOrAdmin + ` || (` + ruleUser + ` && (site.project_manager = @request.auth.id || site.site_lead = @request.auth.id))`
	ruleSitePMOnly   = ruleManagerOrAdmin + ` || (` + ruleUser + ` && site.project_manager = @request.auth.id)`
	// crews see the sites whose team they are in
	ruleSiteRead      = ruleUser + ` && (@request.auth.role != "crew" || team.id ?= @request.auth.id || site_lead = @request.auth.id)`
	ruleSiteChildRead = ruleUser + ` && (@request.auth.role != "crew" || site.team.id ?= @request.auth.id || site.site_lead = @request.auth.id)`
)

// sitesV2Up extends the sites and people schema for module 1: site team,
// templates, document versions, people details, and the per-site rules.
func sitesV2Up(app core.App) error {
	sites := pbm.Existing(app, "sites").Rel("team", "users", false, 200, false)
	sites.Add(pbm.Text("template", false, 32))
	sites.Rules(pbm.Rule(ruleSiteRead), pbm.Rule(ruleSiteRead), pbm.Rule(ruleOffice), pbm.Rule(ruleSiteEdit), pbm.Rule(ruleManagerOrAdmin))
	if err := sites.Save(); err != nil {
		return err
	}
	for _, name := range []string{"phases", "milestones"} {
		b := pbm.Existing(app, name).Rules(pbm.Rule(ruleSiteChildRead), pbm.Rule(ruleSiteChildRead),
			pbm.Rule(ruleSiteDayToDay), pbm.Rule(ruleSiteDayToDay), pbm.Rule(ruleSitePMOnly))
		if name == "milestones" {
			b.Add(pbm.Text("note", false, 500))
		}
		if err := b.Save(); err != nil {
			return err
		}
	}
	docs := pbm.Existing(app, "documents").Add(
		pbm.Text("mime", false, 100),
		pbm.Int("size", false),
		pbm.Text("sha256", false, 64),
		pbm.Bool("current"),
	).Rules(pbm.Rule(ruleSiteChildRead), pbm.Rule(ruleSiteChildRead), pbm.Rule(ruleSiteDayToDay), pbm.Rule(ruleSitePMOnly), pbm.Rule(ruleSitePMOnly))
	if err := docs.Save(); err != nil {
		return err
	}
	clients := pbm.Existing(app, "clients").Rules(pbm.Rule(ruleUser), pbm.Rule(ruleUser), pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), pbm.Rule(ruleManagerOrAdmin))
	if err := clients.Save(); err != nil {
		return err
	}
	return saveAll(
		apply(pbm.NewBase(app, "site_templates").Add(
			pbm.Text("code", true, 32),
			pbm.Text("name", true, 200),
			pbm.Select("sector", true, "btp", "elec", "tp"),
			pbm.JSON("phases"),
			pbm.JSON("milestones"),
			pbm.JSON("checklists"),
		).Index(true, "code"), officeWrite),
	)
}
