package domain_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/invoicedoc"
	"github.com/fieldops360/fieldops/tenanttest"
)

// The demo of `fieldops demo` (issue #18): legal data filled, a contract
// with lines on three VAT rates, two issued monthly situations numbered
// 1 and 2 with their files, and the current month's draft; the sum
// invoiced is what the contract's progress says.
func TestDemoInvoicing(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	now := time.Now()
	loc := domain.TenantFactsOf(app).Location()
	month := func(m int) time.Time {
		return time.Date(now.In(loc).Year(), now.In(loc).Month(), 1, 10, 0, 0, 0, loc).AddDate(0, m, 0)
	}
	render := invoicedoc.Render(context.Background(), invoicedoc.Options{})
	if err := domain.SeedDemoWith(app, now, domain.DemoOptions{InvoiceRender: render}); err != nil {
		t.Fatal(err)
	}
	co, _ := domain.FindCompany(app)
	if miss := domain.MissingLegalData(co); len(miss) > 0 {
		t.Errorf("demo legal data missing: %v", miss)
	}
	issued, err := domain.FindInvoices(app, domain.InvoiceFilter{Status: domain.InvoiceIssued})
	if err != nil || len(issued) != 2 {
		t.Fatalf("issued = %d %v", len(issued), err)
	}
	drafts, _ := domain.FindInvoices(app, domain.InvoiceFilter{Status: domain.InvoiceDraft})
	if len(drafts) != 1 || drafts[0].Month() != month(0).Format("2006-01") {
		t.Fatalf("drafts = %d", len(drafts))
	}
	if issued[1].Number() != domain.InvoiceNumber(month(-2).Year(), 1) || issued[0].Number() != domain.InvoiceNumber(month(-1).Year(), 2) || issued[1].Month() != month(-2).Format("2006-01") {
		t.Errorf("numbers %s (%s), %s", issued[1].Number(), issued[1].Month(), issued[0].Number())
	}
	for _, inv := range issued {
		if inv.PDFSHA256() == "" || inv.XmlSHA256() == "" || inv.TotalInclCents() <= 0 {
			t.Errorf("%s: files %q totals %d", inv.Number(), inv.PDFSHA256(), inv.TotalInclCents())
		}
		if b, err := domain.StoredInvoiceFile(app, inv, "xml"); err != nil || !strings.Contains(string(b), "FR25812345678") {
			t.Errorf("%s XML: %v", inv.Number(), err)
		}
	}
	sum, _ := domain.LoadContract(app, issued[0].SiteID())
	if len(sum.Lines) != 7 || sum.TotalCents != 684000+1029000+3053500+1188000+1056000+588000+680000 {
		t.Errorf("contract: %d lines, %d", len(sum.Lines), sum.TotalCents)
	}
}
