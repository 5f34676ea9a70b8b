package handlers

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/sites"
)

// Chart geometry of the costs tab (SVG user units).
const (
	chartW, chartH             = 720, 240
	chartLeft, chartRight      = 80, 10
	chartTop, chartBottom      = 10, 24
	chartMaxRows               = 60 // points of the data table
	chartPlotW, chartPlotH     = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartYTicks                = 4
	chartXTicks                = 4
	chartBudgetClass, chartAct = "chart-plan", "chart-actual"
)

// costCharts draws the budget-versus-actual and progress curves of
// points and lists at most chartMaxRows of them (evenly spaced, the
// first, today's and the last always) for the data table.
func costCharts(ctx context.Context, points []domain.CurvePoint, k *domain.SiteKPIs, today time.Time) (sites.ChartVM, sites.ChartVM, []sites.CurveRowVM) {
	maxY := k.Budget
	for _, p := range points {
		maxY = math.Max(maxY, math.Max(p.Planned, p.Actual))
	}
	if maxY <= 0 {
		maxY = 1
	}
	n := len(points)
	x := func(i int) int {
		if n <= 1 {
			return chartLeft
		}
		return chartLeft + int(math.Round(float64(i)*chartPlotW/float64(n-1)))
	}
	y := func(v, max float64) int { return chartTop + int(math.Round(chartPlotH*(1-v/max))) }
	var plan, act, prog strings.Builder
	todayX, todayI := 0, -1
	tday := today.Format(time.DateOnly)
	for i, p := range points {
		plan.WriteString(strconv.Itoa(x(i)) + "," + strconv.Itoa(y(p.Planned, maxY)) + " ")
		prog.WriteString(strconv.Itoa(x(i)) + "," + strconv.Itoa(y(p.PlanProgress, 100)) + " ")
		if p.HasActual {
			act.WriteString(strconv.Itoa(x(i)) + "," + strconv.Itoa(y(p.Actual, maxY)) + " ")
		}
		if p.Day.Format(time.DateOnly) == tday {
			todayX, todayI = x(i), i
		}
	}
	var xt []sites.ChartTickVM
	for j := 0; j <= chartXTicks && n > 0; j++ {
		i := j * (n - 1) / chartXTicks
		xt = append(xt, sites.ChartTickVM{X: x(i), Label: i18n.FormatDate(ctx, points[i].Day)})
	}
	cost := sites.ChartVM{ID: "chart-cost", Title: i18n.T(ctx, "costs.chart_cost"), Width: chartW, Height: chartH, TodayX: todayX, XTicks: xt,
		Desc: i18n.T(ctx, "costs.chart_cost_desc", i18n.FormatEUR(ctx, k.Budget), i18n.FormatEUR(ctx, k.Costs.Total), i18n.FormatEUR(ctx, k.Forecast)),
		Lines: []sites.ChartLineVM{{Class: chartBudgetClass, Points: strings.TrimSpace(plan.String()), Label: i18n.T(ctx, "costs.col.planned")},
			{Class: chartAct, Points: strings.TrimSpace(act.String()), Label: i18n.T(ctx, "costs.col.actual")}}}
	progress := sites.ChartVM{ID: "chart-progress", Title: i18n.T(ctx, "costs.chart_progress"), Width: chartW, Height: chartH, TodayX: todayX, XTicks: xt,
		Desc:  i18n.T(ctx, "costs.chart_progress_desc", i18n.FormatNumber(ctx, k.Progress, 0)),
		Lines: []sites.ChartLineVM{{Class: chartBudgetClass, Points: strings.TrimSpace(prog.String()), Label: i18n.T(ctx, "costs.col.plan_progress")}}}
	if todayX > 0 {
		progress.Dot = []int{todayX, y(k.Progress, 100)}
	}
	for j := 0; j <= chartYTicks; j++ {
		v := float64(j) / chartYTicks
		cost.YTicks = append(cost.YTicks, sites.ChartTickVM{Y: y(v*maxY, maxY), Label: i18n.FormatNumber(ctx, v*maxY, 0) + "\u00a0€"})
		progress.YTicks = append(progress.YTicks, sites.ChartTickVM{Y: y(v*100, 100), Label: i18n.FormatNumber(ctx, v*100, 0) + "\u00a0%"})
	}
	step := (n + chartMaxRows - 1) / chartMaxRows
	var rows []sites.CurveRowVM
	for i, p := range points {
		if step > 1 && i%step != 0 && i != n-1 && i != todayI {
			continue
		}
		r := sites.CurveRowVM{Day: p.Day.Format(time.DateOnly), Planned: i18n.FormatEUR(ctx, p.Planned), Actual: "—",
			PlanProgress: i18n.FormatNumber(ctx, p.PlanProgress, 1) + "\u00a0%"}
		if p.HasActual {
			r.Actual = i18n.FormatEUR(ctx, p.Actual)
		}
		rows = append(rows, r)
	}
	return cost, progress, rows
}
