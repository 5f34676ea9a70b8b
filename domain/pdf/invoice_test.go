package pdf_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
	"github.com/fieldops360/fieldops/domain/pdf"
)

// png is a 2×1 PNG logo.
var logoPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x01\x08\x02\x00\x00\x00{@\xe8\xdd\x00\x00\x00\x0fIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// TestInvoicePDF reads back with pdftotext a 60-line progress invoice in
// French: header and parties, the lines header on every page, the VAT per
// rate, the totals down to the net to pay, payment and legal mentions,
// page numbers; and checks it carries its factur-x.xml.
func TestInvoicePDF(t *testing.T) {
	t.Parallel()
	inv := facturx.Sample(60, false)
	tot, err := facturx.Compute(inv)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pdf.Invoice(locale(t, "fr"), inv, pdf.InvoiceOptions{BrandColor: "#AA3300", Logo: logoPNG, LegalForm: "SARL",
		ShareCapitalCents: 1000000, RetentionPercent: 5})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("INVOICE_PDF_OUT") != "" {
		_ = os.WriteFile(os.Getenv("INVOICE_PDF_OUT"), b, 0o644)
	}
	pages := pdfText(t, b)
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the lines to run onto a second page", len(pages))
	}
	all := strings.Join(pages, "\n")
	for i, p := range pages {
		if !strings.Contains(p, fmt.Sprintf("Page %d / %d", i+1, len(pages))) {
			t.Errorf("page %d has no page number", i+1)
		}
		if first := strings.Index(p, "Poste"); first >= 0 && !strings.Contains(p[:first], "Désignation") {
			t.Errorf("page %d has lines without the header above them", i+1)
		}
		if last := strings.LastIndex(p, "Désignation"); last >= 0 && !strings.Contains(p[last:], "Poste") {
			t.Errorf("page %d ends with the lines header", i+1)
		}
	}
	fr := func(c int64) string { return strings.ReplaceAll(frEUR(c), "\u202f", " ") }
	for _, want := range []string{
		"Bâtir & Fils SARL", "Facture FA-2026-0042", "Émetteur", "Client", "SIRET 12345678900017", "N° TVA FR45987654321",
		"du 01/11/2026 au 30/11/2026", "Marché 2026-017", "Lot 01 – Poste 001", "Avancement cumulé 35 %",
		"Détail de la TVA", "5,5 %", "Total HT", fr(tot.TaxBasisCents), fr(tot.VATCents), fr(tot.GrandTotalCents),
		"Déjà réglé", fr(-tot.PrepaidCents), "Retenue de garantie 5 %", fr(-tot.RetentionCents), "Net à payer", fr(tot.NetToPayCents),
		"IBAN FR76 3000 6000 0112 3456 7890 189", "BIC AGRIFRPP", "40 €", "Pas d'escompte", "au capital de 10 000,00 €", "RCS Lyon 123 456 789",
		"À régler au plus tard le 30/12/2026",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, p := range pages {
		if strings.Contains(p, "Règlement") && !strings.Contains(p, "Pas d'escompte") {
			t.Error("the payment block is split over two pages")
		}
	}
	if strings.Contains(all, "Autoliquidation") || strings.Contains(all, "BROUILLON") {
		t.Error("an issued invoice at standard rates has a reverse-charge or draft mention")
	}
	xml, _ := facturx.XML(inv)
	if !bytes.Contains(b, []byte("/Names [(factur-x.xml)")) || !bytes.Contains(b, []byte(fmt.Sprintf("/Params << /Size %d ", len(xml)))) {
		t.Error("the PDF does not carry its factur-x.xml")
	}
}

// frEUR is an amount as the French PDF prints it.
func frEUR(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := fmt.Sprintf("%d,%02d €", c/100, c%100)
	if c >= 100000 {
		s = fmt.Sprintf("%d %03d,%02d €", c/100000, c/100%1000, c%100)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// TestInvoicePDFReverseChargeDraftEnglish checks the English draft of a
// subcontractor's invoice: the draft mark on every page, the reverse
// charge mention, no VAT.
func TestInvoicePDFReverseChargeDraftEnglish(t *testing.T) {
	t.Parallel()
	b, err := pdf.Invoice(locale(t, "en"), facturx.Sample(50, true), pdf.InvoiceOptions{Draft: true, Consumer: true})
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfText(t, b)
	for i, p := range pages {
		if !strings.Contains(p, "DRAFT") {
			t.Errorf("page %d has no draft mark", i+1)
		}
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{"Invoice FA-2026-0043", "Reverse charge – VAT due by the customer (art. 283-2 nonies", "Rev. ch.",
		"Total VAT", "€0.00", "Guarantee retention", "Net to pay", "Bill to", "VAT no. FR32123456789", "Page 1 / "} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(all, "recovery indemnity") {
		t.Error("the 40 € indemnity is printed for a consumer")
	}
	if !bytes.Contains(b, []byte("factur-x.xml")) {
		t.Error("a complete draft carries no factur-x.xml")
	}
}

// TestInvoicePDFRefuses checks that an issued invoice the XML refuses is
// not rendered, that an incomplete draft renders without e-invoice, and
// that inconsistent amounts refuse even a draft.
func TestInvoicePDFRefuses(t *testing.T) {
	t.Parallel()
	ctx := locale(t, "fr")
	inv := facturx.Sample(3, false)
	inv.Number = ""
	b, err := pdf.Invoice(ctx, inv, pdf.InvoiceOptions{})
	var de *domain.Error
	if !errors.As(err, &de) || de.Key != "invoice.pdf.err.missing" || b != nil {
		t.Fatalf("issued without number: %v", err)
	}
	b, err = pdf.Invoice(ctx, inv, pdf.InvoiceOptions{Draft: true})
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) || bytes.Contains(b, []byte("factur-x.xml")) {
		t.Fatalf("incomplete draft: %v, factur-x %v", err, bytes.Contains(b, []byte("factur-x.xml")))
	}
	inv.Lines = nil
	if _, err := pdf.Invoice(ctx, inv, pdf.InvoiceOptions{Draft: true}); !errors.As(err, &de) || de.Key != "invoice.pdf.err.no_lines" {
		t.Fatalf("draft without lines: %v", err)
	}
}
