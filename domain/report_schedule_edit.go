package domain

import (
	"encoding/json"
	"net/mail"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// ReportScheduleInput is a schedule as the Rapports page's form gives it:
// kind (daily, weekly, monthly), hour of the run (0–23, the tenant's
// zone), weekday of a weekly run (1 Monday … 7 Sunday) and recipients
// (addresses separated by commas, semicolons or spaces). The form's
// choice becomes the schedule's cron expression (ReportScheduleCron).
type ReportScheduleInput struct {
	Kind       string
	Hour       string
	Weekday    string
	Recipients string
}

// CanEditReportSchedules reports whether u may create and delete
// schedules: the office roles (managers, project managers, tenant admins).
func CanEditReportSchedules(u *core.Record) bool {
	return u != nil && u.Collection().Name == CollectionUsers && IsOffice(u)
}

// ReportScheduleCron turns a form's choice into a cron expression: daily
// at hour, weekly on weekday (1–7, ISO) at hour, monthly on the 1st at
// hour. Errors name the field (EInvalid).
func ReportScheduleCron(in ReportScheduleInput) (string, error) {
	h, err := strconv.Atoi(strings.TrimSpace(in.Hour))
	if err != nil || h < 0 || h > 23 {
		return "", FieldError("hour", "err.schedule.bad_hour")
	}
	switch in.Kind {
	case ReportDaily:
		return "0 " + strconv.Itoa(h) + " * * *", nil
	case ReportWeekly:
		d, err := strconv.Atoi(strings.TrimSpace(in.Weekday))
		if err != nil || d < 1 || d > 7 {
			return "", FieldError("weekday", "err.schedule.bad_weekday")
		}
		return "0 " + strconv.Itoa(h) + " * * " + strconv.Itoa(d%7), nil
	case ReportMonthly:
		return "0 " + strconv.Itoa(h) + " 1 * *", nil
	}
	return "", FieldError("kind", "err.report.unknown_kind")
}

// CreateReportSchedule records an enabled schedule for actor (office
// roles only, EForbidden otherwise). Recipients must be valid addresses,
// at most 20; none is allowed (the reports are archived only).
func CreateReportSchedule(app core.App, actor *core.Record, in ReportScheduleInput) (ReportSchedule, error) {
	if !CanEditReportSchedules(actor) {
		return ReportSchedule{}, Errorf(EForbidden, "err.schedule.forbidden")
	}
	expr, err := ReportScheduleCron(in)
	if err != nil {
		return ReportSchedule{}, err
	}
	to := []string{}
	for _, f := range strings.FieldsFunc(in.Recipients, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		a, err := mail.ParseAddress(f)
		if err != nil || a.Address != f {
			return ReportSchedule{}, FieldError("recipients", "err.schedule.bad_recipient", f)
		}
		to = append(to, a.Address)
	}
	if len(to) > 20 {
		return ReportSchedule{}, FieldError("recipients", "err.schedule.too_many_recipients")
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionReportSchedules)
	if err != nil {
		return ReportSchedule{}, err
	}
	s := ReportSchedule{core.NewRecord(col)}
	s.SetKind(in.Kind)
	s.SetCron(expr)
	raw, _ := json.Marshal(to)
	s.SetRecipients(raw)
	s.SetEnabled(true)
	SetActor(s.Record, actor.Id)
	return s, app.Save(s.Record)
}

// DeleteReportSchedule deletes a schedule (office roles only).
func DeleteReportSchedule(app core.App, actor *core.Record, id string) error {
	if !CanEditReportSchedules(actor) {
		return Errorf(EForbidden, "err.schedule.forbidden")
	}
	s, err := FindReportSchedule(app, id)
	if err != nil {
		return err
	}
	SetActor(s.Record, actor.Id)
	return app.Delete(s.Record)
}

// ListReportSchedules returns the schedules, oldest first.
func ListReportSchedules(app core.App) ([]ReportSchedule, error) {
	recs, err := app.FindRecordsByFilter(CollectionReportSchedules, "", "created", 0, 0)
	return AsReportSchedules(recs), err
}

// ReportRecipients returns a schedule's recipients.
func ReportRecipients(s ReportSchedule) []string {
	var to []string
	_ = json.Unmarshal(s.Recipients(), &to)
	return to
}

// canReadArchive reports whether u may read an archived report: a
// tenant-wide (monthly) report those who read every site's costs, a
// site's report those who read that site's reports.
func canReadArchive(app core.App, u *core.Record, r Report) bool {
	if r.SiteID() == "" {
		scope, err := MonthlyReportScope(app, u)
		return err == nil && scope == nil
	}
	s, err := FindSite(app, r.SiteID())
	return err == nil && CanReadSiteReports(u, s.Record)
}

// RecentReports returns the latest archived reports u may read, newest
// first, at most limit.
func RecentReports(app core.App, u *core.Record, limit int) ([]Report, error) {
	if !officeViewer(u) {
		return nil, nil
	}
	recs, err := app.FindRecordsByFilter(CollectionReports, "", "-created", limit*4, 0)
	if err != nil {
		return nil, err
	}
	var out []Report
	for _, r := range AsReports(recs) {
		if len(out) < limit && canReadArchive(app, u, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ReportArchiveFile returns an archived report's file (format "pdf" or
// "xlsx") for u: its name and bytes. ENotFound for an unknown report, a
// missing file or a report u may not read (it is not shown to them).
func ReportArchiveFile(app core.App, u *core.Record, id, format string) (string, []byte, error) {
	r, err := FindReport(app, id)
	if err != nil || !canReadArchive(app, u, r) {
		return "", nil, Errorf(ENotFound, "err.report.archive_not_found")
	}
	name := map[string]string{"pdf": r.PDF(), "xlsx": r.XLSX()}[format]
	if name == "" {
		return "", nil, Errorf(ENotFound, "err.report.archive_not_found")
	}
	b, err := readRecordFile(app, r.Record, name)
	return name, b, err
}
