package pdf

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/border"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Site reports (issue #17): a branded first-page heading, tables whose
// header row is repeated at the top of every page they run onto, photo
// thumbnails in a grid, "Page X / Y" at the foot of each page, and every
// date, number and amount in the reader's locale (views/i18n, from ctx).

// defaultBrand is the colour of headings and table headers when the
// company sets none (the office UI's blue).
var defaultBrand = props.Color{Red: 30, Green: 78, Blue: 140}

const rowH = 6.0 // mm: one table line

// grid is the number of columns of a page: tables size their columns in
// 24ths of the width (about 7.75 mm, 4 to 5 characters each).
const grid = 24

// brandColor parses "#RRGGBB", else the default colour.
func brandColor(hex string) props.Color {
	if len(hex) != 7 || hex[0] != '#' {
		return defaultBrand
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return defaultBrand
	}
	return props.Color{Red: int(v >> 16 & 0xff), Green: int(v >> 8 & 0xff), Blue: int(v & 0xff)}
}

// report is a site report being written.
type report struct {
	ctx   context.Context
	m     core.Maroto
	brand props.Color
}

// newReport starts a branded A4 report titled title.
func newReport(ctx context.Context, b domain.ReportBranding, title string, now time.Time) (*report, error) {
	fonts, err := repository.New().
		AddUTF8FontFromBytes(family, fontstyle.Normal, bytes.Clone(goregular.TTF)).
		AddUTF8FontFromBytes(family, fontstyle.Bold, bytes.Clone(gobold.TTF)).
		Load()
	if err != nil {
		return nil, err
	}
	pattern := i18n.T(ctx, "rpt.page", "{current}", "{total}")
	cfg := config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: family, Size: 8}).
		WithTitle(title, true).WithAuthor(b.Company, true).WithCreator("FieldOps360", true).WithCreationDate(now).
		WithPageNumber(props.PageNumber{Pattern: pattern, Place: props.RightBottom, Family: family, Size: 8}).
		WithMaxGridSize(grid).WithLeftMargin(12).WithRightMargin(12).WithTopMargin(10).WithBottomMargin(12).Build()
	r := &report{ctx: ctx, m: maroto.New(cfg), brand: brandColor(b.Color)}
	head := []core.Col{}
	textSize := grid
	if len(b.Logo) > 0 {
		ext := extension.Png
		if b.LogoExt == "jpg" {
			ext = extension.Jpg
		}
		head = append(head, image.NewFromBytesCol(4, b.Logo, ext, props.Rect{Percent: 90}))
		textSize = grid - 4
	}
	head = append(head, text.NewCol(textSize, clean(b.Company), props.Text{Size: 14, Style: fontstyle.Bold, Color: &r.brand}))
	r.m.AddRows(row.New(14).Add(head...))
	var legal []string
	if b.Address != "" {
		legal = append(legal, b.Address)
	}
	if b.SIRET != "" {
		legal = append(legal, "SIRET "+b.SIRET)
	}
	if len(legal) > 0 {
		r.m.AddRows(text.NewAutoRow(clean(strings.Join(legal, " · ")), props.Text{Size: 7, Bottom: 2}))
	}
	r.m.AddRows(text.NewAutoRow(clean(title), props.Text{Size: 13, Style: fontstyle.Bold, Top: 2, Bottom: 2}))
	return r, nil
}

// t translates a catalogue key.
func (r *report) t(key string, args ...any) string { return i18n.T(r.ctx, key, args...) }

// heading starts a section.
func (r *report) heading(s string) {
	r.m.AddRows(text.NewAutoRow(clean(s), props.Text{Size: 11, Style: fontstyle.Bold, Top: 4, Bottom: 1, Color: &r.brand}))
}

// line prints a paragraph.
func (r *report) line(s string) { r.m.AddRows(text.NewAutoRow(clean(s), props.Text{Bottom: 1})) }

// field prints "label: value" with the value in bold.
func (r *report) field(label, value string) {
	r.m.AddRows(row.New(5).Add(
		text.NewCol(6, clean(label), props.Text{Style: fontstyle.Bold}),
		text.NewCol(grid-6, clean(value)),
	))
}

// column is one column of a table: its header, width (of grid) and
// whether its values are numbers (right-aligned).
type column struct {
	title string
	size  int
	num   bool
}

// table prints a table with its header on top and again at the top of
// each page it continues on, and a bold totals line when total is set.
// Each cell is one line: longer texts are shortened with an ellipsis.
func (r *report) table(cols []column, rows [][]string, total []string) {
	header := r.tableRow(cols, headerCells(cols), true)
	r.m.AddRows(header)
	if len(rows) == 0 {
		r.m.AddRows(text.NewRow(rowH, r.t("rpt.none"), props.Text{Top: 1, Style: fontstyle.Normal}))
		return
	}
	for _, cells := range rows {
		if !r.m.FitlnCurrentPage(rowH) {
			// NB: the header row has the data rows' height, so it does
			// not fit either: maroto opens the next page with it.
			r.m.AddRows(r.tableRow(cols, headerCells(cols), true))
		}
		r.m.AddRows(r.tableRow(cols, cells, false))
	}
	if total != nil {
		r.m.AddRows(r.tableRow(cols, total, true))
	}
}

func headerCells(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.title
	}
	return out
}

// tableRow is one fixed-height line of a table; bold lines (header,
// totals) are printed white on the brand colour.
func (r *report) tableRow(cols []column, cells []string, bold bool) core.Row {
	white := props.Color{Red: 255, Green: 255, Blue: 255}
	out := make([]core.Col, len(cols))
	for i, c := range cols {
		p := props.Text{Top: 1.3, Left: 1, Right: 1, Size: 7.5}
		if c.num {
			p.Align = align.Right
		}
		if bold {
			p.Style, p.Color = fontstyle.Bold, &white
		}
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		out[i] = col.New(c.size).Add(text.New(clip(clean(v), c.size*9/2), p))
	}
	rw := row.New(rowH).Add(out...)
	if bold {
		rw.WithStyle(&props.Cell{BackgroundColor: &r.brand})
	} else {
		rw.WithStyle(&props.Cell{BorderType: border.Bottom, BorderColor: &props.Color{Red: 210, Green: 210, Blue: 210}, BorderThickness: 0.1})
	}
	return rw
}

// photos prints thumbnails three by row with their time, author and
// caption.
func (r *report) photos(list []domain.ReportPhoto) {
	if len(list) == 0 {
		r.line(r.t("rpt.photos_none"))
		return
	}
	for i := 0; i < len(list); i += 3 {
		var cells []core.Col
		for j := i; j < i+3; j++ {
			if j >= len(list) {
				cells = append(cells, col.New(8))
				continue
			}
			p := list[j]
			label := i18n.FormatDateTime(r.ctx, p.TakenAt)
			if p.Author != "" {
				label += " · " + p.Author
			}
			if p.Caption != "" {
				label += " · " + p.Caption
			}
			// NB: the thumbnail and its caption share one cell, so that a
			// page break never parts them.
			c := col.New(8)
			if len(p.Thumb) > 0 {
				c.Add(image.NewFromBytes(p.Thumb, extension.Jpg, props.Rect{Center: true, Percent: 84}))
			} else {
				c.Add(text.New(r.t("rpt.photo_unreadable"), props.Text{Top: 20, Align: align.Center}))
			}
			c.Add(text.New(clip(clean(label), 70), props.Text{Size: 6.5, Align: align.Center, Top: 46}))
			cells = append(cells, c)
		}
		r.m.AddRows(row.New(52).Add(cells...))
	}
}

// bytes writes the document.
func (r *report) bytes() ([]byte, error) {
	doc, err := r.m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// clean makes text printable with the embedded Go fonts: the narrow
// no-break space of French numbers becomes a no-break space (the fonts
// have no glyph for it), line breaks become spaces.
func clean(s string) string {
	return strings.NewReplacer("\u202f", "\u00a0", "\r", "", "\n", " ", "\t", " ").Replace(s)
}

// clip shortens s to n characters with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}

// civilDate formats a civil date stored at midnight UTC (task dates)
// in the reader's locale, whatever the display zone.
func civilDate(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	u := t.UTC()
	return i18n.FormatDate(ctx, time.Date(u.Year(), u.Month(), u.Day(), 12, 0, 0, 0, i18n.Location(ctx)))
}

// clock formats a time of day in the display zone, "—" when zero.
func clock(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(i18n.Location(ctx)).Format("15:04")
}

// percent formats a percentage in the locale (fr: 42 %, en: 42%).
func percent(ctx context.Context, p float64) string {
	n := i18n.FormatNumber(ctx, p, 0)
	if i18n.Lang(ctx) == i18n.FR {
		return n + "\u00a0%"
	}
	return n + "%"
}
