package handlers

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/reports"
)

// reportsShow is GET /reports?site=&date=&week=&from=&to=: the Rapports
// page. Its forms come back here: with valid values it offers the
// downloads, otherwise it names the bad field (400).
func (h *Handlers) reportsShow(e *core.RequestEvent) error {
	return h.reportsPage(e, components.Form{})
}

// reportsPage renders the Rapports page; sched is the schedule form
// coming back with its errors (400), empty otherwise.
func (h *Handlers) reportsPage(e *core.RequestEvent, sched components.Form) error {
	ctx, tc, q := e.Request.Context(), tenantCtx(e), e.Request.URL.Query()
	today := tc.Today()
	vals := map[string]string{"site": q.Get("site"), "date": q.Get("date"), "week": q.Get("week"), "from": q.Get("from"), "to": q.Get("to"), "month": q.Get("month")}
	defaults := map[string]string{"date": today.Format(time.DateOnly), "week": domain.ISOWeekText(domain.WeekMonday(today)),
		"from": today.AddDate(0, 0, 1-today.Day()).Format(time.DateOnly), "to": today.Format(time.DateOnly),
		"month": today.AddDate(0, 0, 1-today.Day()).AddDate(0, -1, 0).Format("2006-01")}
	for k, v := range defaults {
		if !q.Has(k) {
			vals[k] = v
		}
	}
	title := i18n.T(ctx, "rpt.page_title")
	vm := reports.PageVM{Shell: h.shell(e, "reports", title, layouts.Crumb{Label: title}),
		Form: components.Form{Values: vals, Errors: components.FieldErrors{}}, CanExport: domain.CanExportTimesheets(e.Auth)}
	sites, err := domain.FindReportSites(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Sites = []components.Option{{Value: "", Label: i18n.T(ctx, "rpt.choose_site")}}
	for _, s := range sites {
		vm.Sites = append(vm.Sites, components.Option{Value: s.Id, Label: s.Code() + " · " + s.Name()})
	}
	invalid := func(err error) {
		a := answerOf(ctx, err)
		vm.Form.Errors[a.Field] = a.Message
	}
	if id := vals["site"]; id != "" {
		site, err := domain.FindReportSite(e.App, e.Auth, id)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound && domain.ErrorCode(err) != domain.EForbidden {
			return h.fail(e, err)
		}
		day, dayErr := domain.ParseReportDay("date", vals["date"], tc.Location())
		week, weekErr := domain.ParseReportWeek(vals["week"], tc.Location())
		switch {
		case err != nil:
			invalid(domain.FieldError("site", "err.site.not_found"))
		case dayErr != nil || weekErr != nil:
			for _, err := range []error{dayErr, weekErr} {
				if err != nil {
					invalid(err)
				}
			}
		default:
			vm.Downloads = siteDownloads(ctx, site, day, week)
			vm.Downloads[0].Generate = reports.GenerateVM{Action: "/reports/generate/daily/" + url.PathEscape(site.Id), Period: day.Format(time.DateOnly)}
			vm.Downloads[1].Generate = reports.GenerateVM{Action: "/reports/generate/weekly/" + url.PathEscape(site.Id), Period: domain.ISOWeekText(week)}
		}
	}
	if vm.CanExport && q.Has("from") {
		if _, _, err := domain.ParseExportPeriod(vals["from"], vals["to"], tc.Location()); err != nil {
			invalid(err)
		} else {
			p := "?from=" + url.QueryEscape(vals["from"]) + "&to=" + url.QueryEscape(vals["to"])
			vm.Timesheets = []reports.DownloadVM{{TestID: "dl-timesheets", XLSX: "/api/fieldops/timesheets.xlsx" + p, CSV: "/api/fieldops/timesheets.csv" + p,
				Label:   i18n.T(ctx, "rpt.timesheet.title", i18n.FormatDate(ctx, mustDay(vals["from"], tc.Location())), i18n.FormatDate(ctx, mustDay(vals["to"], tc.Location()))),
				Caption: i18n.T(ctx, "rpt.timesheets_caption")}}
		}
	}
	if scope, err := domain.MonthlyReportScope(e.App, e.Auth); err == nil {
		vm.CanMonthly = true
		if q.Has("month") {
			if month, err := domain.ParseReportMonth(vals["month"], tc.Location()); err != nil {
				invalid(err)
			} else {
				vm.Monthly = monthlyDownloads(ctx, month)
				if scope == nil { // archived tenant-wide: who reads every site
					vm.Monthly[0].Generate = reports.GenerateVM{Action: "/reports/generate/monthly", Period: month.Format("2006-01")}
				}
			}
		}
	}
	if id := q.Get("job"); id != "" {
		if j := reportJobsOf(e.App).find(id, e.Auth.Id); j != nil {
			jvm := reportJobVM(ctx, j)
			vm.Job = &jvm
		}
	}
	if err := h.reportsArchive(e, &vm, sched); err != nil {
		return h.fail(e, err)
	}
	status := http.StatusOK
	if len(vm.Form.Errors) > 0 || len(sched.Errors) > 0 {
		status = http.StatusBadRequest
	}
	render(e.Response, e.Request, status, reports.Page(vm))
	return nil
}

// siteDownloads offers a site's daily and weekly reports.
func siteDownloads(ctx context.Context, site domain.Site, day, week time.Time) []reports.DownloadVM {
	base := "/reports/sites/" + url.PathEscape(site.Id)
	d := "?date=" + day.Format(time.DateOnly)
	w := "?week=" + domain.ISOWeekText(week)
	return []reports.DownloadVM{
		{TestID: "dl-daily", PDF: base + "/daily.pdf" + d, XLSX: base + "/daily.xlsx" + d,
			Label: i18n.T(ctx, "rpt.dl.daily", i18n.FormatDate(ctx, day)), Caption: i18n.T(ctx, "rpt.dl.daily_caption")},
		{TestID: "dl-weekly", PDF: base + "/weekly.pdf" + w, XLSX: base + "/weekly.xlsx" + w,
			Label:   i18n.T(ctx, "rpt.dl.weekly", domain.ISOWeekText(week), i18n.FormatDate(ctx, week), i18n.FormatDate(ctx, week.AddDate(0, 0, 6))),
			Caption: i18n.T(ctx, "rpt.dl.weekly_caption")},
	}
}

// monthlyDownloads offers the monthly management report of month.
func monthlyDownloads(ctx context.Context, month time.Time) []reports.DownloadVM {
	m := "?month=" + month.Format("2006-01")
	return []reports.DownloadVM{{TestID: "dl-monthly", PDF: "/reports/monthly.pdf" + m, XLSX: "/reports/monthly.xlsx" + m,
		Label:   i18n.T(ctx, "rpt.monthly.dl") + " — " + i18n.T(ctx, "rpt.month."+month.Format("01")) + " " + month.Format("2006"),
		Caption: i18n.T(ctx, "rpt.monthly.dl_caption")}}
}

// mustDay parses a date already checked by the domain.
func mustDay(s string, loc *time.Location) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, s, loc)
	return d
}
