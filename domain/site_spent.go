package domain

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SiteSpentRatio returns what a site has spent as a share of its budget
// (1 = the whole budget), and false when the site has no budget.
//
// NB: a simple actual until the cost and KPI engine of issue #17 item 1
// replaces it (this is the one place to swap): approved time × the
// person's hourly cost, consumption × its unit cost, incident impacts.
func SiteSpentRatio(app core.App, s Site) (float64, bool, error) {
	if s.Budget() <= 0 {
		return 0, false, nil
	}
	var spent struct {
		Cost float64 `db:"cost"`
	}
	err := app.DB().NewQuery(`SELECT
		(SELECT COALESCE(SUM((julianday(t.clock_out) - julianday(t.clock_in)) * 24 * u.hourly_cost), 0)
			FROM time_entries t JOIN users u ON u.id = t.user
			WHERE t.site = {:s} AND t.status = 'approved' AND t.clock_out != '' AND t.clock_in != '')
		+ (SELECT COALESCE(SUM(qty * unit_cost), 0) FROM stock_moves WHERE site = {:s} AND kind = 'consumption')
		+ (SELECT COALESCE(SUM(impact_eur), 0) FROM incidents WHERE site = {:s} AND impact_eur > 0) AS cost`).
		Bind(dbx.Params{"s": s.Id}).One(&spent)
	if err != nil {
		return 0, false, err
	}
	return spent.Cost / s.Budget(), true, nil
}
