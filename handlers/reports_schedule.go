package handlers

import (
	"context"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/views/i18n"
)

// startReportScheduler starts the tenant app's scheduled reports
// (domain.StartReportScheduler: a pass at start catching up missed runs,
// then every few minutes) with the handlers' clock and renderers.
func (h *Handlers) startReportScheduler(app core.App) {
	domain.StartReportScheduler(app, domain.ReportSchedulerConfig{Clock: h.deps.Clock, Generate: h.generateReport, Logger: h.deps.Logger})
}

// Steps of a report's generation, as reported to a progress callback.
const (
	stepCollect = "collect"
	stepPDF     = "pdf"
	stepXLSX    = "xlsx"
)

// generateReport makes a report's PDF and workbook in lang and the
// tenant's zone (domain.ReportGenerator): a site's daily journal or
// weekly report, or the monthly management report of every site.
func (h *Handlers) generateReport(app core.App, kind, siteID string, start time.Time, lang string) (domain.ReportArchive, error) {
	return h.generateReportSteps(app, kind, siteID, start, lang, func(string) {})
}

// generateReportSteps is generateReport calling step before each step
// (stepCollect, stepPDF, stepXLSX).
func (h *Handlers) generateReportSteps(app core.App, kind, siteID string, start time.Time, lang string, step func(string)) (domain.ReportArchive, error) {
	loc := domain.TenantFactsOf(app).Location()
	ctx := i18n.WithLocale(context.Background(), h.cat, lang, loc)
	out := domain.ReportArchive{Lang: lang}
	now := h.deps.Clock()
	var pdfOf func() ([]byte, error)
	var xlsxOf func() ([]byte, error)
	step(stepCollect)
	switch kind {
	case domain.ReportDaily:
		d, err := domain.DailyReportData(app, siteID, start, imaging.ThumbnailJPEG)
		if err != nil {
			return out, err
		}
		out.Period, out.FileBase = start.Format(time.DateOnly), domain.ReportFileBase(kind, d.Site.Code, start.Format(time.DateOnly))
		pdfOf, xlsxOf = func() ([]byte, error) { return pdf.Daily(ctx, d, now) }, func() ([]byte, error) { return xlsx.Daily(ctx, d) }
	case domain.ReportWeekly:
		w, err := domain.WeeklyReportData(app, siteID, start, imaging.ThumbnailJPEG)
		if err != nil {
			return out, err
		}
		out.Period = domain.ISOWeekText(start)
		out.FileBase = domain.ReportFileBase(kind, w.Site.Code, out.Period)
		pdfOf, xlsxOf = func() ([]byte, error) { return pdf.Weekly(ctx, w, now) }, func() ([]byte, error) { return xlsx.Weekly(ctx, w) }
	default:
		m, err := domain.MonthlyReportData(app, start, nil)
		if err != nil {
			return out, err
		}
		out.Period, out.FileBase = m.Period, domain.ReportFileBase(kind, "", m.Period)
		pdfOf, xlsxOf = func() ([]byte, error) { return pdf.Monthly(ctx, m, now) }, func() ([]byte, error) { return xlsx.Monthly(ctx, m) }
	}
	var err error
	step(stepPDF)
	if out.PDF, err = pdfOf(); err != nil {
		return out, err
	}
	step(stepXLSX)
	out.XLSX, err = xlsxOf()
	return out, err
}
