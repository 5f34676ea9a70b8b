package xlsx

import (
	"context"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Weekly writes a site's weekly client report as a workbook in ctx's
// locale: summary, the week's tasks, hours per person and day, incidents
// (without costs), next week's tasks and the photos.
func Weekly(ctx context.Context, w domain.WeeklyReport) ([]byte, error) {
	ctx, span := startSpan(ctx, "xlsx.report.weekly")
	defer span.End()
	ctx = withZone(ctx, w.Location)
	last := w.Week.AddDate(0, 0, 6)
	title := i18n.T(ctx, "rpt.weekly.title", w.Site.Code, w.Site.Name, w.ISOWeek, i18n.FormatDate(ctx, w.Week), i18n.FormatDate(ctx, last))
	b, err := newBook(ctx, w.Branding.Color, title, w.Branding.Company)
	if err != nil {
		return nil, err
	}
	sum, err := b.startSummary(b.t("rpt.sheet.summary"))
	if err != nil {
		return nil, err
	}
	tasks, tasksTotal, err := b.tasksSheet(b.t("rpt.sheet.week_tasks"), w.ThisWeek)
	if err != nil {
		return nil, err
	}
	days := make([]time.Time, 7)
	for i := range days {
		days[i] = w.Week.AddDate(0, 0, i)
	}
	hours, hoursTotal, err := b.crewSheet(w.Crew, days)
	if err != nil {
		return nil, err
	}
	inc, incTotal, err := b.incidentsSheet(w.Incidents, false)
	if err != nil {
		return nil, err
	}
	if _, _, err := b.tasksSheet(b.t("rpt.sheet.next_week"), w.NextWeek); err != nil {
		return nil, err
	}
	if err := b.photosSheet(w.Photos); err != nil {
		return nil, err
	}
	err = b.summary(sum, []summaryLine{
		{b.t("rpt.site"), kText, w.Site.Code + " — " + w.Site.Name},
		{b.t("rpt.client"), kText, w.Site.Client},
		{b.t("rpt.week"), kText, w.ISOWeek},
		{b.t("rpt.col.start"), kDate, w.Week},
		{b.t("rpt.col.end"), kDate, last},
		{b.t("rpt.progress"), kPct, w.Progress / 100},
		{b.t("rpt.tasks_done_count"), kInt, w.TasksDone},
		{b.t("rpt.tasks_count"), kInt, w.TasksTotal},
		{b.t("rpt.hours_total"), kHours, ref(hours, "I"+itoa(hoursTotal))},
		{b.t("rpt.tasks_hours"), kHours, ref(tasks, "H"+itoa(tasksTotal))},
		{b.t("rpt.incident_count"), kInt, len(w.Incidents)},
		{b.t("rpt.incident_days"), kQty, ref(inc, "G"+itoa(incTotal))},
	})
	if err != nil {
		return nil, err
	}
	return b.bytes()
}
