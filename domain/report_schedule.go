package domain

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/cron"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Scheduled reports (issue #17, item 4). A report_schedules record names
// a kind (daily, weekly, monthly), a five-field cron expression read in
// the tenant's zone ("0 19 * * *" daily at 19:00, "0 7 * * 1" Mondays at
// 07:00, "0 7 1 * *" on the 1st at 07:00), recipients (a JSON list of
// e-mail addresses) and enabled. Each occurrence of the cron reports one
// period: a daily run the day of the minute before it (19:00 → that day,
// 00:00 → the day before), a weekly run the ISO week of the day before it
// (Monday → last week, Friday → this week), a monthly run the month of the
// day before it (the 1st → last month). Daily and weekly runs report every
// active site, a monthly run the whole tenant.
//
// The marker of a run is its archive: an occurrence is done when
// `reports` holds a scheduled report of its kind and period (per site for
// daily and weekly). So a run missed while the server was down is caught
// up at the next pass (at start, then every few minutes), as far back as
// ReportCatchUp; a failed generation is retried at every pass and its
// error stays visible (ReportScheduleErrors, the Rapports page) and logged
// until a pass succeeds. A run that archived its files but could not mail
// them records that error and is not sent again.

// ReportCatchUp is how far back missed runs are caught up.
const ReportCatchUp = 31 * 24 * time.Hour

// ReportGenerator makes the files of a report: kind, site (blank for the
// monthly report), period start (midnight in the tenant's zone) and the
// language to write it in ("fr", "en"). It fills the archive's files,
// base name, period text and language; the handlers provide it (package
// domain does not import the renderers).
type ReportGenerator func(app core.App, kind, siteID string, start time.Time, lang string) (ReportArchive, error)

// ReportScheduleError is the last failure of a schedule.
type ReportScheduleError struct {
	Schedule string    `json:"schedule"`
	Kind     string    `json:"kind"`
	Period   string    `json:"period"`
	At       time.Time `json:"at"`
	Err      string    `json:"error"`
}

const reportErrorsKey = "fieldopsReportErrors"

type reportErrors struct {
	mu   sync.Mutex
	last map[string]ReportScheduleError
}

func reportErrorsOf(app core.App) *reportErrors {
	return app.Store().GetOrSet(reportErrorsKey, func() any { return &reportErrors{last: map[string]ReportScheduleError{}} }).(*reportErrors)
}

// ReportScheduleErrors returns the schedules' failures since their last
// successful pass, oldest first.
func ReportScheduleErrors(app core.App) []ReportScheduleError {
	e := reportErrorsOf(app)
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]ReportScheduleError, 0, len(e.last))
	for _, v := range e.last {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// ScheduleRun is one report made by RunReportSchedules.
type ScheduleRun struct {
	Schedule, Kind, Period, SiteID string
	Report                         Report
	Mailed                         int
}

// RunReportSchedules makes every scheduled report due at now and not yet
// archived (catching up missed runs within ReportCatchUp, never before the
// schedule's creation nor before it was last switched on; a disabled
// schedule never runs), archives each (ArchiveReport: SHA-256, audited)
// in the company's language and mails it to the schedule's recipients
// when SMTP is configured, each in their language (ReportRecipientLangs:
// one more archived copy per other language). A
// failure is logged and kept for ReportScheduleErrors; the pass goes on
// with the other schedules. It returns the reports made.
func RunReportSchedules(app core.App, now time.Time, gen ReportGenerator, logger *slog.Logger) ([]ScheduleRun, error) {
	if logger == nil {
		logger = app.Logger()
	}
	recs, err := app.FindAllRecords(CollectionReportSchedules, dbx.HashExp{"enabled": true})
	if err != nil {
		return nil, err
	}
	loc := TenantFactsOf(app).Location()
	errs := reportErrorsOf(app)
	var runs []ScheduleRun
	for _, s := range AsReportSchedules(recs) {
		made, period, err := runSchedule(app, s, now, loc, gen)
		runs = append(runs, made...)
		errs.mu.Lock()
		if err != nil {
			logger.Error("scheduled report failed", "schedule", s.Id, "kind", s.Kind(), "period", period, "error", err)
			errs.last[s.Id] = ReportScheduleError{Schedule: s.Id, Kind: s.Kind(), Period: period, At: now, Err: err.Error()}
		} else {
			delete(errs.last, s.Id)
		}
		errs.mu.Unlock()
	}
	return runs, nil
}

// runSchedule makes a schedule's due reports; on error it returns the
// period that failed.
func runSchedule(app core.App, s ReportSchedule, now time.Time, loc *time.Location, gen ReportGenerator) ([]ScheduleRun, string, error) {
	kind := s.Kind()
	switch kind {
	case ReportDaily, ReportWeekly, ReportMonthly:
	default:
		return nil, "", fmt.Errorf("unsupported schedule kind %q", kind)
	}
	sched, err := cron.NewSchedule(s.Cron())
	if err != nil {
		return nil, "", fmt.Errorf("cron %q: %w", s.Cron(), err)
	}
	var to []string
	if raw := s.Recipients(); len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &to); err != nil {
			return nil, "", fmt.Errorf("recipients: %w", err)
		}
	}
	since := now.Add(-ReportCatchUp)
	for _, c := range []time.Time{s.Created(), s.EnabledSince()} {
		if c.After(since) {
			since = c
		}
	}
	groups, err := ReportRecipientLangs(app, to)
	if err != nil {
		return nil, "", err
	}
	var runs []ScheduleRun
	for _, due := range dueMoments(sched, since, now, loc) {
		start, period := schedulePeriod(kind, due, loc)
		sites := []string{""}
		if kind != ReportMonthly {
			if sites, err = activeSiteIDs(app); err != nil {
				return runs, period, err
			}
		}
		for _, site := range sites {
			done, err := scheduledReportExists(app, kind, period, site)
			if err != nil {
				return runs, period, err
			}
			if done {
				continue
			}
			made, err := runScheduledReport(app, s.Id, kind, site, start, groups, gen)
			runs = append(runs, made...)
			if err != nil {
				return runs, period, err
			}
		}
	}
	return runs, "", nil
}

// dueMoments returns the minutes in (since, now] when sched is due in
// loc, oldest first.
func dueMoments(sched *cron.Schedule, since, now time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	t := since.In(loc).Truncate(time.Minute).Add(time.Minute)
	// NB: a month of minutes is 44,640 cheap checks; hours without a match
	// are skipped whole.
	for end := now.In(loc); !t.After(end); {
		if _, ok := sched.Hours[t.Hour()]; !ok {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
			continue
		}
		if _, ok := sched.Minutes[t.Minute()]; ok && sched.IsDue(cron.NewMoment(t)) {
			out = append(out, t)
		}
		t = t.Add(time.Minute)
	}
	return out
}

// schedulePeriod returns the start and text of the period a run at due
// reports (see the package comment of scheduled reports).
func schedulePeriod(kind string, due time.Time, loc *time.Location) (time.Time, string) {
	switch kind {
	case ReportDaily:
		d := due.Add(-time.Minute)
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		return day, day.Format(time.DateOnly)
	case ReportWeekly:
		d := due.AddDate(0, 0, -1)
		mon := WeekMonday(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc))
		return mon, ISOWeekText(mon)
	}
	d := due.AddDate(0, 0, -1)
	m := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
	return m, m.Format("2006-01")
}

func activeSiteIDs(app core.App) ([]string, error) {
	recs, err := app.FindAllRecords(CollectionSites, dbx.HashExp{"status": SiteActive})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	return ids, nil
}

func scheduledReportExists(app core.App, kind, period, site string) (bool, error) {
	n, err := app.CountRecords(CollectionReports, dbx.HashExp{"kind": kind, "period": period, "site": site, "trigger": ReportBySchedule})
	return n > 0, err
}

// ReportSchedulerConfig configures StartReportScheduler.
type ReportSchedulerConfig struct {
	Clock    func() time.Time
	Every    time.Duration // between passes; 5 minutes when zero
	Generate ReportGenerator
	Logger   *slog.Logger
}

const reportSchedulerKey = "fieldopsReportScheduler"

// StartReportScheduler starts the tenant app's report job: a pass at
// start (catching up missed runs) then every cfg.Every, stopped with the
// app. Once per app.
func StartReportScheduler(app core.App, cfg ReportSchedulerConfig) {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = app.Logger()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	if app.Store().GetOrSet(reportSchedulerKey, func() any { return stop }) != stop {
		return
	}
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsReportSchedulerStop", Func: func(e *core.TerminateEvent) error {
		close(stop)
		<-done
		return e.Next()
	}})
	go func() {
		defer close(done)
		tick := time.NewTicker(cfg.Every)
		defer tick.Stop()
		for {
			if _, err := RunReportSchedules(app, cfg.Clock(), cfg.Generate, cfg.Logger); err != nil {
				cfg.Logger.Error("report schedules", "error", err)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
}
