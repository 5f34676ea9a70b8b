package xlsx

import (
	"context"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Daily writes a site's daily report as a workbook in ctx's locale: a
// summary sheet whose totals are formulas over the other sheets, then one
// sheet per table (crew, tasks, incidents, materials, photos).
func Daily(ctx context.Context, d domain.DailyReport) ([]byte, error) {
	ctx, span := startSpan(ctx, "xlsx.report.daily")
	defer span.End()
	ctx = withZone(ctx, d.Location)
	title := i18n.T(ctx, "rpt.daily.title", d.Site.Code, d.Site.Name, i18n.FormatDate(ctx, d.Day))
	b, err := newBook(ctx, d.Branding.Color, title, d.Branding.Company)
	if err != nil {
		return nil, err
	}
	sum, err := b.startSummary(b.t("rpt.sheet.summary"))
	if err != nil {
		return nil, err
	}
	crew, crewTotal, err := b.crewSheet(d.Crew, nil)
	if err != nil {
		return nil, err
	}
	tasks, tasksTotal, err := b.tasksSheet(b.t("rpt.sheet.tasks"), append(append([]domain.ReportTask{}, d.TasksDone...), d.TasksOpen...))
	if err != nil {
		return nil, err
	}
	inc, incTotal, err := b.incidentsSheet(d.Incidents, true)
	if err != nil {
		return nil, err
	}
	var moves [][]any
	for _, m := range d.Moves {
		moves = append(moves, []any{m.At, b.t("rpt.move." + m.Kind), m.SKU, m.Material, m.Unit, m.Qty, m.UnitCost, round2(m.Amount), m.By})
	}
	mat, matTotal, err := b.table(b.t("rpt.sheet.materials"), []column{
		{b.t("rpt.col.date"), kDateTime, 17, false}, {b.t("rpt.col.kind"), kText, 14, false}, {b.t("rpt.col.sku"), kText, 12, false},
		{b.t("rpt.col.material"), kText, 28, false}, {b.t("rpt.col.unit"), kText, 8, false}, {b.t("rpt.col.qty"), kQty, 10, false},
		{b.t("rpt.col.unit_cost"), kEUR, 12, false}, {b.t("rpt.col.amount"), kEUR, 14, true}, {b.t("rpt.col.by"), kText, 20, false},
	}, moves, b.t("rpt.total"))
	if err != nil {
		return nil, err
	}
	if err := b.photosSheet(d.Photos); err != nil {
		return nil, err
	}
	weather, notes := weatherText(ctx, d.Log), ""
	if d.Log != nil {
		notes = d.Log.Notes
		if d.Log.Author != "" && notes != "" {
			notes += " — " + d.Log.Author
		}
	}
	err = b.summary(sum, []summaryLine{
		{b.t("rpt.site"), kText, d.Site.Code + " — " + d.Site.Name},
		{b.t("rpt.client"), kText, d.Site.Client},
		{b.t("rpt.col.date"), kDate, d.Day},
		{b.t("rpt.weather"), kText, weather},
		{b.t("rpt.crew_count"), kInt, len(d.Crew)},
		{b.t("rpt.hours_total"), kHours, ref(crew, "E"+itoa(crewTotal))},
		{b.t("rpt.tasks_hours"), kHours, ref(tasks, "H"+itoa(tasksTotal))},
		{b.t("rpt.incident_count"), kInt, len(d.Incidents)},
		{b.t("rpt.incident_cost"), kEUR, ref(inc, "H"+itoa(incTotal))},
		{b.t("rpt.material_moves"), kEUR, ref(mat, "H"+itoa(matTotal))},
		{b.t("rpt.total_consumption"), kEUR, "=SUMIF('" + mat + "'!B2:B" + itoa(max(matTotal-1, 2)) + `,"` + b.t("rpt.move.consumption") + `",'` + mat + "'!H2:H" + itoa(max(matTotal-1, 2)) + ")"},
		{b.t("dailylog.notes"), kText, notes}, // last: the cells above keep their places
	})
	if err != nil {
		return nil, err
	}
	return b.bytes()
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

// withZone returns ctx displaying dates in loc (the report's tenant zone).
func withZone(ctx context.Context, loc *time.Location) context.Context {
	if loc == nil {
		return ctx
	}
	return i18n.WithZone(ctx, loc)
}

// crewSheet writes people's hours: the day's first clock-in and last
// clock-out, or, with days, hours per day of the week. It returns the
// sheet name and its totals row; hours are in column E (daily).
func (b *book) crewSheet(crew []domain.ReportCrewLine, days []time.Time) (string, int, error) {
	if days == nil {
		var rows [][]any
		for _, l := range crew {
			rows = append(rows, []any{l.Name, b.t("rpt.role." + l.Role), l.FirstIn, nilIfZero(l.LastOut), round2(l.Hours),
				b.t("rpt.ts." + l.Status), l.Entries, strings.Join(l.Tasks, ", ")})
		}
		return b.table(b.t("rpt.sheet.crew"), []column{
			{b.t("rpt.col.person"), kText, 24, false}, {b.t("rpt.col.role"), kText, 16, false}, {b.t("rpt.col.in"), kDateTime, 17, false},
			{b.t("rpt.col.out"), kDateTime, 17, false}, {b.t("rpt.col.hours"), kHours, 10, true}, {b.t("rpt.col.status"), kText, 14, false},
			{b.t("rpt.col.entries"), kInt, 10, true}, {b.t("rpt.col.tasks"), kText, 40, false},
		}, rows, b.t("rpt.total"))
	}
	cols := []column{{b.t("rpt.col.person"), kText, 24, false}}
	for _, d := range days {
		cols = append(cols, column{b.t("rpt.day."+d.Weekday().String()[:3]) + " " + d.Format("02/01"), kHours, 10, true})
	}
	cols = append(cols, column{b.t("rpt.col.total"), kHours, 10, true})
	var rows [][]any
	for i, l := range crew {
		row := []any{l.Name}
		for _, h := range l.Days {
			row = append(row, round2(h))
		}
		// the person's total is a formula over their days
		r := itoa(i + 2)
		rows = append(rows, append(row, formula("SUM(B"+r+":H"+r+")")))
	}
	return b.table(b.t("rpt.sheet.hours"), cols, rows, b.t("rpt.total"))
}

// formula is a cell value written as a formula.
type formula string

// tasksSheet writes a list of tasks; hours are in column H.
func (b *book) tasksSheet(name string, tasks []domain.ReportTask) (string, int, error) {
	var rows [][]any
	for _, t := range tasks {
		rows = append(rows, []any{t.Title, t.Phase, civil(b.ctx, t.PlannedStart), civil(b.ctx, t.PlannedEnd),
			b.t("rpt.task." + t.Status), t.Progress / 100, strings.Join(t.Assignees, ", "), round2(t.Hours)})
	}
	return b.table(name, []column{
		{b.t("rpt.col.task"), kText, 36, false}, {b.t("rpt.col.phase"), kText, 18, false}, {b.t("rpt.col.start"), kDate, 12, false},
		{b.t("rpt.col.end"), kDate, 12, false}, {b.t("rpt.col.status"), kText, 14, false}, {b.t("rpt.col.progress"), kPct, 10, false},
		{b.t("rpt.col.assignees"), kText, 28, false}, {b.t("rpt.col.hours"), kHours, 10, true},
	}, rows, b.t("rpt.total"))
}

// incidentsSheet writes incidents; with costs, their amounts are in
// column H.
func (b *book) incidentsSheet(list []domain.ReportIncidentLine, costs bool) (string, int, error) {
	cols := []column{
		{b.t("rpt.col.date"), kDateTime, 17, false}, {b.t("rpt.col.kind"), kText, 14, false}, {b.t("rpt.col.severity"), kText, 10, false},
		{b.t("rpt.col.status"), kText, 14, false}, {b.t("rpt.col.task"), kText, 24, false}, {b.t("rpt.col.description"), kText, 50, false},
		{b.t("rpt.col.impact_days"), kQty, 10, true},
	}
	if costs {
		cols = append(cols, column{b.t("rpt.col.impact_eur"), kEUR, 14, true})
	}
	var rows [][]any
	for _, i := range list {
		row := []any{i.At, b.t("crew2.incident.kind." + i.Kind), b.t("crew2.severity." + i.Severity),
			b.t("incidents.status." + orDefault(i.Status, "open")), i.Task, i.Description, i.ImpactDays}
		if costs {
			row = append(row, round2(i.ImpactEUR))
		}
		rows = append(rows, row)
	}
	return b.table(b.t("rpt.sheet.incidents"), cols, rows, b.t("rpt.total"))
}

// photosSheet lists the photos (the PDF prints them).
func (b *book) photosSheet(list []domain.ReportPhoto) error {
	var rows [][]any
	for _, p := range list {
		rows = append(rows, []any{p.TakenAt, p.Author, p.Caption, p.ID})
	}
	_, _, err := b.table(b.t("rpt.sheet.photos"), []column{
		{b.t("rpt.col.date"), kDateTime, 17, false}, {b.t("rpt.col.by"), kText, 24, false},
		{b.t("rpt.col.caption"), kText, 50, false}, {b.t("rpt.col.photo_id"), kText, 18, false},
	}, rows, "")
	return err
}

func nilIfZero(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
