package tenant

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

func reportingUp(app core.App) error {
	return saveAll(
		apply(pbm.NewBase(app, "reports").Add(
			pbm.Select("kind", true, "daily", "weekly", "monthly", "site", "invoice"),
			pbm.Text("period", true, 32),
		).Rel("site", "sites", false, 1, false).Add(
			pbm.File("pdf", 1, 50<<20, "application/pdf"),
			pbm.File("xlsx", 1, 50<<20),
		), officeWrite),
		apply(pbm.NewBase(app, "report_schedules").Add(
			pbm.Select("kind", true, "daily", "weekly", "monthly", "site"),
			pbm.Text("cron", true, 64),
			pbm.JSON("recipients"),
			pbm.Bool("enabled"),
		), officeWrite),
		apply(pbm.NewBase(app, "alerts").Add(
			pbm.Text("kind", true, 64),
			pbm.Select("level", true, "info", "warning", "critical"),
			pbm.Text("message", true, 500),
			pbm.Text("subject_collection", false, 64),
			pbm.Text("subject", false, 64),
			pbm.Date("due", false),
			pbm.Date("acknowledged_at", false),
		), siteLeadWrite),
	)
}

// settingsUp creates the single company profile collection and caps the
// request logs so that auxiliary.db cannot grow without bound.
func settingsUp(app core.App) error {
	if err := apply(pbm.NewBase(app, "company").Add(
		pbm.Text("name", true, 200),
		pbm.Select("sector", true, "btp", "elec", "tp"),
		pbm.Text("timezone", false, 64),
		pbm.Select("locale", false, "fr", "en"),
		pbm.Text("siret", false, 14),
		pbm.Text("address", false, 500),
		pbm.JSON("calendar"),
	), adminOnly).Rules(pbm.Rule(ruleUser), pbm.Rule(ruleUser), pbm.Rule(ruleAdmin), pbm.Rule(ruleAdmin), nil).Save(); err != nil {
		return err
	}
	s := app.Settings()
	s.Logs.MaxDays = 3
	s.Logs.MinLevel = 4 // warn
	s.Logs.LogIP = false
	s.Batch.Enabled = true
	s.Batch.MaxRequests = 100
	s.Batch.Timeout = int64(3 * time.Second / time.Second)
	return app.Save(s)
}
