package tenant

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

const (
	// ruleDailyLogRead: crews read the logs of their sites, everyone else
	// every log (as incidents).
	ruleDailyLogRead = crewReads + crewOnSite + `)`
	// ruleDailyLogWrite mirrors domain.CanWriteDailyLog: managers and
	// tenant admins, or the site's project manager or site lead — never a
	// crew member; the author is the caller (set by the server when left
	// out).
	ruleDailyLogWrite = `((` + ruleManagerOrAdmin + `) || (` + ruleUser + ` && @request.auth.role != "crew" && (site.project_manager = @request.auth.id || site.site_lead = @request.auth.id))) && (@request.body.author:isset = false || @request.body.author = @request.auth.id)`
)

// dailyLogsUp (issue #17, the daily report's weather) is an expand step: a
// new collection an older binary ignores.
//
//   - daily_logs: the site's daily log (journal de chantier), one per site
//     and civil day (`day` at midnight UTC, unique with the site): the
//     weather (a code the pages translate), the temperature in °C (with
//     temperature_set, since 0 °C is a temperature), free
//     notes and their author. Written by the site's project manager or
//     site lead, or a manager (domain.SaveDailyLog); read like incidents.
func dailyLogsUp(app core.App) error {
	b := pbm.NewBase(app, "daily_logs").
		Rel("site", "sites", true, 1, true).
		Add(
			pbm.Date("day", true),
			pbm.Select("weather", false, "sunny", "cloudy", "rain", "snow", "wind", "frost", "heat"),
			pbm.Number("temperature", false, types.Pointer(-50.0), types.Pointer(60.0)),
			pbm.Bool("temperature_set"),
			pbm.Text("notes", false, 4000),
		).
		Rel("author", "users", false, 1, false).
		Index(true, "site", "day").
		Rules(pbm.Rule(ruleDailyLogRead), pbm.Rule(ruleDailyLogRead), pbm.Rule(ruleDailyLogWrite), pbm.Rule(ruleDailyLogWrite), pbm.Rule(ruleDailyLogWrite))
	return b.Save()
}
