package handlers

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/domain/xlsx"
)

// monthlyReport is GET /reports/monthly.{pdf,xlsx}?month=YYYY-MM: the
// monthly management report over every site, generated on demand in the
// reader's language and the tenant's zone. Managers and tenant admins
// read every site; a project manager reads a report of the sites they
// manage only (403 when they manage none); site leads and crews are 403
// (MonthlyReportScope). A bad or missing month is 400; a generation
// error is a 500, logged.
func (h *Handlers) monthlyReport(format string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		scope, err := domain.MonthlyReportScope(e.App, e.Auth)
		if err != nil {
			return h.fail(e, err)
		}
		month, err := domain.ParseReportMonth(e.Request.URL.Query().Get("month"), tenantCtx(e).Location())
		if err != nil {
			return h.fail(e, err)
		}
		m, err := domain.MonthlyReportData(e.App, month, scope)
		if err != nil {
			return h.fail(e, err)
		}
		var body []byte
		if format == formatPDF {
			body, err = pdf.Monthly(e.Request.Context(), m, h.deps.Clock())
		} else {
			body, err = xlsx.Monthly(e.Request.Context(), m)
		}
		if err != nil {
			return h.fail(e, err)
		}
		return sendFile(e, domain.ReportFileBase(domain.ReportMonthly, "", m.Period), format, body)
	}
}
