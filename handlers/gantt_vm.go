package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// planningPage builds the page model shared by the planning pages.
func (h *Handlers) planningPage(e *core.RequestEvent, active, title string, crumbs ...layouts.Crumb) planning.PageVM {
	return planning.PageVM{Shell: h.shell(e, active, title, crumbs...), CSS: h.assets.Path("css/planning.css"), GanttJS: h.assets.Path("js/gantt.js")}
}

// civilText formats a civil date (midnight UTC) for the locale, without
// a zone shift.
func civilText(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if i18n.Lang(ctx) == i18n.EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours() / 24) }

// sortedTasks returns the scheduled tasks by early start, then title.
func sortedTasks(p *domain.SitePlan) []domain.ScheduledTask {
	ts := slices.Clone(p.Schedule.Tasks)
	slices.SortStableFunc(ts, func(a, b domain.ScheduledTask) int {
		if c := a.EarlyStart.Compare(b.EarlyStart); c != 0 {
			return c
		}
		return strings.Compare(a.Title, b.Title)
	})
	return ts
}

// newBarVMs formats a plan's tasks as rows (geometry relative to from).
func newBarVMs(ctx context.Context, p *domain.SitePlan, from time.Time) []planning.BarVM {
	ts := sortedTasks(p)
	out := make([]planning.BarVM, 0, len(ts))
	for i, t := range ts {
		b := planning.BarVM{ID: t.ID, Title: t.Title, Row: i, Start: t.EarlyStart.Format(time.DateOnly), End: t.EarlyFinish.Format(time.DateOnly),
			StartText: civilText(ctx, t.EarlyStart), EndText: civilText(ctx, t.EarlyFinish), LateText: civilText(ctx, t.LateFinish),
			Duration: t.Duration, Float: t.TotalFloat, Critical: t.Critical, Pinned: t.Pinned, Conflict: t.Conflict,
			MoveURL: "/sites/" + p.Site.Id + "/tasks/" + t.ID + "/dates"}
		b.X = planning.LabelWidth + daysBetween(from, t.EarlyStart)*planning.DayWidth
		b.W = max((daysBetween(t.EarlyStart, t.EarlyFinish)+1)*planning.DayWidth-2, 6)
		if t.Duration == 0 {
			b.W = planning.DayWidth / 2
		}
		out = append(out, b)
	}
	return out
}

// newChartVM lays out a site's Gantt: one column per calendar day from a
// few days before the start to a week after the latest finish.
// Compared with a baseline (base not nil), the range also covers the
// baseline's dates and each bar gets its frozen dates and slip.
func newChartVM(ctx context.Context, p *domain.SitePlan, today time.Time, canEdit bool, base *domain.Baseline) (c planning.ChartVM) {
	c = planning.ChartVM{SiteID: p.Site.Id, CanEdit: canEdit, Empty: len(p.Schedule.Tasks) == 0}
	if c.Empty {
		return c
	}
	from, to := chartRange(p, base)
	// NB: c is the named result, so that the comparison is added to
	// whatever the layout below returns.
	defer func() {
		if base != nil {
			applyBaseline(ctx, &c, p, *base, from)
		}
	}()
	c.Finish = p.Schedule.Finish.Format(time.DateOnly)
	c.Bars = newBarVMs(ctx, p, from)
	n := daysBetween(from, to) + 1
	c.Width = planning.LabelWidth + n*planning.DayWidth
	c.Height = planning.HeaderHeight + len(c.Bars)*planning.RowHeight + 8
	c.Days = dayColumns(ctx, p.Calendar, from, n, planning.DayWidth)
	// non-working dates, a little past the chart, for snapping in gantt.js
	var off []string
	for i := 0; i < n+90; i++ {
		if d := from.AddDate(0, 0, i); !p.Calendar.IsWorkingDay(d) {
			off = append(off, d.Format(time.DateOnly))
		}
	}
	c.OffDates = strings.Join(off, ",")
	if !today.Before(from) && !today.After(to) {
		c.HasToday, c.TodayX = true, planning.LabelWidth+daysBetween(from, today)*planning.DayWidth+planning.DayWidth/2
	}
	c.Links = newLinkVMs(p, c.Bars)
	return c
}

// dayColumns lays out n calendar days from from, width units each after
// the label column: day number, non-working shading, holiday name in the
// tooltip, month label on each 1st (and on the first column unless a 1st
// follows closely, which would overlap).
func dayColumns(ctx context.Context, cal *domain.WorkCalendar, from time.Time, n, width int) []planning.DayVM {
	days := make([]planning.DayVM, 0, n)
	for i := 0; i < n; i++ {
		d := from.AddDate(0, 0, i)
		day := planning.DayVM{X: planning.LabelWidth + i*width, Label: strconv.Itoa(d.Day()), Off: !cal.IsWorkingDay(d), Title: civilText(ctx, d)}
		if h := cal.HolidayName(d); h != "" {
			day.Title += " · " + h
		}
		if (i == 0 && d.AddDate(0, 0, 4).Month() == d.Month()) || d.Day() == 1 {
			day.Month = d.Format("01/2006")
		}
		days = append(days, day)
	}
	return days
}

// chartRange is the days drawn: from a few days before the project start
// to a week after the latest late finish (and around a compared
// baseline's dates), two years at most.
func chartRange(p *domain.SitePlan, base *domain.Baseline) (from, to time.Time) {
	from, to = p.Schedule.Start.AddDate(0, 0, -3), p.Schedule.Finish
	for _, t := range p.Schedule.Tasks {
		if t.LateFinish.After(to) {
			to = t.LateFinish
		}
	}
	if base != nil {
		for _, bt := range base.Tasks {
			if s, err := time.Parse(time.DateOnly, bt.Start); err == nil && s.AddDate(0, 0, -3).Before(from) {
				from = s.AddDate(0, 0, -3)
			}
			if e, err := time.Parse(time.DateOnly, bt.End); err == nil && e.After(to) {
				to = e
			}
		}
	}
	to = to.AddDate(0, 0, 7)
	if daysBetween(from, to) > 730 {
		to = from.AddDate(0, 0, 730)
	}
	return from, to
}

// newLinkVMs draws each dependency from the predecessor's start or
// finish to the successor's start or finish, as the link type says.
func newLinkVMs(p *domain.SitePlan, bars []planning.BarVM) []planning.LinkVM {
	byID := make(map[string]planning.BarVM, len(bars))
	for _, b := range bars {
		byID[b.ID] = b
	}
	out := make([]planning.LinkVM, 0, len(p.Links))
	for _, l := range domain.AsTaskLinks(p.Links) {
		from, ok1 := byID[l.FromID()]
		to, ok2 := byID[l.ToID()]
		if !ok1 || !ok2 {
			continue
		}
		typ, lag := l.Type(), l.LagDays()
		x1, x2 := from.X+from.W, to.X
		if typ == domain.LinkSS || typ == domain.LinkSF {
			x1 = from.X
		}
		if typ == domain.LinkFF || typ == domain.LinkSF {
			x2 = to.X + to.W
		}
		bend := x1 + 8
		if x1 == from.X {
			bend = x1 - 8
		}
		y1, y2 := from.Y()+planning.BarHeight/2, to.Y()+planning.BarHeight/2
		text := fmt.Sprintf("%s → %s (%s", from.Title, to.Title, typ)
		if lag != 0 {
			text += fmt.Sprintf(" %+d", lag)
		}
		out = append(out, planning.LinkVM{ID: l.Id, Path: fmt.Sprintf("M%d %d H%d V%d H%d", x1, y1, bend, y2, x2),
			Critical: from.Critical && to.Critical, Text: text + ")", DeleteURL: "/sites/" + p.Site.Id + "/links/" + l.Id + "/delete"})
	}
	return out
}
