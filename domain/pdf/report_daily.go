package pdf

import (
	"context"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Daily renders a site's daily report (journal de chantier) as PDF in
// ctx's locale and zone (i18n.WithLocale): site and weather, crew present
// with hours, tasks done and under way, incidents, deliveries and
// consumption with their value, and the day's photos.
func Daily(ctx context.Context, d domain.DailyReport, now time.Time) ([]byte, error) {
	ctx, span := startSpan(ctx, "pdf.report.daily")
	defer span.End()
	ctx = withZone(ctx, d.Location)
	title := i18n.T(ctx, "rpt.daily.title", d.Site.Code, d.Site.Name, i18n.FormatDate(ctx, d.Day))
	r, err := newReport(ctx, d.Branding, title, now)
	if err != nil {
		return nil, err
	}
	r.siteFields(d.Site)
	weather := weatherText(ctx, d.Log)
	if weather == "" {
		weather = "______________________________________________"
	}
	r.field(r.t("rpt.weather"), weather)
	if d.Log != nil && d.Log.Notes != "" {
		r.heading(r.t("dailylog.notes"))
		for _, l := range strings.Split(d.Log.Notes, "\n") {
			r.line(l)
		}
		if d.Log.Author != "" {
			r.line("— " + d.Log.Author)
		}
	}

	r.heading(r.t("rpt.crew"))
	var crew [][]string
	for _, l := range d.Crew {
		crew = append(crew, []string{l.Name, r.t("rpt.role." + l.Role), clock(ctx, l.FirstIn), clock(ctx, l.LastOut),
			i18n.FormatHours(ctx, l.Hours), r.t("rpt.ts." + l.Status), strings.Join(l.Tasks, ", ")})
	}
	r.table([]column{{r.t("rpt.col.person"), 5, false}, {r.t("rpt.col.role"), 4, false}, {r.t("rpt.col.in"), 2, true},
		{r.t("rpt.col.out"), 2, true}, {r.t("rpt.col.hours"), 3, true}, {r.t("rpt.col.status"), 3, false}, {r.t("rpt.col.tasks"), 5, false}},
		crew, totalRow(7, 4, r.t("rpt.total"), i18n.FormatHours(ctx, d.Hours)))

	r.heading(r.t("rpt.tasks_done"))
	r.tasks(d.TasksDone)
	r.heading(r.t("rpt.tasks_open"))
	r.tasks(d.TasksOpen)

	r.heading(r.t("rpt.incidents"))
	r.incidents(d.Incidents, true)

	r.heading(r.t("rpt.moves"))
	var moves [][]string
	for _, m := range d.Moves {
		moves = append(moves, []string{clock(ctx, m.At), r.t("rpt.move." + m.Kind), m.Material, i18n.FormatQty(ctx, m.Qty) + " " + m.Unit,
			i18n.FormatEUR(ctx, m.UnitCost), i18n.FormatEUR(ctx, m.Amount), m.By})
	}
	r.table([]column{{r.t("rpt.col.time"), 2, true}, {r.t("rpt.col.kind"), 3, false}, {r.t("rpt.col.material"), 5, false},
		{r.t("rpt.col.qty"), 3, true}, {r.t("rpt.col.unit_cost"), 3, true}, {r.t("rpt.col.amount"), 3, true}, {r.t("rpt.col.by"), 5, false}},
		moves, []string{"", "", r.t("rpt.total_consumption"), "", "", i18n.FormatEUR(ctx, d.MaterialAmount()), ""})

	r.heading(r.t("rpt.photos"))
	r.photos(d.Photos)
	r.signatureBlock()
	return r.bytes()
}

// weatherText is the daily log's weather and temperature ("Pluie,
// 8 °C"), "" without either.
func weatherText(ctx context.Context, l *domain.ReportDailyLog) string {
	if l == nil {
		return ""
	}
	var parts []string
	if l.Weather != "" {
		parts = append(parts, i18n.T(ctx, "dailylog.weather."+l.Weather))
	}
	if l.HasTemperature {
		parts = append(parts, i18n.FormatQty(ctx, l.Temperature)+" °C")
	}
	return strings.Join(parts, ", ")
}

// withZone returns ctx displaying times in loc (the report's tenant
// zone) with its locale and catalogue unchanged.
func withZone(ctx context.Context, loc *time.Location) context.Context {
	if loc == nil {
		return ctx
	}
	return i18n.WithZone(ctx, loc)
}

// totalRow is a totals line: label in the first cell, value at index at.
func totalRow(n, at int, label, value string) []string {
	out := make([]string, n)
	out[0], out[at] = label, value
	return out
}

// siteFields prints the site's identity.
func (r *report) siteFields(s domain.ReportSite) {
	r.field(r.t("rpt.site"), s.Code+" — "+s.Name)
	if s.Address != "" {
		r.field(r.t("rpt.address"), s.Address)
	}
	if s.Client != "" {
		r.field(r.t("rpt.client"), s.Client)
	}
	if s.ProjectManager != "" || s.SiteLead != "" {
		r.field(r.t("rpt.managers"), strings.Trim(s.ProjectManager+" / "+s.SiteLead, " /"))
	}
}

// tasks prints a table of tasks.
func (r *report) tasks(list []domain.ReportTask) {
	var rows [][]string
	var hours float64
	for _, t := range list {
		rows = append(rows, []string{t.Title, t.Phase, civilDate(r.ctx, t.PlannedStart), civilDate(r.ctx, t.PlannedEnd),
			r.t("rpt.task." + t.Status), percent(r.ctx, t.Progress), i18n.FormatHours(r.ctx, t.Hours)})
		hours += t.Hours
	}
	r.table([]column{{r.t("rpt.col.task"), 6, false}, {r.t("rpt.col.phase"), 4, false}, {r.t("rpt.col.start"), 3, true},
		{r.t("rpt.col.end"), 3, true}, {r.t("rpt.col.status"), 3, false}, {r.t("rpt.col.progress"), 3, true}, {r.t("rpt.col.hours"), 2, true}},
		rows, totalRow(7, 6, r.t("rpt.total"), i18n.FormatHours(r.ctx, hours)))
}

// incidents prints a table of incidents, with their cost when costs is
// set (the daily journal is internal; the client's weekly report is not).
func (r *report) incidents(list []domain.ReportIncidentLine, costs bool) {
	var rows [][]string
	var days, eur float64
	for _, i := range list {
		row := []string{i18n.FormatDateTime(r.ctx, i.At), r.t("crew2.incident.kind." + i.Kind), r.t("crew2.severity." + i.Severity),
			r.t("incidents.status." + orDefault(i.Status, "open")), i.Description, i18n.FormatQty(r.ctx, i.ImpactDays)}
		if costs {
			row = append(row, i18n.FormatEUR(r.ctx, i.ImpactEUR))
		}
		rows = append(rows, row)
		days, eur = days+i.ImpactDays, eur+i.ImpactEUR
	}
	cols := []column{{r.t("rpt.col.date"), 4, false}, {r.t("rpt.col.kind"), 2, false}, {r.t("rpt.col.severity"), 3, false},
		{r.t("rpt.col.status"), 3, false}, {r.t("rpt.col.description"), 6, false}, {r.t("rpt.col.impact_days"), 3, true}}
	total := totalRow(6, 5, r.t("rpt.total"), i18n.FormatQty(r.ctx, days))
	if costs {
		cols = append(cols, column{r.t("rpt.col.impact_eur"), 3, true})
		total = append(total, i18n.FormatEUR(r.ctx, eur))
	} else {
		cols[4].size = 9
	}
	r.table(cols, rows, total)
}

// signatureBlock leaves room for the site lead's signature.
func (r *report) signatureBlock() {
	r.heading(r.t("rpt.signature"))
	r.line(r.t("rpt.signature_hint"))
	r.line(" ")
	r.line(" ")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
