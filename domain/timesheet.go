package domain

import (
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TimesheetQuery selects a weekly timesheet: the week holding Day, for
// one person (User), one site's team (Site), or everyone actor reviews.
type TimesheetQuery struct {
	Day        time.Time
	User, Site string
}

// TimesheetRow is one person's week: hours per day (Monday first, by the
// clock-in day in the tenant's zone), total, flags and status counts.
type TimesheetRow struct {
	User     User
	Days     [7]float64
	Total    float64
	Long     int            // entries closed after TimeMaxDuration
	Overlap  int            // entries overlapping another
	Statuses map[string]int // entries per status
	Entries  []TimeEntry    // the week's entries, oldest first
}

// Status summarises a row: open, rejected or submitted while any entry
// is so (in that order), else approved.
func (r TimesheetRow) Status() string {
	for _, s := range []string{TimeOpen, TimeRejected, TimeSubmitted} {
		if r.Statuses[s] > 0 {
			return s
		}
	}
	return TimeApproved
}

// Timesheet is a week of time: rows per person, day and week totals, and
// the closed period holding it, if any.
type Timesheet struct {
	Start, End time.Time // [Monday, next Monday) in the tenant's zone
	Rows       []TimesheetRow
	Days       [7]float64
	Total      float64
	Closed     *TimePeriod
}

// WeekTimesheet builds the week of q as actor may see it: a crew member
// sees only their own time; a reviewer (CanReviewTime) the time of the
// sites they review. Asking for a team or a person one may not see is
// refused.
func WeekTimesheet(app core.App, actor *core.Record, q TimesheetQuery) (Timesheet, error) {
	if actor == nil {
		return Timesheet{}, Errorf(EForbidden, "err.sign_in_required")
	}
	loc := TenantFactsOf(app).Location()
	start, end, _ := PeriodBounds(PeriodWeek, q.Day, loc)
	ts := Timesheet{Start: start, End: end}
	if p, ok := ClosedPeriodAt(app, start); ok {
		ts.Closed = &p
	}
	filter := "clock_in >= {:from} && clock_in < {:to}"
	params := dbx.Params{"from": DBTime(start), "to": DBTime(end)}
	if q.Site != "" {
		site := siteRecord(app, q.Site)
		if site == nil {
			return ts, Errorf(ENotFound, "err.site.not_found")
		}
		if !CanReviewTime(actor, site) {
			return ts, Errorf(EForbidden, "err.timesheet.team_forbidden")
		}
		filter, params["site"] = filter+" && site = {:site}", q.Site
	}
	if q.User != "" {
		if q.User != actor.Id && actor.GetString("role") == RoleCrew && !actor.GetBool("tenant_admin") {
			return ts, Errorf(EForbidden, "err.timesheet.person_forbidden")
		}
		filter, params["user"] = filter+" && user = {:user}", q.User
	}
	recs, err := app.FindRecordsByFilter(CollectionTimeEntries, filter, "clock_in", 5000, 0, params)
	if err != nil {
		return ts, err
	}
	_ = app.ExpandRecords(recs, []string{"user", "site", "task"}, nil)
	rows := map[string]*TimesheetRow{}
	for _, e := range AsTimeEntries(recs) {
		site, _ := e.ExpandedSite()
		if e.UserID() != actor.Id && !CanReviewTime(actor, site.Record) {
			continue
		}
		row := rows[e.UserID()]
		if row == nil {
			u, _ := e.ExpandedUser()
			row = &TimesheetRow{User: u, Statuses: map[string]int{}}
			rows[e.UserID()] = row
		}
		row.Entries = append(row.Entries, e)
		row.Statuses[e.Status()]++
		f := TimeFlagsOf(e.Record)
		if f.Long {
			row.Long++
		}
		if len(f.Overlap) > 0 {
			row.Overlap++
		}
		out := e.ClockOut()
		if out.IsZero() {
			continue // still open: no hours yet
		}
		h := out.Sub(e.ClockIn()).Hours()
		day := weekday(start, e.ClockIn().In(loc))
		row.Days[day] += h
		row.Total += h
		ts.Days[day] += h
		ts.Total += h
	}
	for _, r := range rows {
		ts.Rows = append(ts.Rows, *r)
	}
	sort.Slice(ts.Rows, func(i, j int) bool { return ts.Rows[i].User.Name() < ts.Rows[j].User.Name() })
	return ts, nil
}

// weekday returns the index (0 = Monday) of t's local date in the week
// starting at start, counting calendar days (a DST change is not a day).
func weekday(start, t time.Time) int {
	a := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return min(max(int(b.Sub(a).Hours()/24), 0), 6)
}
