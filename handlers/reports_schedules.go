package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/reports"
)

// reportsArchive fills the Rapports page's schedules (office roles: the
// list, the form sched and the failures of the last passes) and the
// archive of generated reports the reader may open.
func (h *Handlers) reportsArchive(e *core.RequestEvent, vm *reports.PageVM, sched components.Form) error {
	ctx := e.Request.Context()
	list, err := domain.RecentReports(e.App, e.Auth, 30)
	if err != nil {
		return err
	}
	for _, r := range list {
		a := reports.ArchiveVM{ID: r.Id, Kind: i18n.T(ctx, "rpt.kind."+r.Kind()), Period: r.Period(),
			At: i18n.FormatDateTime(ctx, r.Created()), Hash: r.PDFSHA256(), Trigger: i18n.T(ctx, "rpt.trigger."+r.Trigger())}
		if s, ok := r.ExpandedSite(); ok {
			a.Site = s.Code()
		} else if r.SiteID() != "" {
			if s, err := domain.FindSite(e.App, r.SiteID()); err == nil {
				a.Site = s.Code()
			}
		}
		if r.PDF() != "" {
			a.PDF = "/reports/archive/" + r.Id + "/pdf"
		}
		if r.XLSX() != "" {
			a.XLSX = "/reports/archive/" + r.Id + "/xlsx"
		}
		vm.Archive = append(vm.Archive, a)
	}
	if !domain.CanEditReportSchedules(e.Auth) {
		return nil
	}
	vm.CanSchedule = true
	vm.Schedule = sched
	if vm.Schedule.Values == nil {
		vm.Schedule = components.Form{Values: map[string]string{"kind": domain.ReportMonthly, "hour": "7", "weekday": "1"}, Errors: components.FieldErrors{}}
	}
	all, err := domain.ListReportSchedules(e.App)
	if err != nil {
		return err
	}
	for _, s := range all {
		vm.Schedules = append(vm.Schedules, reports.ScheduleVM{ID: s.Id, Kind: i18n.T(ctx, "rpt.kind."+s.Kind()), Cron: s.Cron(),
			Recipients: strings.Join(domain.ReportRecipients(s), ", "), Enabled: s.Enabled()})
	}
	for _, f := range domain.ReportScheduleErrors(e.App) {
		vm.Failures = append(vm.Failures, i18n.T(ctx, "rpt.schedule.failed", i18n.T(ctx, "rpt.kind."+f.Kind), f.Period,
			i18n.FormatDateTime(ctx, f.At), f.Err))
	}
	return nil
}

// reportScheduleCreate is POST /reports/schedules (office roles): a new
// schedule, then back to the page; a bad field comes back on the page
// with its error (400).
func (h *Handlers) reportScheduleCreate(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	f := e.Request.PostForm
	in := domain.ReportScheduleInput{Kind: f.Get("kind"), Hour: f.Get("hour"), Weekday: f.Get("weekday"), Recipients: f.Get("recipients")}
	if _, err := domain.CreateReportSchedule(e.App, e.Auth, in); err != nil {
		a := answerOf(e.Request.Context(), err)
		if domain.ErrorCode(err) != domain.EInvalid || a.Field == "" {
			return h.fail(e, err)
		}
		form := components.Form{Values: map[string]string{"kind": in.Kind, "hour": in.Hour, "weekday": in.Weekday, "recipients": in.Recipients},
			Errors: components.FieldErrors{a.Field: a.Message}}
		return h.reportsPage(e, form)
	}
	return e.Redirect(http.StatusSeeOther, "/reports#schedules")
}

// reportScheduleDelete is POST /reports/schedules/{id}/delete (office roles).
func (h *Handlers) reportScheduleDelete(e *core.RequestEvent) error {
	if err := domain.DeleteReportSchedule(e.App, e.Auth, e.Request.PathValue("id")); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/reports#schedules")
}

// reportScheduleEnabled is POST /reports/schedules/{id}/enabled (office
// roles) with enabled=1 or 0: the schedule switched on or off (audited;
// switching on never replays the runs missed while off), then back to
// the page. Posting the state it already has changes nothing (a double
// click is harmless).
func (h *Handlers) reportScheduleEnabled(e *core.RequestEvent) error {
	var on bool
	switch e.Request.FormValue("enabled") {
	case "1":
		on = true
	case "0":
	default:
		return h.fail(e, domain.FieldError("enabled", "err.unreadable_form"))
	}
	if _, err := domain.SetReportScheduleEnabled(e.App, e.Auth, e.Request.PathValue("id"), on); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/reports#schedules")
}

// reportArchiveFile is GET /reports/archive/{id}/{format}: an archived
// report's PDF or workbook, for who may read it (404 otherwise).
func (h *Handlers) reportArchiveFile(e *core.RequestEvent) error {
	format := e.Request.PathValue("format")
	name, body, err := domain.ReportArchiveFile(e.App, e.Auth, e.Request.PathValue("id"), format)
	if err != nil {
		return h.fail(e, err)
	}
	return sendFile(e, strings.TrimSuffix(name, "."+format), format, body)
}
