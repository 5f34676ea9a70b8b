package invoicedoc

import (
	"context"
	"fmt"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
)

// pdfLayout writes the visible invoice the XML is embedded in. NB: a plain
// layout kept until domain/pdf's invoice layout (issue #18, the document
// side) replaces it.
func pdfLayout(_ context.Context, doc facturx.Invoice, opt Options) ([]byte, error) {
	const family = "go"
	fonts, err := repository.New().
		AddUTF8FontFromBytes(family, fontstyle.Normal, goregular.TTF).
		AddUTF8FontFromBytes(family, fontstyle.Bold, gobold.TTF).Load()
	if err != nil {
		return nil, err
	}
	cfg := config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: family, Size: 8}).
		WithTitle("Facture "+doc.Number, true).WithAuthor(doc.Seller.Name, true).WithCreator("FieldOps360", true).
		WithLeftMargin(12).WithRightMargin(12).WithTopMargin(10).Build()
	m := maroto.New(cfg)
	title := "FACTURE"
	if doc.TypeCode == facturx.TypeCreditNote {
		title = "AVOIR"
	}
	if opt.Draft {
		title += " — BROUILLON"
	}
	bold := props.Text{Style: fontstyle.Bold, Size: 12}
	m.AddRows(text.NewAutoRow(doc.Seller.Name, bold))
	m.AddRows(text.NewAutoRow(fmt.Sprintf("%s %s %s · SIRET %s · TVA %s", doc.Seller.AddressLine, doc.Seller.PostCode, doc.Seller.City, doc.Seller.SIRET, doc.Seller.VATNumber)))
	m.AddRows(text.NewAutoRow(fmt.Sprintf("%s n° %s du %s", title, doc.Number, doc.IssueDate.Format("02/01/2006")), props.Text{Style: fontstyle.Bold, Size: 11, Top: 4}))
	m.AddRows(text.NewAutoRow("Client : "+doc.Buyer.Name+" — "+doc.Buyer.AddressLine+" "+doc.Buyer.PostCode+" "+doc.Buyer.City, props.Text{Top: 2, Bottom: 3}))
	t, err := facturx.Compute(doc)
	if err != nil {
		return nil, err
	}
	for _, l := range doc.Lines {
		m.AddRows(row.New(5).Add(
			col.New(1).Add(text.New(l.ID)),
			col.New(8).Add(text.New(l.Name)),
			col.New(3).Add(text.New(domain.FormatCents(l.NetCents), props.Text{Align: align.Right})),
		))
	}
	for _, s := range []struct {
		label string
		v     int64
	}{{"Total HT", t.TaxBasisCents}, {"TVA", t.VATCents}, {"Total TTC", t.GrandTotalCents}, {"Retenue de garantie", t.RetentionCents}, {"Net à payer", t.NetToPayCents}} {
		m.AddRows(row.New(5).Add(col.New(9).Add(text.New(s.label, props.Text{Align: align.Right, Style: fontstyle.Bold})),
			col.New(3).Add(text.New(domain.FormatCents(s.v), props.Text{Align: align.Right}))))
	}
	if doc.IBAN != "" {
		m.AddRows(text.NewAutoRow(doc.PaymentTerms+" — IBAN "+doc.IBAN+" BIC "+doc.BIC, props.Text{Top: 3}))
	}
	out, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return out.GetBytes(), nil
}
