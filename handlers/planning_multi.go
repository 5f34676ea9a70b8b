package handlers

import (
	"context"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/planning"
)

// The multi-site chart's axis spans five weeks at least and about six
// months at most.
const (
	multiMinDays = 35
	multiMaxDays = 183
)

// newMultiChartVM lays every site's tasks out on one time axis: a row per
// site (its span) followed by a row per task, early dates, critical path
// in red, today's line. Read-only: each row links to the site's Gantt.
func newMultiChartVM(ctx context.Context, plans []*domain.SitePlan, today time.Time) planning.MultiChartVM {
	var c planning.MultiChartVM
	from, to := plans[0].Schedule.Start, plans[0].Schedule.Finish
	for _, p := range plans[1:] {
		if p.Schedule.Start.Before(from) {
			from = p.Schedule.Start
		}
		if p.Schedule.Finish.After(to) {
			to = p.Schedule.Finish
		}
	}
	from, to = from.AddDate(0, 0, -2), to.AddDate(0, 0, 3)
	if daysBetween(from, to) < multiMinDays {
		to = from.AddDate(0, 0, multiMinDays)
	}
	if daysBetween(from, to) > multiMaxDays {
		to, c.Clipped = from.AddDate(0, 0, multiMaxDays), true
	}
	n := daysBetween(from, to) + 1
	c.Width = planning.LabelWidth + n*planning.MultiDayWidth
	x := func(d time.Time) int { return planning.LabelWidth + daysBetween(from, d)*planning.MultiDayWidth }
	span := func(a, b time.Time) (int, int) {
		x1, x2 := max(x(a), planning.LabelWidth), min(x(b)+planning.MultiDayWidth-2, c.Width)
		return x1, max(x2-x1, 4)
	}
	y := planning.HeaderHeight
	for _, p := range plans {
		site := domain.Site{Record: p.Site}
		title := site.Code() + " " + site.Name()
		href := "/sites/" + p.Site.Id + "/gantt"
		sx, sw := span(p.Schedule.Start, p.Schedule.Finish)
		c.Rows = append(c.Rows, planning.MultiRowVM{ID: "site-" + p.Site.Id, Title: clip(title, 30), Href: href, Site: true, X: sx, W: sw, Y: y,
			Text: title + " · " + civilText(ctx, p.Schedule.Start) + " → " + civilText(ctx, p.Schedule.Finish)})
		y += 24
		for _, t := range sortedTasks(p) {
			if t.EarlyStart.After(to) {
				continue
			}
			tx, tw := span(t.EarlyStart, t.EarlyFinish)
			c.Rows = append(c.Rows, planning.MultiRowVM{ID: t.ID, Title: clip(t.Title, 28), Href: href, Critical: t.Critical, X: tx, W: tw, Y: y,
				Text: t.Title + " · " + civilText(ctx, t.EarlyStart) + " → " + civilText(ctx, t.EarlyFinish) + " · " + i18n.T(ctx, "plan.float_days", t.TotalFloat)})
			y += 22
		}
	}
	c.Height = y + 8
	c.Days = dayColumns(ctx, plans[0].Calendar, from, n, planning.MultiDayWidth)
	if !today.Before(from) && !today.After(to) {
		c.HasToday, c.TodayX = true, x(today)+planning.MultiDayWidth/2
	}
	return c
}

// clip shortens a label to n characters with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
