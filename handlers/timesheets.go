package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/timesheets"
)

// timesheetShow is GET /timesheets?week=YYYY-MM-DD&site=&user=: the
// weekly timesheet (crews see their own week).
func (h *Handlers) timesheetShow(e *core.RequestEvent) error {
	return h.renderTimesheet(e, "", http.StatusOK)
}

// renderTimesheet renders the week of the query with an error message
// (blank when none) at status.
func (h *Handlers) renderTimesheet(e *core.RequestEvent, msg string, status int) error {
	ctx := e.Request.Context()
	tc := tenantCtx(e)
	q := e.Request.URL.Query()
	day := tc.Now()
	if d, err := time.ParseInLocation(time.DateOnly, q.Get("week"), tc.Location()); err == nil {
		day = d
	}
	tq := domain.TimesheetQuery{Day: day, Site: q.Get("site"), User: q.Get("user")}
	if authUser(e).Role() == domain.RoleCrew && tq.User == "" && tq.Site == "" {
		tq.User = e.Auth.Id
	}
	ts, err := domain.WeekTimesheet(e.App, e.Auth, tq)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "ts.title")
	week := ts.Start.Format(time.DateOnly)
	vm := timesheets.PageVM{Shell: h.shell(e, "timesheets", title, layouts.Crumb{Label: title}),
		Week: week, Site: tq.Site, User: tq.User, CanClose: domain.CanClosePeriod(e.Auth),
		Label: i18n.FormatDate(ctx, ts.Start) + " – " + i18n.FormatDate(ctx, ts.End.AddDate(0, 0, -1)),
		Prev:  timesheetHref(ts.Start.AddDate(0, 0, -7), tq), Next: timesheetHref(ts.End, tq)}
	vm.Shell.Toasts = timesheetFlash(e)
	if msg != "" {
		vm.Form.Errors = components.FieldErrors{components.WholeForm: msg}
	}
	if ts.Closed != nil {
		vm.Closed = domain.PeriodLabel(e.App, *ts.Closed)
	}
	for i := range vm.DayNames {
		d := ts.Start.AddDate(0, 0, i)
		vm.DayNames[i] = i18n.T(ctx, "ts.day."+d.Weekday().String()[:3]) + " " + d.Format("02")
		vm.DayTotals[i] = hoursText(ctx, ts.Days[i])
	}
	vm.Total = hoursText(ctx, ts.Total)
	for _, r := range ts.Rows {
		vm.Rows = append(vm.Rows, timesheetRow(ctx, e.Auth, r, tc.Location()))
	}
	if domain.IsOffice(e.Auth) || authUser(e).Role() == domain.RoleSiteLead {
		if sites, err := crewSiteOptions(e.App, e.Auth); err == nil {
			vm.Sites = sites
		}
	}
	if err := h.timesheetLists(e, &vm); err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, status, timesheets.Page(vm))
	return nil
}

// timesheetHref links the week holding day with the same filters.
func timesheetHref(day time.Time, q domain.TimesheetQuery) string {
	href := "/timesheets?week=" + day.Format(time.DateOnly)
	if q.Site != "" {
		href += "&site=" + q.Site
	}
	if q.User != "" {
		href += "&user=" + q.User
	}
	return href
}

// timesheetFlash is the success toast named by ?toast=.
func timesheetFlash(e *core.RequestEvent) []components.ToastVM {
	switch key := e.Request.URL.Query().Get("toast"); key {
	case "proposed", "approved", "refused", "closed", "reopened":
		return []components.ToastVM{{Kind: "success", Text: i18n.T(e.Request.Context(), "ts.toast."+key)}}
	}
	return nil
}
