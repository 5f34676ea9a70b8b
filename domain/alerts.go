package domain

import (
	"fmt"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Alert is something an office user should act on: a document or a
// clearance reaching its validity end (30 and 7 days before, and after),
// a milestone due soon or overdue.
type Alert struct {
	Kind   string // document, clearance, milestone
	Level  string // warning, critical
	Title  string
	Detail string // state key: soon30, soon7, expired, due_soon, overdue
	Due    time.Time
	SiteID string
	// Site names the site the alert concerns ("CH-7 · Gymnase"), "" when
	// it concerns none (a person's clearance).
	Site    string
	UserID  string
	Subject string // record id
}

// FindAlerts computes the current alerts of a tenant, most urgent first.
// siteID narrows them to one site ("" = all).
func FindAlerts(app core.App, now time.Time, siteID string) ([]Alert, error) {
	var out []Alert
	loc := TenantFactsOf(app).Location()
	horizon := DBTime(now.AddDate(0, 0, 31))
	docFilter := "current = true && valid_until != '' && valid_until <= {:h}"
	p := dbx.Params{"h": horizon, "site": siteID}
	if siteID != "" {
		docFilter += " && site = {:site}"
	}
	docs, err := app.FindRecordsByFilter(CollectionDocuments, docFilter, "valid_until", 200, 0, p)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		due := d.GetDateTime("valid_until").Time()
		st := ExpiryState(due, now, loc)
		out = append(out, Alert{Kind: "document", Level: levelOf(st), Title: d.GetString("title"), Detail: st, Due: due, SiteID: d.GetString("site"), Subject: d.Id})
	}
	if siteID == "" {
		cls, err := app.FindRecordsByFilter(CollectionClearances, "valid_until != '' && valid_until <= {:h}", "valid_until", 200, 0, p)
		if err != nil {
			return nil, err
		}
		_ = app.ExpandRecords(cls, []string{"user"}, nil)
		for _, c := range cls {
			due := c.GetDateTime("valid_until").Time()
			st := ExpiryState(due, now, loc)
			name := c.GetString("user")
			if u := c.ExpandedOne("user"); u != nil {
				name = u.GetString("name")
			}
			out = append(out, Alert{Kind: "clearance", Level: levelOf(st), Title: fmt.Sprintf("%s · %s", c.GetString("kind"), name), Detail: st, Due: due, UserID: c.GetString("user"), Subject: c.Id})
		}
	}
	msFilter := "reached_at = '' && due != '' && due <= {:h7}"
	p["h7"] = DBTime(now.AddDate(0, 0, 8))
	if siteID != "" {
		msFilter += " && site = {:site}"
	}
	ms, err := app.FindRecordsByFilter(CollectionMilestones, msFilter, "due", 200, 0, p)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		due := m.GetDateTime("due").Time()
		st := MilestoneState(due, time.Time{}, now, loc)
		lvl := "warning"
		if st == MilestoneOverdue {
			lvl = "critical"
		}
		out = append(out, Alert{Kind: "milestone", Level: lvl, Title: m.GetString("name"), Detail: st, Due: due, SiteID: m.GetString("site"), Subject: m.Id})
	}
	if err := nameAlertSites(app, out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Level != out[j].Level {
			return out[i].Level == "critical"
		}
		return out[i].Due.Before(out[j].Due)
	})
	return out, nil
}

func levelOf(expiry string) string {
	if expiry == ExpiryExpired || expiry == ExpirySoon7 {
		return "critical"
	}
	return "warning"
}

// nameAlertSites fills the Site of the alerts that concern one, so that
// two sites' alerts of the same kind and title are told apart.
func nameAlertSites(app core.App, alerts []Alert) error {
	var ids []any
	seen := map[string]bool{}
	for _, a := range alerts {
		if a.SiteID != "" && !seen[a.SiteID] {
			seen[a.SiteID] = true
			ids = append(ids, a.SiteID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	sites, err := app.FindAllRecords(CollectionSites, dbx.In("id", ids...))
	if err != nil {
		return err
	}
	names := make(map[string]string, len(sites))
	for _, s := range sites {
		names[s.Id] = SiteLabel(s)
	}
	for i := range alerts {
		alerts[i].Site = names[alerts[i].SiteID]
	}
	return nil
}

// SiteLabel is how a site is named in messages about it: its code and
// name ("CH-7 · Gymnase").
func SiteLabel(s *core.Record) string {
	return s.GetString("code") + " · " + s.GetString("name")
}
