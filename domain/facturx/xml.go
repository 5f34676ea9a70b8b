package facturx

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// Guideline is the specification identifier (BT-24) of the EN 16931
// profile of Factur-X, carried by GuidelineSpecifiedDocumentContextParameter.
const Guideline = "urn:cen.eu:en16931:2017"

// PaymentMeansSEPA is the payment means code (UNTDID 4461) of a SEPA
// credit transfer, the one the product offers.
const PaymentMeansSEPA = "58"

// Legal registration schemes (ISO 6523 ICD) of French companies.
const (
	SchemeSIRET = "0009"
	SchemeSIREN = "0002"
)

// XML returns the Cross Industry Invoice (UN/CEFACT D16B) of inv in the
// EN 16931 profile of Factur-X: the same bytes for the same invoice. It
// computes the totals with Compute and also refuses, with an EInvalid
// error, what EN 16931 requires and inv lacks: number, issue date, seller
// and buyer names and country codes, the seller's VAT number or legal
// registration (BR-CO-26), both VAT numbers under reverse charge (BR-AE-02),
// a line number, item name and unit code on every line (BR-21, BR-25,
// BR-23), a reason for each allowance and charge (BR-33, BR-38), a due date or
// payment terms when an amount is due (BR-CO-25), the corrected invoice of
// a credit note and an invoicing period that ends before it starts.
//
// The seller's SIREN is its legal registration (BT-30, scheme 0002, taken
// from the SIRET when not given) and its SIRET its identifier (BT-29,
// scheme 0009); the buyer's likewise (BT-46, BT-47). Notes are inv.Notes
// followed by LegalNotes. Payment means are a SEPA transfer (58) to
// inv.IBAN when it is set. The delivery date (BT-72) is the end of the
// invoicing period, else the issue date.
func XML(inv Invoice) ([]byte, error) {
	t, err := Compute(inv)
	if err != nil {
		return nil, err
	}
	if err := checkDocument(inv, t); err != nil {
		return nil, err
	}
	w := &writer{}
	w.buf.WriteString(xml.Header)
	w.open("rsm:CrossIndustryInvoice", `xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"`)
	w.open("rsm:ExchangedDocumentContext", "")
	w.open("ram:GuidelineSpecifiedDocumentContextParameter", "")
	w.leaf("ram:ID", "", Guideline)
	w.close()
	w.close()

	w.open("rsm:ExchangedDocument", "")
	w.leaf("ram:ID", "", inv.Number)
	w.leaf("ram:TypeCode", "", inv.TypeCode)
	w.date("ram:IssueDateTime", "udt", inv.IssueDate)
	for _, n := range append(append([]Note{}, inv.Notes...), LegalNotes(inv, t)...) {
		w.open("ram:IncludedNote", "")
		w.leaf("ram:Content", "", n.Text)
		if n.Subject != "" {
			w.leaf("ram:SubjectCode", "", n.Subject)
		}
		w.close()
	}
	w.close()

	w.open("rsm:SupplyChainTradeTransaction", "")
	for _, l := range inv.Lines {
		w.line(l, inv.Currency)
	}
	w.open("ram:ApplicableHeaderTradeAgreement", "")
	if inv.BuyerReference != "" {
		w.leaf("ram:BuyerReference", "", inv.BuyerReference)
	}
	w.party("ram:SellerTradeParty", inv.Seller)
	w.party("ram:BuyerTradeParty", inv.Buyer)
	if inv.OrderReference != "" {
		w.open("ram:BuyerOrderReferencedDocument", "")
		w.leaf("ram:IssuerAssignedID", "", inv.OrderReference)
		w.close()
	}
	w.close()
	w.open("ram:ApplicableHeaderTradeDelivery", "")
	w.open("ram:ActualDeliverySupplyChainEvent", "")
	w.date("ram:OccurrenceDateTime", "udt", deliveryDate(inv))
	w.close()
	w.close()
	w.settlement(inv, t)
	w.close()
	w.close()
	return w.buf.Bytes(), nil
}

// checkDocument checks what EN 16931 requires beyond the amounts.
func checkDocument(inv Invoice, t Totals) error {
	missing := func(what string) error {
		return domain.Errorf(domain.EInvalid, "invoice.pdf.err.missing", what)
	}
	switch {
	case strings.TrimSpace(inv.Number) == "":
		return missing("BT-1")
	case inv.IssueDate.IsZero():
		return missing("BT-2")
	case strings.TrimSpace(inv.Seller.Name) == "":
		return missing("BT-27")
	case strings.TrimSpace(inv.Buyer.Name) == "":
		return missing("BT-44")
	case len(inv.Seller.CountryCode) != 2:
		return missing("BT-40")
	case len(inv.Buyer.CountryCode) != 2:
		return missing("BT-55")
	case inv.Seller.VATNumber == "" && siren(inv.Seller) == "":
		return missing("BT-30/BT-31")
	case t.DueCents > 0 && inv.DueDate.IsZero() && strings.TrimSpace(inv.PaymentTerms) == "":
		return missing("BT-9/BT-20")
	case inv.TypeCode == TypeCreditNote && strings.TrimSpace(inv.PrecedingInvoice) == "":
		return missing("BT-25")
	case !inv.PeriodStart.IsZero() && !inv.PeriodEnd.IsZero() && inv.PeriodEnd.Before(inv.PeriodStart):
		return domain.Errorf(domain.EInvalid, "invoice.pdf.err.period_reversed")
	}
	for _, b := range t.Breakdown {
		if b.Category == VATReverseCharge && (inv.Seller.VATNumber == "" || inv.Buyer.VATNumber == "") {
			return missing("BT-31/BT-48")
		}
	}
	for _, l := range inv.Lines {
		switch {
		case strings.TrimSpace(l.ID) == "":
			return missing("BT-126")
		case strings.TrimSpace(l.Name) == "":
			return missing("BT-153")
		case strings.TrimSpace(l.UnitCode) == "":
			return missing("BT-130")
		}
	}
	for _, ac := range inv.AllowancesCharges {
		if strings.TrimSpace(ac.Reason) == "" {
			return missing("BT-97/BT-104")
		}
	}
	return nil
}

// LegalNotes are the notes the XML adds after inv.Notes, each only when
// inv.Notes has none of its subject: the late payment penalties (PMD), the
// fixed recovery indemnity of 40 € (PMT, articles L441-10 and D441-5 of
// the Code de commerce), no discount for early payment (AAB), the seller's
// RCS registration (REG) and the guarantee retention (a general note),
// in French. The PDF prints its own, translated, mentions.
func LegalNotes(inv Invoice, t Totals) []Note {
	has := map[string]bool{}
	for _, n := range inv.Notes {
		has[n.Subject] = true
	}
	var out []Note
	add := func(subject, text string) {
		if !has[subject] || subject == "" {
			out = append(out, Note{Subject: subject, Text: text})
		}
	}
	add("PMD", "En cas de retard de paiement, pénalités au taux d'intérêt appliqué par la BCE à son opération de refinancement la plus récente majoré de 10 points (article L441-10 du Code de commerce).")
	add("PMT", "Indemnité forfaitaire pour frais de recouvrement due au créancier en cas de retard de paiement : 40 € (articles L441-10 et D441-5 du Code de commerce).")
	add("AAB", "Pas d'escompte pour paiement anticipé.")
	if inv.Seller.RCS != "" {
		add("REG", inv.Seller.RCS)
	}
	if t.RetentionCents > 0 {
		add("", "Retenue de garantie de "+Amount(t.RetentionCents)+" "+inv.Currency+" (loi n° 71-584 du 16 juillet 1971) : net à payer "+Amount(t.NetToPayCents)+" "+inv.Currency+".")
	}
	return out
}

// deliveryDate is the actual delivery date (BT-72), the date of the
// works that French invoices state: the end of the invoicing period, else
// the issue date.
func deliveryDate(inv Invoice) time.Time {
	if !inv.PeriodEnd.IsZero() {
		return inv.PeriodEnd
	}
	return inv.IssueDate
}

// siren is the party's SIREN, or the first nine digits of its SIRET.
func siren(p Party) string {
	if p.SIREN != "" {
		return p.SIREN
	}
	if len(p.SIRET) == 14 {
		return p.SIRET[:9]
	}
	return ""
}

// Amount formats cents as a decimal with two digits: 123456 → "1234.56",
// -5 → "-0.05".
func Amount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return sign + strconv.FormatInt(cents/100, 10) + "." + strconv.FormatInt(cents%100/10, 10) + strconv.FormatInt(cents%10, 10)
}

// decimal formats a quantity or a rate with at most four decimals.
func decimal(v float64) string {
	s := strconv.FormatFloat(v, 'f', 4, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// writer writes indented XML.
type writer struct {
	buf   bytes.Buffer
	stack []string
}

func (w *writer) indent() { w.buf.WriteString(strings.Repeat("  ", len(w.stack))) }

func (w *writer) open(name, attrs string) {
	w.indent()
	w.buf.WriteString("<" + name)
	if attrs != "" {
		w.buf.WriteString(" " + attrs)
	}
	w.buf.WriteString(">\n")
	w.stack = append(w.stack, name)
}

func (w *writer) close() {
	name := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.indent()
	w.buf.WriteString("</" + name + ">\n")
}

// leaf writes <name attrs>text</name>; attrs are written as given.
func (w *writer) leaf(name, attrs, text string) {
	w.indent()
	w.buf.WriteString("<" + name)
	if attrs != "" {
		w.buf.WriteString(" " + attrs)
	}
	w.buf.WriteString(">")
	_ = xml.EscapeText(&w.buf, []byte(text))
	w.buf.WriteString("</" + name + ">\n")
}

// attr returns name="value" with value escaped.
func attr(name, value string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(value))
	return name + `="` + b.String() + `"`
}

// date writes a date element with its DateTimeString of format 102
// (YYYYMMDD) in the given namespace (udt, or qdt in referenced documents).
func (w *writer) date(name, ns string, d time.Time) {
	w.open(name, "")
	w.leaf(ns+":DateTimeString", `format="102"`, d.Format("20060102"))
	w.close()
}
