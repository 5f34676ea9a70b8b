package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Loaders of the cost engine's inputs. They read the columns they need
// with one SQL query each (a year of 50 sites is ~60,000 time entries:
// full records would cost ten times more) and give the plain values of
// kpi_cost.go. Instants are UTC; a range [from, to) is of instants.

// siteFilter appends "AND <col> IN (…)" for siteIDs (none = every site).
func siteFilter(sql, col string, siteIDs []string, p dbx.Params) string {
	if len(siteIDs) == 0 {
		return sql
	}
	names := make([]string, len(siteIDs))
	for i, id := range siteIDs {
		k := "s" + itoa(i)
		p[k] = id
		names[i] = "{:" + k + "}"
	}
	return sql + " AND " + col + " IN (" + strings.Join(names, ",") + ")"
}

// loadWorkSpans returns the approved, clocked-out time entries whose
// clock-in falls in [from, to): with siteIDs, every entry of the people
// who worked on those sites in the range (their other sites included:
// overtime is counted over a person's whole week).
func loadWorkSpans(app core.App, from, to time.Time, siteIDs []string) ([]WorkSpan, error) {
	p := dbx.Params{"from": DBTime(from), "to": DBTime(to)}
	q := `SELECT te.id, te.user, te.site, te.task, COALESCE(t.phase, '') AS phase, te.clock_in, te.clock_out
		FROM time_entries te LEFT JOIN tasks t ON t.id = te.task
		WHERE te.status = 'approved' AND te.clock_out != '' AND te.clock_in >= {:from} AND te.clock_in < {:to}`
	if len(siteIDs) > 0 {
		q += siteFilter(` AND te.user IN (SELECT DISTINCT user FROM time_entries
			WHERE status = 'approved' AND clock_in >= {:from} AND clock_in < {:to}`, "site", siteIDs, p) + `)`
	}
	var rows []struct {
		ID, User, Site, Task, Phase string
		ClockIn                     string `db:"clock_in"`
		ClockOut                    string `db:"clock_out"`
	}
	if err := app.DB().NewQuery(q).Bind(p).All(&rows); err != nil {
		return nil, err
	}
	out := make([]WorkSpan, 0, len(rows))
	for _, r := range rows {
		out = append(out, WorkSpan{ID: r.ID, UserID: r.User, SiteID: r.Site, TaskID: r.Task, PhaseID: r.Phase,
			In: ParseDBTime(r.ClockIn), Out: ParseDBTime(r.ClockOut)})
	}
	return out, nil
}

// loadHourlyCosts returns every person's hourly cost by user id.
func loadHourlyCosts(app core.App) (map[string]float64, error) {
	var rows []struct {
		ID   string  `db:"id"`
		Cost float64 `db:"hourly_cost"`
	}
	if err := app.DB().NewQuery(`SELECT id, hourly_cost FROM users`).All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Cost
	}
	return out, nil
}

// loadConsumptions returns the consumption moves of sites recorded in
// [from, to) (at, else created). A move without a unit cost takes its
// material's current one.
func loadConsumptions(app core.App, from, to time.Time, siteIDs []string) ([]Consumption, error) {
	p := dbx.Params{"from": DBTime(from), "to": DBTime(to)}
	q := siteFilter(`SELECT sm.site, COALESCE(t.phase, '') AS phase,
			CASE WHEN sm."at" != '' THEN sm."at" ELSE sm.created END AS at, sm.qty,
			CASE WHEN sm.unit_cost > 0 THEN sm.unit_cost ELSE COALESCE(m.unit_cost, 0) END AS unit_cost
		FROM stock_moves sm LEFT JOIN tasks t ON t.id = sm.task LEFT JOIN materials m ON m.id = sm.material
		WHERE sm.kind = 'consumption' AND sm.site != ''
			AND (CASE WHEN sm."at" != '' THEN sm."at" ELSE sm.created END) >= {:from}
			AND (CASE WHEN sm."at" != '' THEN sm."at" ELSE sm.created END) < {:to}`, "sm.site", siteIDs, p)
	var rows []struct {
		Site, Phase, At string
		Qty             float64 `db:"qty"`
		UnitCost        float64 `db:"unit_cost"`
	}
	if err := app.DB().NewQuery(q).Bind(p).All(&rows); err != nil {
		return nil, err
	}
	out := make([]Consumption, 0, len(rows))
	for _, r := range rows {
		out = append(out, Consumption{SiteID: r.Site, PhaseID: r.Phase, At: ParseDBTime(r.At), Qty: r.Qty, UnitCost: r.UnitCost})
	}
	return out, nil
}

// loadBookings returns the reservations of sites overlapping [from, to),
// with their asset's daily rate; the caller keeps the days in range.
func loadBookings(app core.App, from, to time.Time, siteIDs []string) ([]AssetBooking, error) {
	p := dbx.Params{"from": DBTime(from), "to": DBTime(to)}
	q := siteFilter(`SELECT r.site, COALESCE(t.phase, '') AS phase, r.asset_kind, r."from" AS f, r."to" AS u,
			COALESCE(v.daily_rate, e.daily_rate, 0) AS rate
		FROM reservations r LEFT JOIN tasks t ON t.id = r.task
			LEFT JOIN vehicles v ON r.asset_kind = 'vehicle' AND v.id = r.asset
			LEFT JOIN equipment e ON r.asset_kind = 'equipment' AND e.id = r.asset
		WHERE r.site != '' AND r."from" < {:to} AND r."to" > {:from}`, "r.site", siteIDs, p)
	var rows []struct {
		Site, Phase string
		Kind        string  `db:"asset_kind"`
		From        string  `db:"f"`
		To          string  `db:"u"`
		Rate        float64 `db:"rate"`
	}
	if err := app.DB().NewQuery(q).Bind(p).All(&rows); err != nil {
		return nil, err
	}
	out := make([]AssetBooking, 0, len(rows))
	for _, r := range rows {
		out = append(out, AssetBooking{SiteID: r.Site, PhaseID: r.Phase, AssetKind: r.Kind,
			From: ParseDBTime(r.From), To: ParseDBTime(r.To), DailyRate: r.Rate})
	}
	return out, nil
}

// loadIncidentImpacts returns the incidents of sites reported in [from, to).
func loadIncidentImpacts(app core.App, from, to time.Time, siteIDs []string) ([]IncidentImpact, error) {
	p := dbx.Params{"from": DBTime(from), "to": DBTime(to)}
	q := siteFilter(`SELECT i.site, COALESCE(t.phase, '') AS phase, i.created, i.severity, i.impact_eur
		FROM incidents i LEFT JOIN tasks t ON t.id = i.task
		WHERE i.site != '' AND i.created >= {:from} AND i.created < {:to}`, "i.site", siteIDs, p)
	var rows []struct {
		Site, Phase, Created, Severity string
		Impact                         float64 `db:"impact_eur"`
	}
	if err := app.DB().NewQuery(q).Bind(p).All(&rows); err != nil {
		return nil, err
	}
	out := make([]IncidentImpact, 0, len(rows))
	for _, r := range rows {
		out = append(out, IncidentImpact{SiteID: r.Site, PhaseID: r.Phase, At: ParseDBTime(r.Created), Severity: r.Severity, ImpactEUR: r.Impact})
	}
	return out, nil
}
