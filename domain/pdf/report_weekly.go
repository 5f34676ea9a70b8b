package pdf

import (
	"context"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Weekly renders a site's weekly progress report for its client as PDF in
// ctx's locale: progress, the week's tasks, hours per person and day,
// incidents (without costs), next week's plan and the week's photos.
func Weekly(ctx context.Context, w domain.WeeklyReport, now time.Time) ([]byte, error) {
	ctx, span := startSpan(ctx, "pdf.report.weekly")
	defer span.End()
	ctx = withZone(ctx, w.Location)
	last := w.Week.AddDate(0, 0, 6)
	title := i18n.T(ctx, "rpt.weekly.title", w.Site.Code, w.Site.Name, w.ISOWeek,
		i18n.FormatDate(ctx, w.Week), i18n.FormatDate(ctx, last))
	r, err := newReport(ctx, w.Branding, title, now)
	if err != nil {
		return nil, err
	}
	r.siteFields(w.Site)
	r.field(r.t("rpt.progress"), r.t("rpt.progress_value", percent(ctx, w.Progress), w.TasksDone, w.TasksTotal))
	if !w.Site.End.IsZero() {
		r.field(r.t("rpt.planned_end"), civilDate(ctx, w.Site.End))
	}

	r.heading(r.t("rpt.week_tasks"))
	r.tasks(w.ThisWeek)

	r.heading(r.t("rpt.week_hours"))
	cols := []column{{r.t("rpt.col.person"), 7, false}}
	for i := 0; i < 7; i++ {
		d := w.Week.AddDate(0, 0, i)
		cols = append(cols, column{r.t("rpt.day."+d.Weekday().String()[:3]) + " " + d.Format("02"), 2, true})
	}
	cols = append(cols, column{r.t("rpt.col.total"), 3, true})
	var rows [][]string
	var days [7]float64
	for _, l := range w.Crew {
		row := []string{l.Name}
		for i, h := range l.Days {
			row = append(row, hoursOrBlank(ctx, h))
			days[i] += h
		}
		rows = append(rows, append(row, i18n.FormatHours(ctx, l.Hours)))
	}
	total := []string{r.t("rpt.total")}
	for _, h := range days {
		total = append(total, hoursOrBlank(ctx, h))
	}
	r.table(cols, rows, append(total, i18n.FormatHours(ctx, w.Hours)))

	r.heading(r.t("rpt.incidents"))
	r.incidents(w.Incidents, false)
	r.heading(r.t("rpt.next_week"))
	r.tasks(w.NextWeek)
	r.heading(r.t("rpt.photos"))
	r.photos(w.Photos)
	return r.bytes()
}

// hoursOrBlank formats hours, blank for none (tables of days read better).
func hoursOrBlank(ctx context.Context, h float64) string {
	if h == 0 {
		return ""
	}
	return i18n.FormatNumber(ctx, h, 2)
}
