package invoicedoc

import (
	"context"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
	invoicepdf "github.com/fieldops360/fieldops/domain/pdf"
)

// Options are the PDF's presentation: the company's colour and logo, and
// the "draft" mark of an invoice not issued.
type Options struct {
	BrandColor string
	Logo       []byte
	Draft      bool
}

// Files writes inv's CII XML and its Factur-X PDF (domain/pdf: the XML
// embedded as factur-x.xml), from its records as app reads them, in ctx's
// language. A draft incomplete for the XML still gets its PDF (marked
// draft, without e-invoice) and the XML's error. The e-invoice totals
// (facturx.Compute) must equal the domain's (domain.Invoice.Totals): the
// two computations are kept honest against each other.
func Files(ctx context.Context, app core.App, inv domain.Invoice, opt Options) (pdf, xml []byte, err error) {
	doc, err := InvoiceDocument(app, inv)
	if err != nil {
		return nil, nil, err
	}
	t, err := inv.Totals(app)
	if err != nil {
		return nil, nil, err
	}
	ft, err := facturx.Compute(doc)
	if err != nil {
		return nil, nil, err
	}
	if ft.GrandTotalCents != t.InclCents || ft.VATCents != t.VATCents || ft.NetToPayCents != t.NetToPayCents {
		return nil, nil, fmt.Errorf("invoice %s: e-invoice totals %d/%d/%d disagree with %d/%d/%d", doc.Number,
			ft.GrandTotalCents, ft.VATCents, ft.NetToPayCents, t.InclCents, t.VATCents, t.NetToPayCents)
	}
	xml, xmlErr := facturx.XML(doc)
	if xmlErr != nil && !opt.Draft {
		return nil, nil, xmlErr
	}
	co, err := domain.FindCompany(app)
	if err != nil {
		return nil, nil, err
	}
	pdf, err = invoicepdf.Invoice(ctx, doc, invoicepdf.InvoiceOptions{BrandColor: opt.BrandColor, Logo: opt.Logo, Draft: opt.Draft,
		LegalForm: co.LegalForm(), ShareCapitalCents: domain.RoundCents(co.ShareCapital() * 100), RetentionPercent: inv.RetentionPct()})
	if err != nil {
		return nil, nil, err
	}
	return pdf, xml, xmlErr
}

// XML writes inv's CII XML alone.
func XML(app core.App, inv domain.Invoice) ([]byte, error) {
	doc, err := InvoiceDocument(app, inv)
	if err != nil {
		return nil, err
	}
	return facturx.XML(doc)
}

// Render is the renderer domain.IssueInvoice stores the files of.
func Render(ctx context.Context, opt Options) domain.InvoiceRender {
	return func(app core.App, inv domain.Invoice) ([]byte, []byte, error) {
		return Files(ctx, app, inv, opt)
	}
}
