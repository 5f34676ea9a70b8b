package pdf

import (
	"context"
	"strconv"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Monthly renders the monthly management report as PDF in ctx's locale:
// the month's key figures, then one table per subject with a row per site
// and a totals line — costs of the month by kind, budget versus actual and
// margin to date, hours and delays, incidents of the month by severity.
// Figures are the cost and KPI engine's (domain.MonthlyReportData).
func Monthly(ctx context.Context, m domain.MonthlyReport, now time.Time) ([]byte, error) {
	ctx, span := startSpan(ctx, "pdf.report.monthly")
	defer span.End()
	ctx = withZone(ctx, m.Location)
	month := i18n.T(ctx, "rpt.month."+m.Month.Format("01")) + " " + m.Month.Format("2006")
	key := "rpt.monthly.title"
	if m.Scoped {
		key = "rpt.monthly.title_scoped"
	}
	r, err := newReport(ctx, m.Branding, i18n.T(ctx, key, month), now)
	if err != nil {
		return nil, err
	}
	k := m.KPIs
	eur := func(v float64) string { return i18n.FormatEUR(ctx, v) }
	hrs := func(v float64) string { return i18n.FormatHours(ctx, v) }
	r.field(r.t("rpt.monthly.sites"), strconv.Itoa(len(k.Sites)))
	r.field(r.t("rpt.monthly.period_cost"), eur(k.Period.Total))
	r.field(r.t("rpt.monthly.actual_cost"), eur(k.Total))
	r.field(r.t("rpt.monthly.margin"), eur(k.Margin))
	r.field(r.t("rpt.monthly.late_sites"), strconv.Itoa(k.LateSites))

	r.heading(r.t("rpt.monthly.costs"))
	var rows [][]string
	for _, s := range k.Sites {
		p := s.Period
		rows = append(rows, []string{s.Code, s.Name, eur(p.Labour), eur(p.Material), eur(p.Vehicle), eur(p.Equipment), eur(p.Incident), eur(p.Total)})
	}
	p := k.Period
	r.table([]column{{r.t("rpt.col.code"), 2, false}, {r.t("rpt.col.site"), 4, false},
		{r.t("rpt.col.labour"), 3, true}, {r.t("rpt.col.materials"), 3, true}, {r.t("rpt.col.vehicles"), 3, true},
		{r.t("rpt.col.equipment"), 3, true}, {r.t("rpt.col.incidents_cost"), 3, true}, {r.t("rpt.col.total"), 3, true}},
		rows, []string{r.t("rpt.total"), "", eur(p.Labour), eur(p.Material), eur(p.Vehicle), eur(p.Equipment), eur(p.Incident), eur(p.Total)})

	r.heading(r.t("rpt.monthly.budget"))
	rows = nil
	for _, s := range k.Sites {
		rows = append(rows, []string{s.Code, s.Name, eur(s.Budget), eur(s.Total), percent(ctx, s.Progress), eur(s.Forecast),
			eur(s.ContractAmount), eur(s.Margin), percent(ctx, s.MarginPct)})
	}
	r.table([]column{{r.t("rpt.col.code"), 2, false}, {r.t("rpt.col.site"), 3, false},
		{r.t("rpt.col.budget"), 3, true}, {r.t("rpt.col.actual"), 3, true}, {r.t("rpt.pdf.progress"), 2, true},
		{r.t("rpt.pdf.forecast"), 3, true}, {r.t("rpt.pdf.contract"), 3, true}, {r.t("rpt.col.margin"), 3, true}, {r.t("rpt.col.margin_pct"), 2, true}},
		rows, []string{r.t("rpt.total"), "", eur(k.Budget), eur(k.Total), "", eur(k.Forecast), eur(k.ContractAmount), eur(k.Margin), ""})

	r.heading(r.t("rpt.monthly.hours"))
	rows = nil
	late := 0
	for _, s := range k.Sites {
		rows = append(rows, []string{s.Code, s.Name, hrs(s.Planned), hrs(s.Actual), hrs(s.Period.Hours), hrs(s.Period.OvertimeHours),
			civilText(ctx, s.Finish), strconv.Itoa(s.DelayDays), strconv.Itoa(s.LateTasks)})
		late += s.LateTasks
	}
	r.table([]column{{r.t("rpt.col.code"), 2, false}, {r.t("rpt.col.site"), 3, false},
		{r.t("rpt.pdf.planned"), 3, true}, {r.t("rpt.pdf.actual_h"), 3, true}, {r.t("rpt.pdf.month_h"), 3, true},
		{r.t("rpt.pdf.overtime"), 2, true}, {r.t("rpt.col.finish"), 3, true}, {r.t("rpt.pdf.delay"), 2, true}, {r.t("rpt.pdf.late"), 3, true}},
		rows, []string{r.t("rpt.total"), "", hrs(k.Planned), hrs(k.Actual), hrs(k.Period.Hours), hrs(k.Period.OvertimeHours), "", "", strconv.Itoa(late)})

	r.heading(r.t("rpt.monthly.incidents"))
	rows = nil
	cols := []column{{r.t("rpt.col.code"), 2, false}, {r.t("rpt.col.site"), 8, false}}
	for _, sev := range domain.MonthlySeverities {
		cols = append(cols, column{r.t("rpt.col.sev." + sev), 2, true})
	}
	cols = append(cols, column{r.t("rpt.col.total"), 3, true}, column{r.t("rpt.col.open"), 3, true})
	for _, s := range k.Sites {
		row := []string{s.Code, s.Name}
		n := 0
		for _, sev := range domain.MonthlySeverities {
			row = append(row, strconv.Itoa(s.Incidents[sev]))
			n += s.Incidents[sev]
		}
		rows = append(rows, append(row, strconv.Itoa(n), strconv.Itoa(s.IncidentsOpen)))
	}
	total := []string{r.t("rpt.total"), ""}
	n := 0
	for _, sev := range domain.MonthlySeverities {
		total = append(total, strconv.Itoa(k.Incidents[sev]))
		n += k.Incidents[sev]
	}
	r.table(cols, rows, append(total, strconv.Itoa(n), strconv.Itoa(k.IncidentsOpen)))
	return r.bytes()
}

// civilText formats a KPI civil date "YYYY-MM-DD" in the locale, "—"
// when blank.
func civilText(ctx context.Context, s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "—"
	}
	return civilDate(ctx, t)
}
