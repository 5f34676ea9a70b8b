package handlers

import (
	"mime"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
)

// reportRoutes registers module 5's reports (issue #17): the Rapports
// page, the site reports as PDF or Excel and the payroll export. Who may
// read a site's reports is the domain's decision (FindReportSite: crews
// 403, another tenant's site 404).
func (h *Handlers) reportRoutes(r *router.Router[*core.RequestEvent]) {
	m := h.module(r, "reports")
	m.GET("/reports", h.reportsShow)
	m.GET("/reports/sites/{siteId}/daily.pdf", h.siteReport(domain.ReportDaily, formatPDF))
	m.GET("/reports/sites/{siteId}/daily.xlsx", h.siteReport(domain.ReportDaily, formatXLSX))
	m.GET("/reports/sites/{siteId}/weekly.pdf", h.siteReport(domain.ReportWeekly, formatPDF))
	m.GET("/reports/sites/{siteId}/weekly.xlsx", h.siteReport(domain.ReportWeekly, formatXLSX))
	m.GET("/reports/monthly.pdf", h.monthlyReport(formatPDF))
	m.GET("/reports/monthly.xlsx", h.monthlyReport(formatXLSX))
	m.GET("/reports/archive/{id}/{format}", h.reportArchiveFile)
	m.POST("/reports/generate/{kind}/{siteId}", h.reportGenerate)
	m.POST("/reports/generate/{kind}", h.reportGenerate)
	m.GET("/reports/jobs/{id}/stream", h.reportJobStream)
	m.POST("/reports/schedules", h.reportScheduleCreate)
	m.POST("/reports/schedules/{id}/delete", h.reportScheduleDelete)
	m.POST("/reports/schedules/{id}/enabled", h.reportScheduleEnabled)
	// NB: no page guard: the API answers 401/403/400 as JSON itself.
	r.GET("/api/fieldops/timesheets.xlsx", h.timesheetExport(formatXLSX))
	r.GET("/api/fieldops/timesheets.csv", h.timesheetExport(formatCSV))
}

// File formats of generated documents.
const (
	formatPDF  = "pdf"
	formatXLSX = "xlsx"
	formatCSV  = "csv"
)

// contentTypes maps a format to its media type.
var contentTypes = map[string]string{
	formatPDF:  "application/pdf",
	formatXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	formatCSV:  "text/csv; charset=utf-8",
	"xml":      "application/xml", // Factur-X CII (issue #18)
}

// sendFile answers a generated document as a download named base.format.
func sendFile(e *core.RequestEvent, base, format string, body []byte) error {
	hd := e.Response.Header()
	hd.Set("Content-Type", contentTypes[format])
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": base + "." + format}))
	hd.Set("Cache-Control", "private, no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	e.Response.WriteHeader(http.StatusOK)
	_, err := e.Response.Write(body)
	return err
}
