package pdf

import (
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"github.com/fieldops360/fieldops/domain/facturx"
)

// allowances prints the document's allowances (down-payment repayments)
// and charges with their VAT rate.
func (r *invoice) allowances() {
	if len(r.inv.AllowancesCharges) == 0 {
		return
	}
	r.section(r.t("invoice.pdf.allowances"))
	for _, ac := range r.inv.AllowancesCharges {
		amount := -ac.AmountCents
		if ac.Charge {
			amount = ac.AmountCents
		}
		r.m.AddRows(row.New(5).Add(
			text.NewCol(16, clip(clean(ac.Reason), 90)),
			text.NewCol(2, r.vatLabel(ac.VAT.Category, ac.VAT.RatePercent), props.Text{Align: align.Right}),
			text.NewCol(6, clean(r.money(amount)), props.Text{Align: align.Right})))
	}
}

// vatLabel is the rate, or "Autoliq." under reverse charge.
func (r *invoice) vatLabel(category string, rate float64) string {
	if category == facturx.VATReverseCharge {
		return r.t("invoice.pdf.reverse_short")
	}
	return r.rate(rate)
}

// section starts a titled part of the document.
func (r *invoice) section(title string) {
	r.m.AddRows(text.NewRow(8, clean(title), props.Text{Size: 10, Style: fontstyle.Bold, Top: 3, Color: &r.brand}))
}

// vat prints the VAT breakdown per category and rate, with the exemption
// reasons, and the reverse-charge mention when it applies.
func (r *invoice) vat() {
	cols := []column{{r.t("invoice.pdf.vat_rate"), 6, false}, {r.t("invoice.pdf.vat_base"), 6, true}, {r.t("invoice.pdf.vat_amount"), 6, true}}
	rp := &report{ctx: r.ctx, m: r.m, brand: r.brand}
	r.section(r.t("invoice.pdf.vat_heading"))
	r.m.AddRows(rp.tableRow(cols, headerCells(cols), true))
	reverse := false
	for _, b := range r.tot.Breakdown {
		label := r.vatLabel(b.Category, b.RatePercent)
		if b.Category == facturx.VATZero || b.Category == facturx.VATExempt {
			label = r.rate(0)
		}
		r.m.AddRows(rp.tableRow(cols, []string{label, r.money(b.BaseCents), r.money(b.VATCents)}, false))
		if b.ExemptionReason != "" && b.Category != facturx.VATReverseCharge {
			r.m.AddRows(text.NewAutoRow(clean(b.ExemptionReason), props.Text{Size: 7}))
		}
		reverse = reverse || b.Category == facturx.VATReverseCharge
	}
	if reverse {
		r.m.AddRows(text.NewAutoRow(r.t("invoice.pdf.reverse_charge"), props.Text{Size: 9, Style: fontstyle.Bold, Top: 2}))
	}
}

// totals prints the totals down to the net to pay, right-aligned.
func (r *invoice) totals() {
	t := r.tot
	lines := [][2]string{{r.t("invoice.pdf.total_lines"), r.money(t.LineNetCents)}}
	if t.AllowancesCents != 0 {
		lines = append(lines, [2]string{r.t("invoice.pdf.total_allowances"), r.money(-t.AllowancesCents)})
	}
	if t.ChargesCents != 0 {
		lines = append(lines, [2]string{r.t("invoice.pdf.total_charges"), r.money(t.ChargesCents)})
	}
	lines = append(lines,
		[2]string{r.t("invoice.pdf.total_net"), r.money(t.TaxBasisCents)},
		[2]string{r.t("invoice.pdf.total_vat"), r.money(t.VATCents)},
		[2]string{r.t("invoice.pdf.total_gross"), r.money(t.GrandTotalCents)})
	if t.PrepaidCents != 0 {
		lines = append(lines, [2]string{r.t("invoice.pdf.prepaid"), r.money(-t.PrepaidCents)},
			[2]string{r.t("invoice.pdf.due"), r.money(t.DueCents)})
	}
	if t.RetentionCents != 0 {
		label := r.t("invoice.pdf.retention")
		if r.opt.RetentionPercent > 0 {
			label = r.t("invoice.pdf.retention_rate", r.rate(r.opt.RetentionPercent))
		}
		lines = append(lines, [2]string{label, r.money(-t.RetentionCents)})
	}
	r.m.AddRows(row.New(3))
	for _, l := range lines {
		r.m.AddRows(row.New(5).Add(col.New(10), text.NewCol(8, clean(l[0])), text.NewCol(6, clean(l[1]), props.Text{Align: align.Right})))
	}
	white := props.Color{Red: 255, Green: 255, Blue: 255}
	bold := props.Text{Size: 10, Style: fontstyle.Bold, Color: &white, Top: 1.2, Left: 1, Right: 1}
	right := bold
	right.Align = align.Right
	net := row.New(7).Add(col.New(10), text.NewCol(8, r.t("invoice.pdf.net_to_pay"), bold), text.NewCol(6, clean(r.money(t.NetToPayCents)), right))
	net.WithStyle(&props.Cell{BackgroundColor: &r.brand})
	r.m.AddRows(net)
}

// payment prints the payment terms and bank details and the legal
// mentions, kept together on one page.
func (r *invoice) payment() {
	inv := r.inv
	var rows []core.Row
	add := func(s string, p props.Text) { rows = append(rows, text.NewAutoRow(clean(s), p)) }
	rows = append(rows, text.NewRow(8, r.t("invoice.pdf.payment"), props.Text{Size: 10, Style: fontstyle.Bold, Top: 3, Color: &r.brand}))
	if inv.PaymentTerms != "" {
		add(inv.PaymentTerms, props.Text{})
	}
	if !inv.DueDate.IsZero() {
		add(r.t("invoice.pdf.pay_by", civilDate(r.ctx, inv.DueDate)), props.Text{})
	}
	if inv.IBAN != "" {
		bank := r.t("invoice.pdf.iban", spaced(inv.IBAN))
		if inv.BIC != "" {
			bank += " · " + r.t("invoice.pdf.bic", inv.BIC)
		}
		add(bank, props.Text{Style: fontstyle.Bold})
	}
	add(r.t("invoice.pdf.reference", inv.Number), props.Text{})
	legal := r.t("invoice.pdf.late_penalties")
	if !r.opt.Consumer {
		legal += " " + r.t("invoice.pdf.recovery_indemnity")
	}
	add(legal+" "+r.t("invoice.pdf.no_discount"), props.Text{Size: 7, Top: 2})
	company := inv.Seller.Name
	if r.opt.LegalForm != "" {
		company += " · " + r.opt.LegalForm
	}
	if r.opt.ShareCapitalCents > 0 {
		company += " · " + r.t("invoice.pdf.share_capital", r.money(r.opt.ShareCapitalCents))
	}
	for _, s := range []string{inv.Seller.RCS, siretOf(r, inv.Seller), vatOf(r, inv.Seller)} {
		if s != "" {
			company += " · " + s
		}
	}
	add(company, props.Text{Size: 7, Top: 1})
	// keep the block on one page: about 4.2 mm a line of text, 14 mm for
	// the two paragraphs of mentions
	if need := 8 + 4.2*float64(len(rows)-3) + 14; !r.m.FitlnCurrentPage(need) {
		r.fillPage()
	}
	r.m.AddRows(rows...)
}

// fillPage fills the rest of the current page with an empty row, so that
// the next row starts a new page.
func (r *invoice) fillPage() {
	lo, hi := 0.0, 300.0 // mm: what still fits lies between
	for hi-lo > 0.05 {
		if mid := (lo + hi) / 2; r.m.FitlnCurrentPage(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo > 0 {
		r.m.AddRows(row.New(lo))
	}
}

func siretOf(r *invoice, p facturx.Party) string {
	if p.SIRET == "" {
		return ""
	}
	return r.t("invoice.pdf.siret", p.SIRET)
}

func vatOf(r *invoice, p facturx.Party) string {
	if p.VATNumber == "" {
		return ""
	}
	return r.t("invoice.pdf.vat_number", p.VATNumber)
}

// spaced writes an IBAN in groups of four characters.
func spaced(iban string) string {
	var out []byte
	for i := 0; i < len(iban); i++ {
		if i > 0 && i%4 == 0 {
			out = append(out, ' ')
		}
		out = append(out, iban[i])
	}
	return string(out)
}
