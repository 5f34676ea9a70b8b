package handlers

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/domain/xlsx"
)

// siteReport is GET /reports/sites/{siteId}/daily.{pdf,xlsx}?date=YYYY-MM-DD
// and /weekly.{pdf,xlsx}?week=YYYY-Www: a site report generated on
// demand, in the reader's language and the tenant's zone. A bad or
// missing date is 400, a crew member 403, a site of another tenant 404; a
// generation error is a 500 page, logged.
func (h *Handlers) siteReport(kind, format string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		site, err := domain.FindReportSite(e.App, e.Auth, e.Request.PathValue("siteId"))
		if err != nil {
			return h.fail(e, err)
		}
		ctx, loc, q := e.Request.Context(), tenantCtx(e).Location(), e.Request.URL.Query()
		var body []byte
		var period string
		switch kind {
		case domain.ReportDaily:
			day, err := domain.ParseReportDay("date", q.Get("date"), loc)
			if err != nil {
				return h.fail(e, err)
			}
			period = day.Format(time.DateOnly)
			d, err := domain.DailyReportData(e.App, site.Id, day, thumbnailer(format))
			if err != nil {
				return h.fail(e, err)
			}
			if format == formatPDF {
				body, err = pdf.Daily(ctx, d, h.deps.Clock())
			} else {
				body, err = xlsx.Daily(ctx, d)
			}
			if err != nil {
				return h.fail(e, err)
			}
		default:
			week, err := domain.ParseReportWeek(q.Get("week"), loc)
			if err != nil {
				return h.fail(e, err)
			}
			period = domain.ISOWeekText(week)
			w, err := domain.WeeklyReportData(e.App, site.Id, week, thumbnailer(format))
			if err != nil {
				return h.fail(e, err)
			}
			if format == formatPDF {
				body, err = pdf.Weekly(ctx, w, h.deps.Clock())
			} else {
				body, err = xlsx.Weekly(ctx, w)
			}
			if err != nil {
				return h.fail(e, err)
			}
		}
		return sendFile(e, domain.ReportFileBase(kind, site.Code(), period), format, body)
	}
}

// thumbnailer makes photo thumbnails for a PDF; a workbook lists photos
// without images, so it decodes none.
func thumbnailer(format string) domain.PhotoThumbnailer {
	if format == formatPDF {
		return imaging.ThumbnailJPEG
	}
	return nil
}
