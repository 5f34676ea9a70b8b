// Package xlsx writes FieldOps360's Excel workbooks with excelize (a leaf
// package: it imports domain, domain never imports it) and the CSV
// exports that go with them. Workbooks are meant to be worked on: one
// sheet per table, typed cells (dates are dates, amounts numbers in a €
// format, hours numbers), a frozen header row, filters, and totals as
// formulas so that they follow the reader's edits.
package xlsx

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/views/i18n"
)

// kind is the type of a column's cells.
type kind int

const (
	kText     kind = iota
	kDate          // a civil date (time.Time, printed in the zone of the context)
	kDateTime      // an instant
	kHours         // a number of hours
	kQty           // a quantity
	kEUR           // an amount in euros
	kPct           // a fraction (0.42), printed as a percentage
	kInt           // a whole number
)

// column is one column of a sheet's table; sum adds a SUM formula under
// it on the totals line.
type column struct {
	title string
	kind  kind
	width float64
	sum   bool
}

// book is a workbook being written in a locale.
type book struct {
	ctx    context.Context
	f      *excelize.File
	styles map[kind]int
	head   int
	total  map[kind]int
	sheets int
}

// newBook starts a workbook whose header colour is brand ("#RRGGBB",
// blank for the default).
func newBook(ctx context.Context, brand, title, company string) (*book, error) {
	f := excelize.NewFile()
	b := &book{ctx: ctx, f: f, styles: map[kind]int{}, total: map[kind]int{}}
	if len(brand) != 7 || brand[0] != '#' {
		brand = "#1E4E8C"
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Creator: company, Language: i18n.Lang(ctx)}); err != nil {
		return nil, err
	}
	fr := i18n.Lang(ctx) == i18n.FR
	formats := map[kind]string{
		kText: "@", kDate: "dd/mm/yyyy", kDateTime: "dd/mm/yyyy hh:mm", kHours: "0.00", kQty: "#,##0.###",
		kEUR: `#,##0.00\ "€"`, kPct: "0%", kInt: "0",
	}
	if !fr {
		formats[kDate], formats[kDateTime], formats[kEUR] = "dd mmm yyyy", "dd mmm yyyy hh:mm", `"€"#,##0.00`
	}
	var err error
	for k, nf := range formats {
		nf := nf
		if b.styles[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &nf}); err != nil {
			return nil, err
		}
		if b.total[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &nf, Font: &excelize.Font{Bold: true},
			Border: []excelize.Border{{Type: "top", Color: "000000", Style: 1}}}); err != nil {
			return nil, err
		}
	}
	b.head, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.TrimPrefix(brand, "#")}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	return b, err
}

// sheetName makes a valid, unique sheet name of at most 31 characters.
func sheetName(s string) string {
	s = strings.NewReplacer("[", "(", "]", ")", ":", "-", "*", "-", "?", "", "/", "-", `\`, "-", "'", "’").Replace(s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// table writes a sheet: header row (frozen, with a filter over the
// table), one row per item, and a totals line with SUM formulas under the
// columns that add up. It returns the sheet's name and the totals row
// number (0 when there is none).
func (b *book) table(name string, cols []column, rows [][]any, totalLabel string) (string, int, error) {
	name = sheetName(name)
	f := b.f
	if b.sheets == 0 {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return name, 0, err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return name, 0, err
	}
	b.sheets++
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(name, cell, c.title); err != nil {
			return name, 0, err
		}
		colName, _ := excelize.ColumnNumberToName(i + 1)
		w := c.width
		if w == 0 {
			w = 14
		}
		if err := f.SetColWidth(name, colName, colName, w); err != nil {
			return name, 0, err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), 1)
	if err := f.SetCellStyle(name, "A1", last, b.head); err != nil {
		return name, 0, err
	}
	for r, row := range rows {
		for i, v := range row {
			if i >= len(cols) || v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := b.set(name, cell, cols[i].kind, v); err != nil {
				return name, 0, err
			}
		}
	}
	n := len(rows) + 1 // last data row
	for i, c := range cols {
		colName, _ := excelize.ColumnNumberToName(i + 1)
		if n >= 2 {
			if err := f.SetCellStyle(name, colName+"2", colName+itoa(n), b.styles[c.kind]); err != nil {
				return name, 0, err
			}
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return name, 0, err
	}
	lastData, _ := excelize.CoordinatesToCellName(len(cols), max(n, 2))
	if err := f.AutoFilter(name, "A1:"+lastData, nil); err != nil {
		return name, 0, err
	}
	if totalLabel == "" {
		return name, 0, nil
	}
	tr := n + 1
	if n < 2 {
		tr = 3 // an empty table keeps row 2 blank under its filter
	}
	if err := f.SetCellStr(name, "A"+itoa(tr), totalLabel); err != nil {
		return name, 0, err
	}
	for i, c := range cols {
		colName, _ := excelize.ColumnNumberToName(i + 1)
		cell := colName + itoa(tr)
		st := b.total[c.kind]
		if !c.sum {
			st = b.total[kText]
		}
		if c.sum {
			if err := f.SetCellFormula(name, cell, "SUM("+colName+"2:"+colName+itoa(max(n, 2))+")"); err != nil {
				return name, 0, err
			}
		}
		if err := f.SetCellStyle(name, cell, cell, st); err != nil {
			return name, 0, err
		}
	}
	return name, tr, nil
}

// set writes one typed cell.
func (b *book) set(sheet, cell string, k kind, v any) error {
	if fm, ok := v.(formula); ok {
		return b.f.SetCellFormula(sheet, cell, string(fm))
	}
	switch k {
	case kDate, kDateTime:
		t, ok := v.(time.Time)
		if !ok || t.IsZero() {
			return nil
		}
		return b.f.SetCellValue(sheet, cell, wall(t.In(i18n.Location(b.ctx)), k == kDate))
	}
	return b.f.SetCellValue(sheet, cell, v)
}

// civil returns a civil date stored at midnight UTC (task dates) as a
// date cell value in the context's zone.
func civil(ctx context.Context, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 12, 0, 0, 0, i18n.Location(ctx))
}

// wall returns t's wall clock as a UTC instant: excelize counts serial
// dates from an instant, Excel dates have no zone.
func wall(t time.Time, dateOnly bool) time.Time {
	if dateOnly {
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// bytes writes the workbook, the first sheet active.
func (b *book) bytes() ([]byte, error) {
	b.f.SetActiveSheet(0)
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	_ = b.f.Close()
	return buf.Bytes(), nil
}

// t translates a catalogue key.
func (b *book) t(key string, args ...any) string { return i18n.T(b.ctx, key, args...) }

func itoa(n int) string { return strconv.Itoa(n) }

// round2 rounds hours and amounts to the cent, so that sums in the sheet
// equal the sums printed elsewhere.
func round2(f float64) float64 {
	if f < 0 {
		return -round2(-f)
	}
	return float64(int64(f*100+0.5)) / 100
}

// summaryLine is one line of a summary sheet: a label and a value, or a
// formula (starting with "=") reading the other sheets.
type summaryLine struct {
	label string
	kind  kind
	value any
}

// startSummary creates the first sheet, filled by summary once the
// sheets it refers to exist.
func (b *book) startSummary(name string) (string, error) {
	name = sheetName(name)
	b.sheets++
	return name, b.f.SetSheetName("Sheet1", name)
}

// summary writes label/value lines on the summary sheet.
func (b *book) summary(sheet string, lines []summaryLine) error {
	f := b.f
	if err := f.SetColWidth(sheet, "A", "A", 28); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 48); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, l := range lines {
		r := itoa(i + 1)
		if err := f.SetCellStr(sheet, "A"+r, l.label); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, "A"+r, "A"+r, bold); err != nil {
			return err
		}
		if s, ok := l.value.(string); ok && strings.HasPrefix(s, "=") {
			if err := f.SetCellFormula(sheet, "B"+r, s[1:]); err != nil {
				return err
			}
		} else if err := b.set(sheet, "B"+r, l.kind, l.value); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, "B"+r, "B"+r, b.styles[l.kind]); err != nil {
			return err
		}
	}
	return nil
}

// ref is a formula reading a cell of another sheet.
func ref(sheet, cell string) string { return "='" + strings.ReplaceAll(sheet, "'", "''") + "'!" + cell }
