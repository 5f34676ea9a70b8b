package pdf_test

import (
	"testing"

	"github.com/fieldops360/fieldops/domain/facturx"
	"github.com/fieldops360/fieldops/domain/pdf"
)

// BenchmarkInvoicePDF200Lines is a 200-line monthly progress invoice
// (three VAT rates, every line with its progress description, a
// down-payment allowance, prepaid amount and retention) rendered to PDF
// and made a Factur-X PDF/A-3 with its XML: the whole of pdf.Invoice
// (issue #18: under 300 ms).
//
//	go test -run XXX -bench BenchmarkInvoicePDF200Lines -benchtime 20x ./domain/pdf/
func BenchmarkInvoicePDF200Lines(b *testing.B) {
	ctx := locale(b, "fr")
	inv := facturx.Sample(200, false)
	opt := pdf.InvoiceOptions{BrandColor: "#AA3300", Logo: logoPNG, RetentionPercent: 5}
	var size int
	for b.Loop() {
		out, err := pdf.Invoice(ctx, inv, opt)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(size)/1024, "KiB")
}
