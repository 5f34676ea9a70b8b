package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// DailyReport is a site's daily journal (journal de chantier): who was
// there and how long, the tasks finished and under way, incidents,
// deliveries and consumption, the day's photos and the weather.
type DailyReport struct {
	Branding ReportBranding
	Site     ReportSite
	Day      time.Time      // midnight of the day in Location
	Location *time.Location // the tenant's zone, in which times print
	// Log is the site's daily log of the day (weather, temperature,
	// notes; DailyLogWeathers codes), nil when nobody wrote one: the PDF
	// then prints a weather field to fill by hand.
	Log       *ReportDailyLog
	Crew      []ReportCrewLine // Days has one element: the day
	Hours     float64          // total of Crew
	TasksDone []ReportTask     // done or validated
	TasksOpen []ReportTask     // scheduled over the day or clocked on, not done
	Incidents []ReportIncidentLine
	Moves     []ReportMove
	Photos    []ReportPhoto
}

// ReportDailyLog is the site's daily log as reports print it.
type ReportDailyLog struct {
	Weather        string  // a DailyLogWeathers code or ""
	Temperature    float64 // °C, when HasTemperature
	HasTemperature bool
	Notes, Author  string
}

// MaterialAmount returns the value of the day's consumption.
func (d DailyReport) MaterialAmount() float64 { return movesAmount(d.Moves, MoveConsumption) }

// DailyReportData assembles the daily report of a site for the civil day
// holding day, in the tenant's zone. Access is the caller's business
// (FindReportSite for a request; a schedule reports on every site).
func DailyReportData(app core.App, siteID string, day time.Time, thumb PhotoThumbnailer) (DailyReport, error) {
	loc := TenantFactsOf(app).Location()
	d := day.In(loc)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	to := from.AddDate(0, 0, 1)
	r := DailyReport{Day: from, Location: loc}
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
	r.Crew, perTask = crewLines(entries, from, 1, loc)
	for _, l := range r.Crew {
		r.Hours += l.Hours
	}
	civil := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	tasks, err := reportTasks(app, siteID, civil, civil.AddDate(0, 0, 1), perTask)
	if err != nil {
		return r, err
	}
	for _, t := range tasks {
		if t.Status == TaskDone || t.Status == TaskValidated {
			r.TasksDone = append(r.TasksDone, t)
		} else {
			r.TasksOpen = append(r.TasksOpen, t)
		}
	}
	if r.Incidents, err = reportIncidents(app, siteID, from, to); err != nil {
		return r, err
	}
	if r.Moves, err = reportMoves(app, siteID, from, to); err != nil {
		return r, err
	}
	if r.Log, err = reportDailyLog(app, siteID, civil); err != nil {
		return r, err
	}
	r.Photos, err = reportPhotos(app, siteID, from, to, thumb)
	return r, err
}

// reportHeadData is what every site report starts with.
type reportHeadData struct {
	Branding ReportBranding
	Site     ReportSite
}

func reportHead(app core.App, siteID string) (reportHeadData, error) {
	s, err := FindSite(app, siteID)
	if err != nil {
		return reportHeadData{}, err
	}
	rs, err := reportSiteOf(app, s)
	if err != nil {
		return reportHeadData{}, err
	}
	b, err := ReportBrandingOf(app)
	if err != nil && ErrorCode(err) != ENotFound {
		return reportHeadData{}, err
	}
	return reportHeadData{Branding: b, Site: rs}, nil
}

// movesAmount sums the amounts of the moves of one kind.
func movesAmount(moves []ReportMove, kind string) float64 {
	var sum float64
	for _, m := range moves {
		if m.Kind == kind {
			sum += m.Amount
		}
	}
	return sum
}

// reportDailyLog reads the site's daily log of a civil day with its
// author's name (nil when there is none).
func reportDailyLog(app core.App, siteID string, day time.Time) (*ReportDailyLog, error) {
	log, ok, err := DailyLogOf(app, siteID, day)
	if err != nil || !ok {
		return nil, err
	}
	l := &ReportDailyLog{Weather: log.Weather(), Temperature: log.Temperature(), HasTemperature: log.TemperatureSet(), Notes: log.Notes()}
	if id := log.AuthorID(); id != "" {
		if u, err := FindUser(app, id); err == nil {
			l.Author = u.Name()
		}
	}
	return l, nil
}
