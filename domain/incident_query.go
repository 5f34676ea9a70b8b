package domain

import (
	"sort"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// SiteCosts are a site's recorded costs: the material consumed (at the
// unit costs of each move) and the impacts in euros of its incidents.
type SiteCosts struct {
	Consumption float64
	Moves       int
	Incidents   float64
	Total       float64
}

// IncidentCostsBySite returns the sum of the incidents' impacts in
// euros, by site id (every status: a closed incident still cost it).
func IncidentCostsBySite(app core.App) (map[string]float64, error) {
	var rows []struct {
		Site string  `db:"site"`
		Cost float64 `db:"cost"`
	}
	err := app.DB().NewQuery(`SELECT site, ROUND(SUM(impact_eur), 2) AS cost FROM incidents
		WHERE site != '' AND impact_eur > 0 GROUP BY site`).All(&rows)
	out := make(map[string]float64, len(rows))
	for _, r := range rows {
		out[r.Site] = r.Cost
	}
	return out, err
}

// FindSiteCosts returns a site's costs: material consumption and
// incident impacts.
func FindSiteCosts(app core.App, siteID string) (SiteCosts, error) {
	var c SiteCosts
	cons, err := ConsumptionBySite(app)
	if err != nil {
		return c, err
	}
	for _, m := range cons {
		if m.SiteID == siteID {
			c.Consumption, c.Moves = m.Cost, m.Moves
		}
	}
	inc, err := IncidentCostsBySite(app)
	if err != nil {
		return c, err
	}
	c.Incidents = inc[siteID]
	c.Total = c.Consumption + c.Incidents
	return c, nil
}

// severityRank orders severities, gravest first.
func severityRank(s string) int {
	sev := IncidentSeverities()
	for i := range sev {
		if sev[i] == s {
			return i + 1
		}
	}
	return 0
}

// FindOpenIncidents returns the open incidents (open or in progress) of
// the sites the user may see, gravest first then newest, with their
// site expanded; at most limit.
func FindOpenIncidents(app core.App, u *core.Record, limit int) ([]Incident, error) {
	recs, err := app.FindRecordsByFilter(CollectionIncidents, "status = 'open' || status = 'in_progress' || status = ''",
		"-created", 0, 0, dbx.Params{})
	if err != nil {
		return nil, err
	}
	if errs := app.ExpandRecords(recs, []string{"site", "assigned_to"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	out := make([]Incident, 0, len(recs))
	for _, inc := range AsIncidents(recs) {
		if s, ok := inc.ExpandedSite(); ok && CanSeeSite(u, s.Record) {
			out = append(out, inc)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return severityRank(out[i].Severity()) > severityRank(out[j].Severity()) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// FindSiteIncident returns an incident of the site, its reporter and
// assignee expanded, or ENotFound.
func FindSiteIncident(app core.App, siteID, id string) (Incident, error) {
	inc, err := FindIncident(app, id)
	if err != nil || inc.SiteID() != siteID {
		return Incident{}, Errorf(ENotFound, "err.incident.not_found")
	}
	_ = app.ExpandRecord(inc.Record, []string{"reported_by", "assigned_to"}, nil)
	return inc, nil
}
