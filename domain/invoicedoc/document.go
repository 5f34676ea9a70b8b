// Package invoicedoc turns invoice records (package domain) into the
// e-invoice document of package facturx and writes its files: the one
// place where the two meet (facturx knows nothing of records, and domain
// may not import facturx, which uses domain's errors).
package invoicedoc

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
)

// The one place where invoice records become the e-invoice document
// (domain/facturx): the PDF and the Factur-X XML show what is built here.

// DraftNumber stands for the number of an invoice not issued yet.
const DraftNumber = "PROVISOIRE"

// ReverseChargeMention is the legal mention of a reverse-charged invoice
// (subcontracting in construction, CGI art. 283-2 nonies).
const ReverseChargeMention = "Autoliquidation : TVA due par le preneur (article 283-2 nonies du CGI)"

// unitCodes maps the units typed on contract lines to UN/ECE Rec 20.
var unitCodes = map[string]string{
	"h": "HUR", "heure": "HUR", "hr": "HUR", "m2": "MTK", "m²": "MTK", "ml": "MTR", "m": "MTR",
	"m3": "MTQ", "m³": "MTQ", "kg": "KGM", "t": "TNE", "j": "DAY", "jour": "DAY", "ft": "LS",
	"forfait": "LS", "ens": "LS", "u": "C62", "": "C62",
}

// UnitCode returns the UN/ECE code of a typed unit ("C62" when unknown).
func UnitCode(unit string) string {
	if c, ok := unitCodes[strings.ToLower(strings.TrimSpace(unit))]; ok {
		return c
	}
	return "C62"
}

func party(name, siret, siren, vat, address, postcode, city string) facturx.Party {
	if siren == "" && len(siret) == 14 {
		siren = siret[:9]
	}
	return facturx.Party{Name: name, SIRET: siret, SIREN: siren, VATNumber: vat, AddressLine: address,
		PostCode: postcode, City: city, CountryCode: "FR"}
}

// InvoiceDocument builds the e-invoice document of inv from its records:
// the company as seller, the site's client as buyer, the lines, the
// down-payment deduction per VAT rate, the legal notes (payment terms,
// late-payment penalties, fixed recovery indemnity, retention, reverse
// charge, RCS and capital).
func InvoiceDocument(app core.App, inv domain.Invoice) (facturx.Invoice, error) {
	co, err := domain.FindCompany(app)
	if err != nil {
		return facturx.Invoice{}, err
	}
	cl, err := domain.FindClient(app, inv.ClientID())
	if err != nil {
		return facturx.Invoice{}, domain.Errorf(domain.EInvalid, "err.invoice.site_without_client")
	}
	lines, err := domain.FindInvoiceLines(app, inv.Id)
	if err != nil {
		return facturx.Invoice{}, err
	}
	t, err := inv.Totals(app)
	if err != nil {
		return facturx.Invoice{}, err
	}
	d := facturx.Invoice{
		Number: inv.Number(), TypeCode: facturx.TypeInvoice, IssueDate: inv.IssueDate(), DueDate: inv.DueDate(),
		Currency: "EUR", PeriodStart: inv.PeriodStart(), PeriodEnd: inv.PeriodEnd(),
		IBAN: co.Iban(), BIC: co.Bic(), RetentionCents: t.RetentionCents,
		Seller: party(co.Name(), co.SIRET(), co.Siren(), co.VATNumber(), co.Address(), co.Postcode(), co.City()),
		Buyer:  party(cl.Name(), cl.SIRET(), "", cl.VATNumber(), cl.Address(), cl.Postcode(), cl.City()),
	}
	d.Seller.RCS = co.Rcs()
	if d.Number == "" {
		d.Number = DraftNumber
	}
	if d.IssueDate.IsZero() {
		// a draft: dated today until it is issued
		d.IssueDate = domain.TenantFactsOf(app).Today(time.Now())
	}
	if s, err := domain.FindSite(app, inv.SiteID()); err == nil {
		d.OrderReference = s.GetString("code")
		d.BuyerReference = s.GetString("name")
	}
	if inv.Kind() == domain.InvoiceCreditNote {
		d.TypeCode = facturx.TypeCreditNote
		if orig, err := domain.FindInvoice(app, inv.CreditOfID()); err == nil {
			d.PrecedingInvoice, d.PrecedingInvoiceDate = orig.Number(), orig.IssueDate()
		}
	}
	vat := func(rate float64) facturx.VAT {
		if inv.ReverseCharge() {
			return facturx.VAT{Category: facturx.VATReverseCharge, ExemptionReason: ReverseChargeMention, ExemptionCode: "VATEX-EU-AE"}
		}
		return facturx.VAT{Category: facturx.VATStandard, RatePercent: rate}
	}
	for _, l := range lines {
		fl := facturx.Line{ID: fmt.Sprint(l.Position()), Name: l.Designation(), Description: l.Description(),
			Quantity: l.Quantity(), UnitCode: UnitCode(l.Unit()), UnitPriceCents: int64(l.UnitPriceCents()),
			NetCents: int64(l.NetCents()), VAT: vat(l.VATRate())}
		if l.Kind() == "progress" || l.Kind() == "credit" || l.Kind() == "retention_release" {
			// the amount billed is a share of the line: 1 × the net (a
			// negative net as −1 × its absolute value, BR-27)
			fl.Quantity, fl.UnitCode, fl.UnitPriceCents = 1, "C62", fl.NetCents
			if fl.NetCents < 0 {
				fl.Quantity, fl.UnitPriceCents = -1, -fl.NetCents
			}
		}
		d.Lines = append(d.Lines, fl)
	}
	for _, s := range t.ByRate {
		if s.DeductionCents != 0 {
			d.AllowancesCharges = append(d.AllowancesCharges, facturx.AllowanceCharge{
				Reason: "Remboursement d'acompte", AmountCents: s.DeductionCents, VAT: vat(s.Rate)})
		}
	}
	d.PaymentTerms = paymentTerms(co, t)
	d.Notes = invoiceNotes(co, inv, t)
	return d, nil
}

func paymentTerms(co domain.Company, t domain.InvoiceTotals) string {
	days := co.PaymentTermsDays()
	if days <= 0 {
		days = 30
	}
	s := fmt.Sprintf("Paiement à %d jours par virement", days)
	if t.RetentionCents > 0 {
		s += fmt.Sprintf(" ; net à payer %s après retenue de garantie de %s", domain.FormatCents(t.NetToPayCents), domain.FormatCents(t.RetentionCents))
	}
	return s
}

// invoiceNotes are the notes facturx.LegalNotes does not write: the legal
// form and capital with the RCS (REG), the reverse-charge mention, the
// invoice's own note. Late-payment penalties, the recovery indemnity and
// the retention note come from facturx.LegalNotes.
func invoiceNotes(co domain.Company, inv domain.Invoice, _ domain.InvoiceTotals) []facturx.Note {
	var notes []facturx.Note
	reg := strings.TrimSpace(co.LegalForm())
	if co.ShareCapital() > 0 {
		reg = strings.TrimSpace(fmt.Sprintf("%s au capital de %s", reg, domain.FormatCents(domain.RoundCents(co.ShareCapital()*100))))
	}
	if co.Rcs() != "" {
		reg = strings.Trim(reg+" — "+co.Rcs(), " —")
	}
	if reg != "" {
		notes = append(notes, facturx.Note{Subject: "REG", Text: reg})
	}
	if inv.ReverseCharge() {
		notes = append(notes, facturx.Note{Text: ReverseChargeMention})
	}
	if inv.Notes() != "" {
		notes = append(notes, facturx.Note{Text: inv.Notes()})
	}
	return notes
}
