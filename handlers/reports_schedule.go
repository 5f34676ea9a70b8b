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

// generateReport makes a scheduled report's PDF and workbook in French
// (the company's language; recipients are addresses, not users with a
// preference) and the tenant's zone: a site's daily journal or weekly
// report, or the monthly management report of every site.
func (h *Handlers) generateReport(app core.App, kind, siteID string, start time.Time) (domain.ReportArchive, error) {
	loc := domain.TenantFactsOf(app).Location()
	ctx := i18n.WithLocale(context.Background(), h.cat, i18n.FR, loc)
	out := domain.ReportArchive{Lang: i18n.FR}
	now := h.deps.Clock()
	var err error
	switch kind {
	case domain.ReportDaily:
		d, derr := domain.DailyReportData(app, siteID, start, imaging.ThumbnailJPEG)
		if derr != nil {
			return out, derr
		}
		out.Period, out.FileBase = start.Format(time.DateOnly), domain.ReportFileBase(kind, d.Site.Code, start.Format(time.DateOnly))
		if out.PDF, err = pdf.Daily(ctx, d, now); err == nil {
			out.XLSX, err = xlsx.Daily(ctx, d)
		}
	case domain.ReportWeekly:
		w, werr := domain.WeeklyReportData(app, siteID, start, imaging.ThumbnailJPEG)
		if werr != nil {
			return out, werr
		}
		out.Period = domain.ISOWeekText(start)
		out.FileBase = domain.ReportFileBase(kind, w.Site.Code, out.Period)
		if out.PDF, err = pdf.Weekly(ctx, w, now); err == nil {
			out.XLSX, err = xlsx.Weekly(ctx, w)
		}
	default:
		m, merr := domain.MonthlyReportData(app, start, nil)
		if merr != nil {
			return out, merr
		}
		out.Period, out.FileBase = m.Period, domain.ReportFileBase(kind, "", m.Period)
		if out.PDF, err = pdf.Monthly(ctx, m, now); err == nil {
			out.XLSX, err = xlsx.Monthly(ctx, m)
		}
	}
	return out, err
}
