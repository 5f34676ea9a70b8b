package domain

import (
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

// FindOpenIncidents returns the open incidents (open or in progress) of
// the sites the user may see, gravest first then newest, with their
// site expanded; at most limit.
//
// The order is the query's, so that a viewer who sees every site (the
// office roles: CanSeeSite) reads only limit rows, whatever the number
// of open incidents (the manager's dashboard at 50 sites).
func FindOpenIncidents(app core.App, u *core.Record, limit int) ([]Incident, error) {
	rank := "CASE [[severity]]"
	for i, sev := range IncidentSeverities() {
		rank += " WHEN '" + sev + "' THEN " + itoa(i+1)
	}
	q := app.RecordQuery(CollectionIncidents).
		AndWhere(dbx.NewExp("[[status]] IN ('open', 'in_progress', '')")).
		OrderBy(rank+" ELSE 0 END DESC", "[[created]] DESC")
	seesAll := u != nil && u.GetBool("active") && u.GetString("role") != RoleCrew
	if seesAll && limit > 0 {
		q = q.Limit(int64(limit))
	}
	var recs []*core.Record
	if err := q.All(&recs); err != nil {
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
