package xlsx

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Timesheet writes the payroll export of a period as a workbook in ctx's
// locale: one row per person, day and site (sheet "Pointages"), then one
// row per person whose hours are a formula over the first sheet (SUMIFS
// by the person's id), so that a corrected cell updates the totals, and
// the number of days they worked.
func Timesheet(ctx context.Context, ex domain.TimesheetExport) ([]byte, error) {
	ctx, span := startSpan(ctx, "xlsx.timesheet")
	defer span.End()
	ctx = withZone(ctx, ex.Location)
	title := i18n.T(ctx, "rpt.timesheet.title", i18n.FormatDate(ctx, ex.From), i18n.FormatDate(ctx, ex.To))
	b, err := newBook(ctx, "", title, ex.Company)
	if err != nil {
		return nil, err
	}
	rows := make([][]any, 0, len(ex.Rows))
	for _, r := range ex.Rows {
		rows = append(rows, []any{r.UserID, r.Name, b.t("rpt.role." + r.Role), r.Day, r.SiteCode, r.SiteName,
			round2(r.Hours), r.Entries, b.t("rpt.ts." + r.Status)})
	}
	entries, total, err := b.table(b.t("rpt.sheet.entries"), []column{
		{b.t("rpt.col.person_id"), kText, 17, false}, {b.t("rpt.col.person"), kText, 24, false}, {b.t("rpt.col.role"), kText, 16, false},
		{b.t("rpt.col.date"), kDate, 12, false}, {b.t("rpt.col.site_code"), kText, 12, false}, {b.t("rpt.col.site"), kText, 28, false},
		{b.t("rpt.col.hours"), kHours, 10, true}, {b.t("rpt.col.entries"), kInt, 10, true}, {b.t("rpt.col.status"), kText, 14, false},
	}, rows, b.t("rpt.total"))
	if err != nil {
		return nil, err
	}
	last := itoa(max(total-1, 2))
	sheet := "'" + strings.ReplaceAll(entries, "'", "''") + "'!"
	per := make([][]any, 0, len(ex.Totals))
	for i, t := range ex.Totals {
		r := itoa(i + 2)
		per = append(per, []any{t.UserID, t.Name,
			formula("SUMIFS(" + sheet + "G$2:G$" + last + "," + sheet + "A$2:A$" + last + ",A" + r + ")"),
			t.Days,
		})
	}
	if _, _, err := b.table(b.t("rpt.sheet.totals"), []column{
		{b.t("rpt.col.person_id"), kText, 17, false}, {b.t("rpt.col.person"), kText, 24, false},
		{b.t("rpt.col.hours"), kHours, 10, true}, {b.t("rpt.col.days"), kInt, 10, true},
	}, per, b.t("rpt.total")); err != nil {
		return nil, err
	}
	return b.bytes()
}

// TimesheetCSV writes the same export as CSV for payroll software: UTF-8
// with a byte-order mark (Excel reads accents then), ";" separators,
// dates as dd/mm/yyyy, hours with a decimal comma in French, one row per
// person, day and site, then one total row per person.
func TimesheetCSV(ctx context.Context, ex domain.TimesheetExport) ([]byte, error) {
	ctx, span := startSpan(ctx, "csv.timesheet")
	defer span.End()
	ctx = withZone(ctx, ex.Location)
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	t := func(k string) string { return i18n.T(ctx, k) }
	hours := func(h float64) string {
		s := strconv.FormatFloat(round2(h), 'f', 2, 64)
		if i18n.Lang(ctx) == i18n.FR {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	}
	day := func(r domain.TimesheetExportRow) string { return r.Day.In(i18n.Location(ctx)).Format("02/01/2006") }
	if i18n.Lang(ctx) != i18n.FR {
		day = func(r domain.TimesheetExportRow) string { return r.Day.In(i18n.Location(ctx)).Format("2006-01-02") }
	}
	_ = w.Write([]string{t("rpt.col.line"), t("rpt.col.person_id"), t("rpt.col.person"), t("rpt.col.role"), t("rpt.col.date"),
		t("rpt.col.site_code"), t("rpt.col.site"), t("rpt.col.hours"), t("rpt.col.entries"), t("rpt.col.status")})
	for _, r := range ex.Rows {
		_ = w.Write([]string{t("rpt.line.day"), r.UserID, csvSafe(r.Name), t("rpt.role." + r.Role), day(r), csvSafe(r.SiteCode),
			csvSafe(r.SiteName), hours(r.Hours), itoa(r.Entries), t("rpt.ts." + r.Status)})
	}
	for _, tot := range ex.Totals {
		_ = w.Write([]string{t("rpt.line.total"), tot.UserID, csvSafe(tot.Name), "", "", "", "", hours(tot.Hours), "", ""})
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection): a text starting with = + - @ gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
