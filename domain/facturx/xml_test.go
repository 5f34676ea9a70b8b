package facturx_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// creditNote is a credit note (381) correcting the sample invoice.
func creditNote() facturx.Invoice {
	inv := facturx.Sample(2, false)
	inv.Number, inv.TypeCode = "AV-2026-0003", facturx.TypeCreditNote
	inv.PrecedingInvoice, inv.PrecedingInvoiceDate = "FA-2026-0042", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	inv.AllowancesCharges, inv.PrepaidCents, inv.RetentionCents = nil, 0, 0
	return inv
}

// TestXMLGolden compares the XML of a reverse-charge invoice and of a
// credit note with reviewed files, and checks the output is the same
// bytes on every call (go test -run TestXMLGolden -update rewrites them).
func TestXMLGolden(t *testing.T) {
	for name, inv := range map[string]facturx.Invoice{"reverse-charge": facturx.Sample(3, true), "credit-note": creditNote()} {
		got, err := facturx.XML(inv)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := facturx.XML(inv)
		if !bytes.Equal(got, again) {
			t.Fatalf("%s: two calls give different XML", name)
		}
		path := "testdata/" + name + ".xml"
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s:\n%s", name, path, got)
		}
	}
}

// cii is the part of the XML the tests read back.
type cii struct {
	Guideline string   `xml:"ExchangedDocumentContext>GuidelineSpecifiedDocumentContextParameter>ID"`
	Number    string   `xml:"ExchangedDocument>ID"`
	Type      string   `xml:"ExchangedDocument>TypeCode"`
	Subjects  []string `xml:"ExchangedDocument>IncludedNote>SubjectCode"`
	Tx        struct {
		Lines     []struct{ Net string } `xml:"IncludedSupplyChainTradeLineItem>SpecifiedLineTradeSettlement>SpecifiedTradeSettlementLineMonetarySummation>LineTotalAmount"`
		Agreement struct {
			Seller party `xml:"SellerTradeParty"`
			Buyer  party `xml:"BuyerTradeParty"`
		} `xml:"ApplicableHeaderTradeAgreement"`
		Settlement struct {
			Means struct {
				Code string `xml:"TypeCode"`
				IBAN string `xml:"PayeePartyCreditorFinancialAccount>IBANID"`
			} `xml:"SpecifiedTradeSettlementPaymentMeans"`
			Taxes []struct {
				Amount   string `xml:"CalculatedAmount"`
				Reason   string `xml:"ExemptionReason"`
				Category string `xml:"CategoryCode"`
				Code     string `xml:"ExemptionReasonCode"`
				Rate     string `xml:"RateApplicablePercent"`
			} `xml:"ApplicableTradeTax"`
			Start string `xml:"BillingSpecifiedPeriod>StartDateTime>DateTimeString"`
			End   string `xml:"BillingSpecifiedPeriod>EndDateTime>DateTimeString"`
			Due   string `xml:"SpecifiedTradePaymentTerms>DueDateDateTime>DateTimeString"`
			Sum   struct {
				Line      string `xml:"LineTotalAmount"`
				Allowance string `xml:"AllowanceTotalAmount"`
				Basis     string `xml:"TaxBasisTotalAmount"`
				Tax       string `xml:"TaxTotalAmount"`
				Grand     string `xml:"GrandTotalAmount"`
				Prepaid   string `xml:"TotalPrepaidAmount"`
				Due       string `xml:"DuePayableAmount"`
			} `xml:"SpecifiedTradeSettlementHeaderMonetarySummation"`
			Preceding string `xml:"InvoiceReferencedDocument>IssuerAssignedID"`
		} `xml:"ApplicableHeaderTradeSettlement"`
	} `xml:"SupplyChainTradeTransaction"`
}

type party struct {
	GlobalID struct {
		Scheme string `xml:"schemeID,attr"`
		ID     string `xml:",chardata"`
	}
	Legal struct {
		Scheme string `xml:"schemeID,attr"`
		ID     string `xml:",chardata"`
	} `xml:"SpecifiedLegalOrganization>ID"`
	VAT struct {
		Scheme string `xml:"schemeID,attr"`
		ID     string `xml:",chardata"`
	} `xml:"SpecifiedTaxRegistration>ID"`
}

// TestXMLContent reads the XML of the sample invoices back and checks
// the elements EN 16931 and the French rules ask for carry Compute's
// figures and the invoice's data.
func TestXMLContent(t *testing.T) {
	inv := facturx.Sample(40, false)
	b, err := facturx.XML(inv)
	if err != nil {
		t.Fatal(err)
	}
	var doc cii
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	tot, _ := facturx.Compute(inv)
	s := doc.Tx.Settlement
	if doc.Guideline != facturx.Guideline || doc.Number != "FA-2026-0042" || doc.Type != "380" || len(doc.Tx.Lines) != 40 {
		t.Errorf("header: %+v", doc)
	}
	if !strings.HasPrefix(string(b), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<rsm:CrossIndustryInvoice ") {
		t.Errorf("root: %.120s", b)
	}
	if got := strings.Join(doc.Subjects, ","); got != "PMD,PMT,AAB,REG" {
		t.Errorf("note subjects %s", got)
	}
	sel := doc.Tx.Agreement.Seller
	if sel.GlobalID.Scheme != "0009" || sel.GlobalID.ID != "12345678900017" || sel.Legal.Scheme != "0002" || sel.Legal.ID != "123456789" ||
		sel.VAT.Scheme != "VA" || sel.VAT.ID != "FR32123456789" || doc.Tx.Agreement.Buyer.VAT.ID != "FR45987654321" {
		t.Errorf("seller %+v buyer %+v", sel, doc.Tx.Agreement.Buyer)
	}
	if s.Means.Code != "58" || s.Means.IBAN != inv.IBAN || s.Due != "20261230" || s.Start != "20261101" || s.End != "20261130" {
		t.Errorf("payment and period: %+v", s)
	}
	want := []string{facturx.Amount(tot.LineNetCents), facturx.Amount(tot.AllowancesCents), facturx.Amount(tot.TaxBasisCents),
		facturx.Amount(tot.VATCents), facturx.Amount(tot.GrandTotalCents), facturx.Amount(tot.PrepaidCents), facturx.Amount(tot.DueCents)}
	if got := []string{s.Sum.Line, s.Sum.Allowance, s.Sum.Basis, s.Sum.Tax, s.Sum.Grand, s.Sum.Prepaid, s.Sum.Due}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("totals %v, want %v", got, want)
	}
	if len(s.Taxes) != 3 || s.Taxes[0].Rate != "20" || s.Taxes[2].Rate != "5.5" || s.Taxes[2].Amount != facturx.Amount(tot.Breakdown[2].VATCents) {
		t.Errorf("VAT breakdown %+v", s.Taxes)
	}

	b, _ = facturx.XML(facturx.Sample(3, true))
	doc = cii{}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if tx := doc.Tx.Settlement.Taxes; len(tx) != 1 || tx[0].Category != "AE" || tx[0].Code != "VATEX-EU-AE" || tx[0].Amount != "0.00" ||
		!strings.Contains(tx[0].Reason, "283-2 nonies") {
		t.Errorf("reverse charge %+v", tx)
	}
	b, _ = facturx.XML(creditNote())
	doc = cii{}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Type != "381" || doc.Tx.Settlement.Preceding != "FA-2026-0042" {
		t.Errorf("credit note %s refers to %q", doc.Type, doc.Tx.Settlement.Preceding)
	}
	// BR-27: a negative unit price is written positive, the quantity negated
	neg := facturx.Sample(2, false)
	neg.Lines[1].UnitPriceCents, neg.Lines[1].Quantity, neg.Lines[1].NetCents = -500, 2.5, -1250
	neg.RetentionCents, neg.PrepaidCents = 0, 0
	b, err = facturx.XML(neg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`<ram:ChargeAmount>5.00</ram:ChargeAmount>`)) || !bytes.Contains(b, []byte(`<ram:BilledQuantity unitCode="MTR">-2.5</ram:BilledQuantity>`)) ||
		!bytes.Contains(b, []byte(`<ram:LineTotalAmount>-12.50</ram:LineTotalAmount>`)) {
		t.Errorf("negative price line:\n%s", b)
	}
	for _, a := range []struct{ cents int64 }{{0}, {-5}, {123456}, {-100}} {
		if got := facturx.Amount(a.cents); got != map[int64]string{0: "0.00", -5: "-0.05", 123456: "1234.56", -100: "-1.00"}[a.cents] {
			t.Errorf("Amount(%d) = %s", a.cents, got)
		}
	}
}

// TestXMLRefuses checks that an invoice lacking what EN 16931 requires is
// refused before any XML is written.
func TestXMLRefuses(t *testing.T) {
	cases := []struct {
		name, key, arg string
		f              func(*facturx.Invoice)
	}{
		{"no number", "invoice.pdf.err.missing", "BT-1", func(i *facturx.Invoice) { i.Number = " " }},
		{"no issue date", "invoice.pdf.err.missing", "BT-2", func(i *facturx.Invoice) { i.IssueDate = time.Time{} }},
		{"no seller name", "invoice.pdf.err.missing", "BT-27", func(i *facturx.Invoice) { i.Seller.Name = "" }},
		{"no buyer name", "invoice.pdf.err.missing", "BT-44", func(i *facturx.Invoice) { i.Buyer.Name = "" }},
		{"no seller country", "invoice.pdf.err.missing", "BT-40", func(i *facturx.Invoice) { i.Seller.CountryCode = "" }},
		{"no buyer country", "invoice.pdf.err.missing", "BT-55", func(i *facturx.Invoice) { i.Buyer.CountryCode = "France" }},
		{"no seller registration", "invoice.pdf.err.missing", "BT-30/BT-31", func(i *facturx.Invoice) { i.Seller.VATNumber, i.Seller.SIRET = "", "" }},
		{"no due date nor terms", "invoice.pdf.err.missing", "BT-9/BT-20", func(i *facturx.Invoice) { i.DueDate, i.PaymentTerms = time.Time{}, "" }},
		{"reverse charge without buyer VAT", "invoice.pdf.err.missing", "BT-31/BT-48", func(i *facturx.Invoice) {
			*i = facturx.Sample(2, true)
			i.Buyer.VATNumber = ""
		}},
		{"credit note without invoice", "invoice.pdf.err.missing", "BT-25", func(i *facturx.Invoice) {
			*i = creditNote()
			i.PrecedingInvoice = ""
		}},
		{"line without number", "invoice.pdf.err.missing", "BT-126", func(i *facturx.Invoice) { i.Lines[2].ID = "" }},
		{"line without name", "invoice.pdf.err.missing", "BT-153", func(i *facturx.Invoice) { i.Lines[0].Name = " " }},
		{"line without unit", "invoice.pdf.err.missing", "BT-130", func(i *facturx.Invoice) { i.Lines[3].UnitCode = "" }},
		{"allowance without reason", "invoice.pdf.err.missing", "BT-97/BT-104", func(i *facturx.Invoice) { i.AllowancesCharges[0].Reason = "" }},
		{"period reversed", "invoice.pdf.err.period_reversed", "", func(i *facturx.Invoice) { i.PeriodStart, i.PeriodEnd = i.PeriodEnd, i.PeriodStart }},
		{"inconsistent amounts", "invoice.pdf.err.zero_rate", "", func(i *facturx.Invoice) { i.Lines[0].VAT.Category = "Z" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			inv := facturx.Sample(4, false)
			c.f(&inv)
			b, err := facturx.XML(inv)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EInvalid || de.Key != c.key || (c.arg != "" && de.Args[0] != c.arg) || b != nil {
				t.Fatalf("err = %v (%d bytes), want %s %s", err, len(b), c.key, c.arg)
			}
		})
	}
	// nothing due (fully prepaid): no due date nor terms needed (BR-CO-25)
	paid := facturx.Sample(4, false)
	paid.DueDate, paid.PaymentTerms, paid.RetentionCents = time.Time{}, "", 0
	tot, _ := facturx.Compute(paid)
	paid.PrepaidCents = tot.GrandTotalCents
	if _, err := facturx.XML(paid); err != nil {
		t.Fatal(err)
	}
}
