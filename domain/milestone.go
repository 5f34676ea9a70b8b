package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Milestone states.
const (
	MilestoneReached  = "reached"
	MilestoneOverdue  = "overdue"
	MilestoneDueSoon  = "due_soon" // within 7 days
	MilestoneUpcoming = "upcoming"
	MilestoneUndated  = "undated"
)

// MilestoneState classifies a milestone at now, days counted in the
// tenant's zone loc: reached, overdue (due date passed, not reached), due
// within 7 days, upcoming, or undated.
func MilestoneState(due, reached, now time.Time, loc *time.Location) string {
	switch {
	case !reached.IsZero():
		return MilestoneReached
	case due.IsZero():
		return MilestoneUndated
	case dayOf(now, loc).After(CivilDate(due, loc)):
		return MilestoneOverdue
	case CivilDate(due, loc).Sub(dayOf(now, loc)) <= 7*24*time.Hour:
		return MilestoneDueSoon
	}
	return MilestoneUpcoming
}

// dayOf returns the civil date of the instant t in loc (midnight UTC of
// that day). Stored dates go through CivilDate instead.
func dayOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FindMilestones returns a site's milestones by due date.
func FindMilestones(app core.App, siteID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionMilestones, "site = {:site}", "due,position", 0, 0, dbx.Params{"site": siteID})
}

// AddMilestone adds a dated milestone to a site.
func AddMilestone(app core.App, actor *core.Record, siteID, name string, due time.Time) (*core.Record, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, FieldError("milestone_name", "err.milestone.name_required")
	}
	if due.IsZero() {
		return nil, FieldError("milestone_due", "err.milestone.date_required")
	}
	if _, err := app.FindRecordById(CollectionSites, siteID); err != nil {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	return newChild(app, CollectionMilestones, map[string]any{"site": siteID, "name": name, "due": due.UTC()}, actor)
}

// ReachMilestone marks a milestone reached at now (or clears it).
func ReachMilestone(app core.App, actor *core.Record, id string, reached bool, now time.Time) (*core.Record, error) {
	m, err := app.FindRecordById(CollectionMilestones, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.milestone.not_found")
	}
	if reached {
		m.Set("reached_at", now.UTC())
	} else {
		m.Set("reached_at", "")
	}
	setActor(m, actor)
	return m, app.Save(m)
}
