package xlsx

import (
	"context"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Monthly writes the monthly management report as a workbook in ctx's
// locale: a summary whose totals are formulas over the other sheets, then
// one sheet per table — costs of the month by kind, budget versus actual
// and margin to date, hours and delays, incidents of the month by
// severity —, one row per site and a totals line of SUM formulas.
func Monthly(ctx context.Context, m domain.MonthlyReport) ([]byte, error) {
	ctx, span := startSpan(ctx, "xlsx.report.monthly")
	defer span.End()
	ctx = withZone(ctx, m.Location)
	month := monthText(ctx, m)
	key := "rpt.monthly.title"
	if m.Scoped {
		key = "rpt.monthly.title_scoped"
	}
	title := i18n.T(ctx, key, month)
	b, err := newBook(ctx, m.Branding.Color, title, m.Branding.Company)
	if err != nil {
		return nil, err
	}
	sum, err := b.startSummary(b.t("rpt.sheet.summary"))
	if err != nil {
		return nil, err
	}
	k := m.KPIs
	site := func(s domain.SiteKPIs) []any { return []any{s.Code, s.Name} }
	siteCols := []column{{b.t("rpt.col.site_code"), kText, 12, false}, {b.t("rpt.col.site"), kText, 28, false}}
	total := b.t("rpt.total")

	var rows [][]any
	for i, s := range k.Sites {
		r := itoa(i + 2)
		rows = append(rows, append(site(s), s.Period.Labour, s.Period.Material, s.Period.Vehicle, s.Period.Equipment,
			s.Period.Incident, formula("SUM(C"+r+":G"+r+")")))
	}
	costs, costsTotal, err := b.table(b.t("rpt.sheet.costs"), append(siteCols,
		column{b.t("rpt.col.labour"), kEUR, 14, true}, column{b.t("rpt.col.materials"), kEUR, 14, true},
		column{b.t("rpt.col.vehicles"), kEUR, 14, true}, column{b.t("rpt.col.equipment"), kEUR, 14, true},
		column{b.t("rpt.col.incidents_cost"), kEUR, 14, true}, column{b.t("rpt.col.total"), kEUR, 15, true}), rows, total)
	if err != nil {
		return nil, err
	}

	rows = nil
	for i, s := range k.Sites {
		r := itoa(i + 2)
		// the margin is the contract amount − the forecast at completion (SiteKPIs.Margin)
		rows = append(rows, append(site(s), s.Budget, s.Total, s.Progress/100, s.Forecast, s.ContractAmount,
			formula("G"+r+"-F"+r), formula("IF(G"+r+"=0,0,H"+r+"/G"+r+")")))
	}
	budget, budgetTotal, err := b.table(b.t("rpt.sheet.budget"), append(siteCols,
		column{b.t("rpt.col.budget"), kEUR, 15, true}, column{b.t("rpt.col.actual"), kEUR, 15, true},
		column{b.t("rpt.col.progress"), kPct, 11, false}, column{b.t("rpt.col.forecast"), kEUR, 16, true},
		column{b.t("rpt.col.contract"), kEUR, 16, true}, column{b.t("rpt.col.margin"), kEUR, 15, true},
		column{b.t("rpt.col.margin_pct"), kPct, 10, false}), rows, total)
	if err != nil {
		return nil, err
	}

	rows = nil
	for _, s := range k.Sites {
		rows = append(rows, append(site(s), s.Planned, s.Actual, s.Period.Hours, s.Period.OvertimeHours,
			civilText(ctx, s.Finish), civilText(ctx, s.ContractEnd), s.DelayDays, s.LateTasks))
	}
	hours, hoursTotal, err := b.table(b.t("rpt.sheet.delays"), append(siteCols,
		column{b.t("rpt.col.planned_hours"), kHours, 13, true}, column{b.t("rpt.col.actual_hours"), kHours, 13, true},
		column{b.t("rpt.monthly.month") + " — " + b.t("rpt.col.hours"), kHours, 13, true}, column{b.t("rpt.col.overtime"), kHours, 11, true},
		column{b.t("rpt.col.finish"), kDate, 12, false}, column{b.t("rpt.col.end"), kDate, 12, false},
		column{b.t("rpt.col.delay_days"), kInt, 10, false}, column{b.t("rpt.col.late_tasks"), kInt, 10, true}), rows, total)
	if err != nil {
		return nil, err
	}

	rows = nil
	incCols := append([]column{}, siteCols...)
	for _, sev := range domain.MonthlySeverities {
		incCols = append(incCols, column{b.t("rpt.col.sev." + sev), kInt, 10, true})
	}
	incCols = append(incCols, column{b.t("rpt.col.total"), kInt, 10, true}, column{b.t("rpt.col.open"), kInt, 10, true})
	for i, s := range k.Sites {
		r := itoa(i + 2)
		row := site(s)
		for _, sev := range domain.MonthlySeverities {
			row = append(row, s.Incidents[sev])
		}
		rows = append(rows, append(row, formula("SUM(C"+r+":F"+r+")"), s.IncidentsOpen))
	}
	inc, incTotal, err := b.table(b.t("rpt.sheet.severity"), incCols, rows, total)
	if err != nil {
		return nil, err
	}

	err = b.summary(sum, []summaryLine{
		{b.t("rpt.monthly.month"), kText, month},
		{b.t("rpt.monthly.sites"), kInt, len(k.Sites)},
		{b.t("rpt.monthly.period_cost"), kEUR, ref(costs, "H"+itoa(costsTotal))},
		{b.t("rpt.col.labour"), kEUR, ref(costs, "C"+itoa(costsTotal))},
		{b.t("rpt.col.materials"), kEUR, ref(costs, "D"+itoa(costsTotal))},
		{b.t("rpt.col.budget"), kEUR, ref(budget, "C"+itoa(budgetTotal))},
		{b.t("rpt.monthly.actual_cost"), kEUR, ref(budget, "D"+itoa(budgetTotal))},
		{b.t("rpt.monthly.margin"), kEUR, ref(budget, "H"+itoa(budgetTotal))},
		{b.t("rpt.col.planned_hours"), kHours, ref(hours, "C"+itoa(hoursTotal))},
		{b.t("rpt.col.actual_hours"), kHours, ref(hours, "D"+itoa(hoursTotal))},
		{b.t("rpt.monthly.late_sites"), kInt, "=COUNTIF('" + hours + "'!I2:I" + itoa(max(hoursTotal-1, 2)) + `,">0")`},
		{b.t("rpt.incident_count"), kInt, ref(inc, "G"+itoa(incTotal))},
	})
	if err != nil {
		return nil, err
	}
	return b.bytes()
}

// monthText is the report's month in the locale ("novembre 2026").
func monthText(ctx context.Context, m domain.MonthlyReport) string {
	return i18n.T(ctx, "rpt.month."+m.Month.Format("01")) + " " + m.Month.Format("2006")
}

// civilText turns a KPI civil date "YYYY-MM-DD" into a date cell value
// (nil when blank).
func civilText(ctx context.Context, s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return civil(ctx, t)
}
