package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// SiteSpentRatio returns what a site has spent to date as a share of its
// budget (1 = the whole budget), and false when the site has no budget.
// The actual cost is the cost and KPI engine's (SiteKPIs.Costs.Total to
// date, today included: labour with overtime, materials, vehicles and
// equipment booked, incident impacts), so the budget notification and the
// dashboards agree.
func SiteSpentRatio(app core.App, s Site) (float64, bool, error) {
	r, err := siteSpentRatios(app, []Site{s}, time.Time{})
	if err != nil {
		return 0, false, err
	}
	ratio, ok := r[s.Id]
	return ratio, ok, nil
}

// siteSpentRatios returns the spent ratio of every site of sites with a
// budget, costs to date before to (zero: tomorrow, today included), in
// one pass of the KPI engine.
func siteSpentRatios(app core.App, sites []Site, to time.Time) (map[string]float64, error) {
	var ids []string
	for _, s := range sites {
		if s.Budget() > 0 {
			ids = append(ids, s.Id)
		}
	}
	out := map[string]float64{}
	if len(ids) == 0 {
		return out, nil
	}
	kpis, err := computeKPIs(app, ids, time.Time{}, to, false)
	if err != nil {
		return nil, err
	}
	for _, k := range kpis {
		for _, s := range sites {
			if s.Id == k.SiteID {
				out[s.Id] = k.Costs.Total / s.Budget()
			}
		}
	}
	return out, nil
}
