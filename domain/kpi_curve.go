package domain

import (
	"math"
	"time"
)

// CurvePoint is one civil day of a site's cost and progress curves.
type CurvePoint struct {
	Day time.Time
	// PlanProgress is the planned progress (%) at the day's end: the
	// tasks' durations (at least one day, as the engine weighs them)
	// spread evenly over their planned calendar days.
	PlanProgress float64
	// Planned is the planned value: budget × PlanProgress.
	Planned float64
	// Actual is the cost to date at the day's end (every rollup day up to
	// it, KPIDay.Cost()); HasActual is false after the as-of day.
	Actual    float64
	HasActual bool
}

// SiteCurves returns the budget-versus-actual and progress curves of a
// site, one point per civil day of [from, to] (to included): the
// cumulative actual cost from days (DailyRollup rows of the site, days
// before from included in the first point) up to asof, the planned
// progress of tasks and the planned value (budget × planned progress).
func SiteCurves(days []KPIDay, tasks []Task, budget float64, from, to, asof time.Time) []CurvePoint {
	type span struct {
		start, end time.Time
		weight     float64
	}
	var spans []span
	total := 0.0
	for _, t := range tasks {
		s, e := utcMidnight(t.PlannedStart()), utcMidnight(t.PlannedEnd())
		if s.IsZero() {
			continue
		}
		if e.Before(s) {
			e = s
		}
		w := math.Max(t.DurationDays(), 1)
		spans = append(spans, span{s, e, w})
		total += w
	}
	var out []CurvePoint
	cum, i := 0.0, 0
	from, to, asof = utcMidnight(from), utcMidnight(to), utcMidnight(asof)
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		for ; i < len(days) && days[i].Day <= day; i++ {
			cum += days[i].Cost()
		}
		p := CurvePoint{Day: d, Actual: roundCents(cum), HasActual: !d.After(asof)}
		if total > 0 {
			done := 0.0
			for _, s := range spans {
				n := s.end.Sub(s.start).Hours()/24 + 1
				el := math.Max(0, math.Min(n, d.Sub(s.start).Hours()/24+1))
				done += s.weight * el / n
			}
			p.PlanProgress = math.Round(done/total*1000) / 10
		}
		p.Planned = roundCents(budget * p.PlanProgress / 100)
		out = append(out, p)
	}
	return out
}

// utcMidnight is t's civil date at midnight UTC (dates are stored as UTC
// midnights; the zero time stays zero).
func utcMidnight(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
