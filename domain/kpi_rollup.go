package domain

import (
	"slices"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The daily rollup (table kpi_daily, migration kpi_expand): one row per
// site, phase and civil day with its hours and costs, so that dashboards
// add a few thousand rows instead of costing 50 sites × 3 years of
// records on every view.
//
// It stays exact without a job: the record hooks (kpi_hooks.go) leave a
// (site, week) mark in kpi_dirty in the transaction of every write that
// changes a cost; every reader (ComputeSiteKPIs, ComputeTenantKPIs,
// DailyRollup) first rebuilds the marked weeks (FlushKPIDaily). Weeks,
// because overtime is counted over a person's week. RebuildKPIDaily
// rebuilds any range from the records (a repair, a data import, the demo
// seed).

// allMark is the site or week of a mark meaning "every one".
const allMark = "*"

// KPIHealWeeks is how many past weeks the daily heal of FlushKPIDaily
// rebuilds.
const KPIHealWeeks = 5

// RebuildKPIDaily recomputes the rollup of [from, to) from the records,
// for siteIDs (none = every site). The range is widened to whole weeks
// (Monday to Monday, tenant zone). It runs in one transaction.
func RebuildKPIDaily(app core.App, from, to time.Time, siteIDs ...string) error {
	return app.RunInTransaction(func(tx core.App) error { return rebuildKPIDaily(tx, from, to, siteIDs) })
}

func rebuildKPIDaily(tx core.App, from, to time.Time, siteIDs []string) error {
	f := TenantFactsOf(tx)
	loc := f.Location()
	first := WeekMonday(civilIn(from, loc))
	last := WeekMonday(civilIn(to.Add(-time.Nanosecond), loc)).AddDate(0, 0, 7)
	// instants of the civil range in the tenant's zone
	iFrom := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	iTo := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, loc)
	spans, err := loadWorkSpans(tx, iFrom, iTo, siteIDs)
	if err != nil {
		return err
	}
	rates, err := loadHourlyCosts(tx)
	if err != nil {
		return err
	}
	labour := LabourCost(spans, rates, f.Overtime(), loc)
	cons, err := loadConsumptions(tx, iFrom, iTo, siteIDs)
	if err != nil {
		return err
	}
	bookings, err := loadBookings(tx, iFrom, iTo, siteIDs)
	if err != nil {
		return err
	}
	incidents, err := loadIncidentImpacts(tx, iFrom, iTo, siteIDs)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, id := range siteIDs {
		keep[id] = true
	}
	lo, hi := first.Format(time.DateOnly), last.Format(time.DateOnly)
	p := dbx.Params{"lo": lo, "hi": hi}
	del := siteFilter(`DELETE FROM kpi_daily WHERE day >= {:lo} AND day < {:hi}`, "site", siteIDs, p)
	if _, err := tx.DB().NewQuery(del).Bind(p).Execute(); err != nil {
		return err
	}
	ins := tx.DB().NewQuery(`INSERT INTO kpi_daily (site, phase, day, hours, overtime_hours, labour_cost, material_cost,
		vehicle_cost, equipment_cost, incident_cost) VALUES ({:site}, {:phase}, {:day}, {:h}, {:ot}, {:l}, {:m}, {:v}, {:e}, {:i})`)
	ins.Prepare()
	defer ins.Close()
	for _, r := range RollupDays(labour, cons, bookings, incidents, loc) {
		if r.SiteID == "" || r.Day < lo || r.Day >= hi || (len(keep) > 0 && !keep[r.SiteID]) {
			continue
		}
		if _, err := ins.Bind(dbx.Params{"site": r.SiteID, "phase": r.PhaseID, "day": r.Day, "h": r.Hours, "ot": r.OvertimeHours,
			"l": r.LabourCost, "m": r.MaterialCost, "v": r.VehicleCost, "e": r.EquipmentCost, "i": r.IncidentCost}).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// MarkKPIDirty records that the rollup of site for the weeks touching
// [from, to) must be rebuilt before the next read; site or a zero from
// may be "every". Call it in the transaction of the write (app = tx). It
// does not read the tenant's zone (a write path must stay cheap): the
// weeks of the instants 14 hours either side are marked, which covers
// every zone.
func MarkKPIDirty(app core.App, site string, from, to time.Time) error {
	if site == "" {
		return nil
	}
	var weeks []string
	if from.IsZero() {
		weeks = []string{allMark}
	} else {
		if !to.After(from) {
			to = from.Add(time.Nanosecond)
		}
		first := WeekMonday(civilIn(from.Add(-14*time.Hour), time.UTC))
		last := WeekMonday(civilIn(to.Add(-time.Nanosecond).Add(14*time.Hour), time.UTC))
		for w := first; !w.After(last); w = w.AddDate(0, 0, 7) {
			weeks = append(weeks, w.Format(time.DateOnly))
			if len(weeks) > 160 { // over three years: rebuild it all
				weeks = []string{allMark}
				break
			}
		}
	}
	q := app.DB().NewQuery(`INSERT OR IGNORE INTO kpi_dirty (site, week) VALUES ({:s}, {:w})`)
	for _, w := range weeks {
		if _, err := q.Bind(dbx.Params{"s": site, "w": w}).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// FlushKPIDaily rebuilds the rollup of every marked (site, week) and
// clears the marks, in one transaction. Readers call it first; with no
// mark it is one small query.
//
// Once a day (the first reader of the day, UTC) it also rebuilds the last
// KPIHealWeeks weeks of every site: the "nightly" rebuild, lazy since a
// closed tenant runs no job. It heals what no hook marked (a write made
// by a previous binary during a rollback, a row changed by hand).
func FlushKPIDaily(app core.App) error {
	today := time.Now().UTC().Format(time.DateOnly)
	var n int
	var healed string
	if err := app.DB().NewQuery(`SELECT (SELECT count(*) FROM kpi_dirty),
		COALESCE((SELECT value FROM kpi_meta WHERE key = 'healed'), '')`).Row(&n, &healed); err != nil {
		return err
	}
	if n == 0 && healed == today {
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		// NB: read again in the transaction: a concurrent reader may have
		// healed and flushed meanwhile.
		if err := tx.DB().NewQuery(`SELECT COALESCE((SELECT value FROM kpi_meta WHERE key = 'healed'), '')`).Row(&healed); err != nil {
			return err
		}
		if healed != today {
			now := time.Now()
			if err := MarkKPIDirty(tx, allMark, now.AddDate(0, 0, -7*KPIHealWeeks), now); err != nil {
				return err
			}
			if _, err := tx.DB().NewQuery(`INSERT OR REPLACE INTO kpi_meta (key, value) VALUES ('healed', {:d})`).
				Bind(dbx.Params{"d": today}).Execute(); err != nil {
				return err
			}
		}
		var marks []struct{ Site, Week string }
		if err := tx.DB().NewQuery(`SELECT site, week FROM kpi_dirty`).All(&marks); err != nil {
			return err
		}
		bySite := map[string][]string{}
		for _, m := range marks {
			bySite[m.Site] = append(bySite[m.Site], m.Week)
		}
		if err := flushMarks(tx, bySite); err != nil {
			return err
		}
		_, err := tx.DB().NewQuery(`DELETE FROM kpi_dirty`).Execute()
		return err
	})
}

// flushMarks rebuilds marked weeks: a whole-history mark of a site (or
// of every site) rebuilds its data's full range; week marks are grouped
// by week so that sites of one week share one rebuild.
func flushMarks(tx core.App, bySite map[string][]string) error {
	full := map[string]bool{}
	for site, weeks := range bySite {
		for _, w := range weeks {
			if w == allMark {
				full[site] = true
			}
		}
	}
	if full[allMark] {
		from, to, err := kpiDataRange(tx)
		if err != nil || from.IsZero() {
			_, derr := tx.DB().NewQuery(`DELETE FROM kpi_daily`).Execute()
			if err == nil {
				err = derr
			}
			return err
		}
		return rebuildKPIDaily(tx, from, to, nil)
	}
	byWeek := map[string][]string{}
	for site, weeks := range bySite {
		if full[site] {
			from, to, err := kpiDataRange(tx)
			if err != nil {
				return err
			}
			if !from.IsZero() {
				if err := rebuildKPIDaily(tx, from, to, []string{site}); err != nil {
					return err
				}
			}
			continue
		}
		for _, w := range weeks {
			byWeek[w] = append(byWeek[w], site)
		}
	}
	weeks := make([]string, 0, len(byWeek))
	for w := range byWeek {
		weeks = append(weeks, w)
	}
	sort.Strings(weeks)
	loc := TenantFactsOf(tx).Location()
	for _, w := range weeks {
		d, err := time.ParseInLocation(time.DateOnly, w, loc)
		if err != nil {
			continue
		}
		sites := byWeek[w]
		if slices.Contains(sites, allMark) {
			sites = nil // every site
		}
		if err := rebuildKPIDaily(tx, d, d.AddDate(0, 0, 7), sites); err != nil {
			return err
		}
	}
	return nil
}

// kpiDataRange returns the instants spanning every cost record of the
// tenant (zero when there is none).
func kpiDataRange(app core.App) (time.Time, time.Time, error) {
	var r struct{ Lo, Hi string }
	err := app.DB().NewQuery(`SELECT min(lo) AS lo, max(hi) AS hi FROM (
		SELECT min(clock_in) AS lo, max(clock_in) AS hi FROM time_entries WHERE clock_in != ''
		UNION ALL SELECT min("at"), max("at") FROM stock_moves WHERE "at" != ''
		UNION ALL SELECT min(created), max(created) FROM stock_moves
		UNION ALL SELECT min("from"), max("to") FROM reservations WHERE "from" != ''
		UNION ALL SELECT min(created), max(created) FROM incidents)`).Row(&r.Lo, &r.Hi)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	lo, hi := ParseDBTime(r.Lo), ParseDBTime(r.Hi)
	if lo.IsZero() || hi.IsZero() {
		return time.Time{}, time.Time{}, nil
	}
	return lo, hi.Add(time.Second), nil
}

// DailyRollup returns the rollup rows of [from, to) (civil dates of the
// tenant's zone, to exclusive) for siteIDs (none = every site), sorted by
// site, day and phase: the series of the dashboards' curves.
func DailyRollup(app core.App, from, to time.Time, siteIDs ...string) ([]KPIDay, error) {
	if err := FlushKPIDaily(app); err != nil {
		return nil, err
	}
	p := dbx.Params{"lo": from.Format(time.DateOnly), "hi": to.Format(time.DateOnly)}
	q := siteFilter(`SELECT site, phase, day, hours, overtime_hours, labour_cost, material_cost, vehicle_cost,
		equipment_cost, incident_cost FROM kpi_daily WHERE day >= {:lo} AND day < {:hi}`, "site", siteIDs, p)
	var rows []KPIDay
	if err := app.DB().NewQuery(q + ` ORDER BY site, day, phase`).Bind(p).All(&rows); err != nil {
		return nil, err
	}
	return rows, nil
}
