package pdf

import (
	"bytes"
	"context"
	"strings"

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

	"github.com/fieldops360/fieldops/domain/facturx"
	"github.com/fieldops360/fieldops/views/i18n"
)

// InvoiceOptions are the presentation and the French legal mentions of an
// invoice PDF that the e-invoice does not carry.
type InvoiceOptions struct {
	BrandColor string // "#RRGGBB", else the default blue
	Logo       []byte // PNG or JPEG, optional
	// Draft prints a "BROUILLON"/"DRAFT" banner on every page. A draft's
	// PDF carries its factur-x.xml only when the invoice is complete
	// enough for the XML (facturx.XML); an issued one always does.
	Draft bool
	// LegalForm ("SARL", "SAS"...) and ShareCapitalCents are printed with
	// the seller's RCS registration (article R123-237 of the Code de
	// commerce); zero values are left out.
	LegalForm         string
	ShareCapitalCents int64
	// RetentionPercent labels the guarantee retention ("Retenue de
	// garantie 5 %"); 0 prints the label without a rate.
	RetentionPercent float64
	// Consumer leaves out the professional-only mentions (the 40 € fixed
	// recovery indemnity).
	Consumer bool
}

// invoice is an invoice PDF being written.
type invoice struct {
	ctx   context.Context
	m     core.Maroto
	brand props.Color
	inv   facturx.Invoice
	tot   facturx.Totals
	opt   InvoiceOptions
}

// Invoice renders inv as an A4 PDF in the reader's locale (ctx): seller
// and buyer with their SIRET and VAT numbers, number, dates, period and
// contract, the lines with their header repeated on each page (a
// progress line's description under its designation), allowances and
// charges, the VAT per rate, the totals down to the net to pay after
// prepaid amounts and the guarantee retention, the reverse-charge
// mention, payment terms with the IBAN, the legal mentions and "Page X /
// Y". The figures are facturx.Compute's, so the PDF and the XML agree.
// The result is a Factur-X PDF/A-3 (facturx.Embed) carrying the
// invoice's XML as factur-x.xml; see InvoiceOptions.Draft for drafts.
func Invoice(ctx context.Context, inv facturx.Invoice, opt InvoiceOptions) ([]byte, error) {
	ctx, span := startSpan(ctx, "pdf.invoice")
	defer span.End()
	tot, err := facturx.Compute(inv)
	if err != nil {
		return nil, err
	}
	xml, xmlErr := facturx.XML(inv)
	if xmlErr != nil && !opt.Draft {
		return nil, xmlErr
	}
	r, err := newInvoice(ctx, inv, tot, opt)
	if err != nil {
		return nil, err
	}
	r.heading()
	r.parties()
	r.references()
	r.lines()
	r.allowances()
	r.vat()
	r.totals()
	r.payment()
	doc, err := r.m.Generate()
	if err != nil {
		return nil, err
	}
	if xmlErr != nil {
		return doc.GetBytes(), nil // an incomplete draft: no e-invoice
	}
	return facturx.Embed(doc.GetBytes(), xml, inv)
}

// newInvoice starts the document: fonts, margins, page numbers and, for
// a draft, the banner on every page.
func newInvoice(ctx context.Context, inv facturx.Invoice, tot facturx.Totals, opt InvoiceOptions) (*invoice, error) {
	fonts, err := repository.New().
		AddUTF8FontFromBytes(family, fontstyle.Normal, bytes.Clone(goregular.TTF)).
		AddUTF8FontFromBytes(family, fontstyle.Bold, bytes.Clone(gobold.TTF)).
		Load()
	if err != nil {
		return nil, err
	}
	r := &invoice{ctx: ctx, brand: brandColor(opt.BrandColor), inv: inv, tot: tot, opt: opt}
	pattern := r.t("rpt.page", "{current}", "{total}")
	cfg := config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: family, Size: 8}).
		WithTitle(r.title(), true).WithAuthor(inv.Seller.Name, true).WithCreator("FieldOps360", true).WithCreationDate(inv.IssueDate).
		WithPageNumber(props.PageNumber{Pattern: pattern, Place: props.RightBottom, Family: family, Size: 8}).
		WithMaxGridSize(grid).WithLeftMargin(12).WithRightMargin(12).WithTopMargin(10).WithBottomMargin(12).Build()
	r.m = maroto.New(cfg)
	if opt.Draft {
		red := props.Color{Red: 200, Green: 30, Blue: 30}
		err := r.m.RegisterHeader(text.NewRow(9, r.t("invoice.pdf.draft"),
			props.Text{Size: 13, Style: fontstyle.Bold, Align: align.Center, Color: &red, Top: 1}))
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// t translates a catalogue key.
func (r *invoice) t(key string, args ...any) string { return i18n.T(r.ctx, key, args...) }

// title is "Facture FA-2026-0042" or "Avoir AV-…", in the locale.
func (r *invoice) title() string {
	if r.inv.TypeCode == facturx.TypeCreditNote {
		return r.t("invoice.pdf.title_credit_note", r.inv.Number)
	}
	return r.t("invoice.pdf.title_invoice", r.inv.Number)
}

// money formats cents in the invoice's currency and the locale.
func (r *invoice) money(cents int64) string {
	if r.inv.Currency == "EUR" {
		return i18n.FormatEUR(r.ctx, float64(cents)/100)
	}
	return i18n.FormatNumber(r.ctx, float64(cents)/100, 2) + "\u00a0" + r.inv.Currency
}

// rate formats a VAT rate: "20 %", "5,5 %" (fr), "5.5%" (en).
func (r *invoice) rate(p float64) string {
	n := i18n.FormatQty(r.ctx, p)
	if i18n.Lang(r.ctx) == i18n.FR {
		return n + "\u00a0%"
	}
	return n + "%"
}

// heading prints the logo, the seller's name and the document title.
func (r *invoice) heading() {
	var head []core.Col
	nameSize := 14
	if len(r.opt.Logo) > 0 {
		ext := extension.Jpg
		if bytes.HasPrefix(r.opt.Logo, []byte("\x89PNG")) {
			ext = extension.Png
		}
		head = append(head, image.NewFromBytesCol(4, r.opt.Logo, ext, props.Rect{Percent: 90}))
		nameSize = 10
	}
	head = append(head,
		text.NewCol(nameSize, clean(r.inv.Seller.Name), props.Text{Size: 14, Style: fontstyle.Bold, Color: &r.brand}),
		text.NewCol(grid-len(head)*4-nameSize, clean(r.title()), props.Text{Size: 13, Style: fontstyle.Bold, Align: align.Right}))
	r.m.AddRows(row.New(14).Add(head...))
}

// parties prints the seller's and the buyer's blocks side by side.
func (r *invoice) parties() {
	block := func(label string, p facturx.Party) []string {
		lines := []string{label, p.Name, p.AddressLine, strings.TrimSpace(p.PostCode + " " + p.City)}
		if p.SIRET != "" {
			lines = append(lines, r.t("invoice.pdf.siret", p.SIRET))
		} else if p.SIREN != "" {
			lines = append(lines, r.t("invoice.pdf.siren", p.SIREN))
		}
		if p.VATNumber != "" {
			lines = append(lines, r.t("invoice.pdf.vat_number", p.VATNumber))
		}
		if p.Email != "" {
			lines = append(lines, p.Email)
		}
		return lines
	}
	seller, buyer := block(r.t("invoice.pdf.seller"), r.inv.Seller), block(r.t("invoice.pdf.buyer"), r.inv.Buyer)
	for i := 0; i < max(len(seller), len(buyer)); i++ {
		cell := func(lines []string) core.Col {
			if i >= len(lines) {
				return col.New(grid / 2)
			}
			p := props.Text{Size: 8}
			if i <= 1 {
				p.Style = fontstyle.Bold
			}
			if i == 0 {
				p.Color = &r.brand
			}
			return text.NewCol(grid/2, clip(clean(lines[i]), 70), p)
		}
		r.m.AddRows(row.New(4).Add(cell(seller), cell(buyer)))
	}
}

// references prints the number, dates, period, contract and the invoice a
// credit note corrects.
func (r *invoice) references() {
	inv := r.inv
	fields := [][2]string{{r.t("invoice.pdf.number"), inv.Number}, {r.t("invoice.pdf.issue_date"), civilDate(r.ctx, inv.IssueDate)}}
	if !inv.DueDate.IsZero() {
		fields = append(fields, [2]string{r.t("invoice.pdf.due_date"), civilDate(r.ctx, inv.DueDate)})
	}
	if !inv.PeriodStart.IsZero() || !inv.PeriodEnd.IsZero() {
		fields = append(fields, [2]string{r.t("invoice.pdf.period"), r.t("invoice.pdf.period_value", civilDate(r.ctx, inv.PeriodStart), civilDate(r.ctx, inv.PeriodEnd))})
	}
	if inv.OrderReference != "" {
		fields = append(fields, [2]string{r.t("invoice.pdf.contract"), inv.OrderReference})
	}
	if inv.BuyerReference != "" {
		fields = append(fields, [2]string{r.t("invoice.pdf.buyer_reference"), inv.BuyerReference})
	}
	if inv.PrecedingInvoice != "" {
		fields = append(fields, [2]string{r.t("invoice.pdf.corrects"), strings.TrimSpace(inv.PrecedingInvoice + " " + dateOrEmpty(r, inv))})
	}
	r.m.AddRows(row.New(3))
	for _, f := range fields {
		r.m.AddRows(row.New(4.5).Add(
			text.NewCol(5, clean(f[0]), props.Text{Style: fontstyle.Bold}),
			text.NewCol(grid-5, clip(clean(f[1]), 110))))
	}
	for _, n := range inv.Notes {
		r.m.AddRows(text.NewAutoRow(clean(n.Text), props.Text{Top: 1, Size: 8}))
	}
}

func dateOrEmpty(r *invoice, inv facturx.Invoice) string {
	if inv.PrecedingInvoiceDate.IsZero() {
		return ""
	}
	return r.t("invoice.pdf.of_date", civilDate(r.ctx, inv.PrecedingInvoiceDate))
}

// lineCols are the columns of the lines table.
func (r *invoice) lineCols() []column {
	return []column{{r.t("invoice.pdf.col_item"), 11, false}, {r.t("invoice.pdf.col_qty"), 2, true}, {r.t("invoice.pdf.col_unit"), 2, false},
		{r.t("invoice.pdf.col_price"), 3, true}, {r.t("invoice.pdf.col_amount"), 4, true}, {r.t("invoice.pdf.col_vat"), 2, true}}
}

// lines prints the lines table, its header repeated on every page it
// runs onto; a line's description is printed under its designation and
// never parted from it.
func (r *invoice) lines() {
	cols := r.lineCols()
	rp := &report{ctx: r.ctx, m: r.m, brand: r.brand}
	r.m.AddRows(row.New(3), r.header(cols, rowH))
	grey := props.Color{Red: 90, Green: 90, Blue: 90}
	for _, l := range r.inv.Lines {
		h := rowH
		if l.Description != "" {
			h += 4
		}
		if !r.m.FitlnCurrentPage(h) {
			// NB: a header as tall as the line does not fit either, so
			// maroto opens the next page with it.
			r.m.AddRows(r.header(cols, h))
		}
		vat := r.vatLabel(l.VAT.Category, l.VAT.RatePercent)
		cells := []string{l.Name, i18n.FormatQty(r.ctx, l.Quantity), r.unit(l.UnitCode), r.money(l.UnitPriceCents), r.money(l.NetCents), vat}
		if l.Description == "" {
			r.m.AddRows(rp.tableRow(cols, cells, false))
			continue
		}
		first := rp.tableRow(cols, cells, false)
		first.WithStyle(&props.Cell{})
		desc := row.New(4).Add(text.NewCol(grid, clip(clean(l.Description), 150), props.Text{Size: 6.5, Left: 3, Color: &grey}))
		desc.WithStyle(&props.Cell{BorderType: border.Bottom, BorderColor: &props.Color{Red: 210, Green: 210, Blue: 210}, BorderThickness: 0.1})
		r.m.AddRows(first, desc)
	}
}

// header is the lines table's header, h millimetres tall.
func (r *invoice) header(cols []column, h float64) core.Row {
	white := props.Color{Red: 255, Green: 255, Blue: 255}
	out := make([]core.Col, len(cols))
	for i, c := range cols {
		p := props.Text{Top: 1.3, Left: 1, Right: 1, Size: 7.5, Style: fontstyle.Bold, Color: &white}
		if c.num {
			p.Align = align.Right
		}
		out[i] = col.New(c.size).Add(text.New(clean(c.title), p))
	}
	return row.New(h).Add(out...).WithStyle(&props.Cell{BackgroundColor: &r.brand})
}

// unit is the printed unit of a UN/ECE Rec 20 code.
func (r *invoice) unit(code string) string {
	switch code {
	case "C62", "HUR", "MTK", "MTR", "MTQ", "KGM", "TNE", "DAY", "LS":
		return r.t("invoice.pdf.unit_" + strings.ToLower(code))
	}
	return code
}
