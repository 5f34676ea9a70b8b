package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// WeeklyReport is a site's weekly progress report for its client: the
// site's progress, the week's tasks and next week's plan, hours, photos
// and incidents. It prints no costs: the client reads it.
type WeeklyReport struct {
	Branding ReportBranding
	Site     ReportSite
	Week     time.Time      // Monday 00:00 in Location
	Location *time.Location // the tenant's zone
	ISOWeek  string         // "2026-W49"
	// Progress is the site's progress at generation, in percent: the
	// tasks' progress weighted by their duration in days (1 when unset);
	// done and validated tasks count 100.
	Progress              float64
	TasksTotal, TasksDone int
	Crew                  []ReportCrewLine // Days: Monday..Sunday
	Hours                 float64
	ThisWeek, NextWeek    []ReportTask
	Incidents             []ReportIncidentLine
	Photos                []ReportPhoto
}

// WeeklyReportData assembles the weekly report of a site for the ISO
// week holding week (any instant of it), in the tenant's zone.
func WeeklyReportData(app core.App, siteID string, week time.Time, thumb PhotoThumbnailer) (WeeklyReport, error) {
	loc := TenantFactsOf(app).Location()
	from, to, _ := PeriodBounds(PeriodWeek, week, loc)
	r := WeeklyReport{Week: from, Location: loc, ISOWeek: ISOWeekText(from)}
	head, err := reportHead(app, siteID)
	if err != nil {
		return r, err
	}
	r.Branding, r.Site = head.Branding, head.Site
	entries, err := siteTimeEntries(app, siteID, from, to)
	if err != nil {
		return r, err
	}
	var perTask map[string]float64
	r.Crew, perTask = crewLines(entries, from, 7, loc)
	for _, l := range r.Crew {
		r.Hours += l.Hours
	}
	civil := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	if r.ThisWeek, err = reportTasks(app, siteID, civil, civil.AddDate(0, 0, 7), perTask); err != nil {
		return r, err
	}
	if r.NextWeek, err = reportTasks(app, siteID, civil.AddDate(0, 0, 7), civil.AddDate(0, 0, 14), nil); err != nil {
		return r, err
	}
	if r.Progress, r.TasksTotal, r.TasksDone, err = siteProgress(app, siteID); err != nil {
		return r, err
	}
	if r.Incidents, err = reportIncidents(app, siteID, from, to); err != nil {
		return r, err
	}
	r.Photos, err = reportPhotos(app, siteID, from, to, thumb)
	return r, err
}

// siteProgress returns a site's duration-weighted progress in percent,
// its task count and how many are done or validated.
func siteProgress(app core.App, siteID string) (float64, int, int, error) {
	var rows []struct {
		Status   string  `db:"status"`
		Progress float64 `db:"progress"`
		Duration float64 `db:"duration_days"`
	}
	err := app.DB().NewQuery("SELECT status, progress, duration_days FROM tasks WHERE site = {:s}").
		Bind(dbx.Params{"s": siteID}).All(&rows)
	if err != nil {
		return 0, 0, 0, err
	}
	var done int
	var sum, weight float64
	for _, t := range rows {
		w := t.Duration
		if w <= 0 {
			w = 1
		}
		p := t.Progress
		if t.Status == TaskDone || t.Status == TaskValidated {
			p = 100
			done++
		}
		sum += w * p
		weight += w
	}
	if weight == 0 {
		return 0, 0, 0, nil
	}
	return sum / weight, len(rows), done, nil
}
