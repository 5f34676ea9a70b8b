package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/views/i18n"
)

// timesheetExport is GET /api/fieldops/timesheets.{xlsx,csv}?from=&to=:
// everyone's time over a period (inclusive dates, a year at most) for
// payroll, for the office roles (session or token). Errors are JSON
// problems: 401 signed out, 403 another role, 400 bad dates.
func (h *Handlers) timesheetExport(format string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !authUser(e).Active() {
			return e.JSON(http.StatusUnauthorized, apiProblem{Status: http.StatusUnauthorized, Message: i18n.T(e.Request.Context(), "err.auth_required")})
		}
		if !domain.CanExportTimesheets(e.Auth) {
			return h.apiFail(e, domain.Errorf(domain.EForbidden, "err.report.timesheets_forbidden"))
		}
		q := e.Request.URL.Query()
		from, end, err := domain.ParseExportPeriod(q.Get("from"), q.Get("to"), tenantCtx(e).Location())
		if err != nil {
			return h.apiFail(e, err)
		}
		ex, err := domain.TimesheetExportData(e.App, from, end)
		if err != nil {
			return h.apiFail(e, err)
		}
		var body []byte
		if format == formatCSV {
			body, err = xlsx.TimesheetCSV(e.Request.Context(), ex)
		} else {
			body, err = xlsx.Timesheet(e.Request.Context(), ex)
		}
		if err != nil {
			return h.apiFail(e, err)
		}
		return sendFile(e, domain.ReportFileBase("timesheets", "", q.Get("from")+"-au-"+q.Get("to")), format, body)
	}
}
