package domain

import (
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// CollectionTaskLinks holds the dependencies between tasks.
const CollectionTaskLinks = "task_links"

// SitePlan is a site's schedule with what is needed to show it: the
// site, the tenant's zone and calendar, and the task records by id.
type SitePlan struct {
	Site     *core.Record
	Location *time.Location
	Calendar *WorkCalendar
	Schedule *Schedule
	Tasks    map[string]*core.Record
	Links    []*core.Record
}

// taskDuration returns a task's duration in working days: duration_days
// when set, else the working days between its planned start and end,
// else one day.
func taskDuration(cal *WorkCalendar, r *core.Record, loc *time.Location) int {
	if d := r.GetFloat("duration_days"); d > 0 {
		return int(d + 0.5)
	}
	start, end := CivilDate(r.GetDateTime("planned_start").Time(), loc), CivilDate(r.GetDateTime("planned_end").Time(), loc)
	if !start.IsZero() && !end.IsZero() && !end.Before(start) {
		if n := cal.WorkingDaysBetween(start, end); n > 0 {
			return n
		}
	}
	return 1
}

// scheduleTask converts a task record for the engine.
func scheduleTask(cal *WorkCalendar, r *core.Record, loc *time.Location) ScheduleTask {
	return ScheduleTask{ID: r.Id, Title: r.GetString("title"), Duration: taskDuration(cal, r, loc),
		Start: CivilDate(r.GetDateTime("planned_start").Time(), loc), Pinned: r.GetBool("pinned")}
}

// scheduleLink converts a link record for the engine.
func scheduleLink(r *core.Record) ScheduleLink {
	return ScheduleLink{From: r.GetString("from"), To: r.GetString("to"), Type: r.GetString("type"), Lag: r.GetInt("lag_days")}
}

// FindSiteTasks returns a site's tasks ordered by planned start, then title.
func FindSiteTasks(app core.App, siteID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionTasks, "site = {:s}", "planned_start,title", 0, 0, dbx.Params{"s": siteID})
}

// FindSiteLinks returns the dependencies between a site's tasks.
func FindSiteLinks(app core.App, siteID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionTaskLinks, "from.site = {:s}", "created", 0, 0, dbx.Params{"s": siteID})
}

// planOverrides replaces stored records by in-memory versions (a task or
// link being saved) when computing a plan; starts replaces the requested
// start of tasks (an impact given back, see pullBackStarts).
type planOverrides struct {
	task   *core.Record
	link   *core.Record
	starts map[string]time.Time
}

// LoadSitePlan computes the schedule of a site's tasks. The project
// starts at the site's start date, else at its earliest task, else today
// (now, in the tenant's zone).
func LoadSitePlan(app core.App, siteID string, now time.Time) (*SitePlan, error) {
	return loadSitePlan(app, siteID, now, planOverrides{})
}

// planCounterKey is the app store key of an *atomic.Int64 that counts
// the schedules computed (one per site plan loaded); only tests set it
// (see export_test.go).
const planCounterKey = "fieldopsPlanCounter"

func loadSitePlan(app core.App, siteID string, now time.Time, o planOverrides) (*SitePlan, error) {
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	f := TenantFactsOf(app)
	cal, loc := f.Calendar(), f.Location()
	tasks, err := FindSiteTasks(app, siteID)
	if err != nil {
		return nil, err
	}
	links, err := FindSiteLinks(app, siteID)
	if err != nil {
		return nil, err
	}
	p := &SitePlan{Site: site, Location: loc, Calendar: cal, Tasks: make(map[string]*core.Record, len(tasks))}
	in := ScheduleInput{Start: CivilDate(site.GetDateTime("start").Time(), loc)}
	for i, t := range tasks {
		if o.task != nil && t.Id == o.task.Id {
			tasks[i] = o.task
		}
	}
	if o.task != nil && o.task.IsNew() {
		tasks = append(tasks, o.task)
	}
	for _, t := range tasks {
		p.Tasks[t.Id] = t
		st := scheduleTask(cal, t, loc)
		if d, ok := o.starts[t.Id]; ok {
			st.Start = d
		}
		in.Tasks = append(in.Tasks, st)
	}
	replaced := false
	for _, l := range links {
		if o.link != nil && l.Id == o.link.Id {
			l, replaced = o.link, true
		}
		p.Links = append(p.Links, l)
		in.Links = append(in.Links, scheduleLink(l))
	}
	if o.link != nil && !replaced {
		p.Links = append(p.Links, o.link)
		in.Links = append(in.Links, scheduleLink(o.link))
	}
	if in.Start.IsZero() {
		for _, t := range in.Tasks {
			if !t.Start.IsZero() && (in.Start.IsZero() || t.Start.Before(in.Start)) {
				in.Start = t.Start
			}
		}
	}
	if in.Start.IsZero() {
		y, m, d := now.In(loc).Date()
		in.Start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	if n, ok := app.Store().Get(planCounterKey).(*atomic.Int64); ok {
		n.Add(1)
	}
	if p.Schedule, err = ComputeSchedule(cal, in); err != nil {
		return nil, err
	}
	return p, nil
}

// Successors returns the ids of the tasks that depend, directly or
// through other tasks, on the roots (roots excluded unless reached).
func (p *SitePlan) Successors(roots ...string) []string {
	next := map[string][]string{}
	for _, l := range p.Links {
		next[l.GetString("from")] = append(next[l.GetString("from")], l.GetString("to"))
	}
	seen := map[string]bool{}
	var out []string
	queue := append([]string{}, roots...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, s := range next[id] {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
				queue = append(queue, s)
			}
		}
	}
	return out
}

// dateOnly is how planning dates are stored: midnight UTC of the civil
// date (see CivilDate).

// FindPlannedSites returns the sites that are being planned or worked
// on (draft, planned, active, on hold), by code.
func FindPlannedSites(app core.App) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionSites, "status != 'done' && status != 'cancelled'", "code", 0, 0)
}
