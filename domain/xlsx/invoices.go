package xlsx

import (
	"bytes"
	"context"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/domain"
)

// eur turns cents into euros for an amount cell.
func eur(c int64) float64 { return float64(c) / 100 }

// signed is a credit note's amount as it lowers the total: negative.
func signed(r domain.InvoiceRow, c int64) float64 {
	if r.Kind == domain.InvoiceCreditNote {
		return -eur(c)
	}
	return eur(c)
}

// Invoices writes the invoices list (issue #18) in ctx's locale: one row
// per invoice or credit note (credit notes negative), totals as formulas.
func Invoices(ctx context.Context, rows []domain.InvoiceRow, company string) ([]byte, error) {
	ctx, span := startSpan(ctx, "xlsx.invoices")
	defer span.End()
	b, err := newBook(ctx, "", b0(ctx, "invoice.xlsx.title"), company)
	if err != nil {
		return nil, err
	}
	data := make([][]any, 0, len(rows))
	for _, r := range rows {
		data = append(data, []any{r.Number, b.t("invoice.kind." + r.Kind), b.t("invoice.status." + r.Status), civil(ctx, r.IssueDate),
			civil(ctx, r.DueDate), r.SiteCode, r.Client, signed(r, r.ExclCents), signed(r, r.VATCents), signed(r, r.InclCents),
			signed(r, r.RetentionCents), eur(r.PaidCents), eur(r.DueCents)})
	}
	if _, _, err := b.table(b.t("invoice.xlsx.sheet"), []column{
		{b.t("invoice.col.number"), kText, 16, false}, {b.t("invoice.col.kind"), kText, 18, false}, {b.t("invoice.col.status"), kText, 14, false},
		{b.t("invoice.col.issue_date"), kDate, 12, false}, {b.t("invoice.col.due_date"), kDate, 12, false},
		{b.t("invoice.col.site"), kText, 12, false}, {b.t("invoice.col.client"), kText, 24, false},
		{b.t("invoice.col.excl"), kEUR, 14, true}, {b.t("invoice.col.vat"), kEUR, 12, true}, {b.t("invoice.col.incl"), kEUR, 14, true},
		{b.t("invoice.col.retention"), kEUR, 12, true}, {b.t("invoice.col.paid"), kEUR, 12, true}, {b.t("invoice.col.due"), kEUR, 14, true},
	}, data, b.t("invoice.total")); err != nil {
		return nil, err
	}
	return b.bytes()
}

// Receivables writes the receivables ledger at now: every issued invoice
// not settled, with what is due, paid, outstanding and the days late.
func Receivables(ctx context.Context, rows []domain.InvoiceRow, company string, now time.Time) ([]byte, error) {
	ctx, span := startSpan(ctx, "xlsx.receivables")
	defer span.End()
	b, err := newBook(ctx, "", b0(ctx, "invoice.receivables.title"), company)
	if err != nil {
		return nil, err
	}
	var data [][]any
	for _, r := range rows {
		if r.Kind == domain.InvoiceCreditNote || r.Status == domain.InvoiceDraft || r.DueCents == 0 {
			continue
		}
		data = append(data, []any{r.Number, r.Client, r.SiteCode, civil(ctx, r.IssueDate), civil(ctx, r.DueDate),
			eur(r.NetCents), eur(r.PaidCents), eur(r.DueCents), r.DaysLate})
	}
	if _, _, err := b.table(b.t("invoice.receivables.sheet"), []column{
		{b.t("invoice.col.number"), kText, 16, false}, {b.t("invoice.col.client"), kText, 24, false}, {b.t("invoice.col.site"), kText, 12, false},
		{b.t("invoice.col.issue_date"), kDate, 12, false}, {b.t("invoice.col.due_date"), kDate, 12, false},
		{b.t("invoice.col.net"), kEUR, 14, true}, {b.t("invoice.col.paid"), kEUR, 14, true}, {b.t("invoice.col.due"), kEUR, 14, true},
		{b.t("invoice.col.days_late"), kInt, 10, false},
	}, data, b.t("invoice.total")); err != nil {
		return nil, err
	}
	return b.bytes()
}

// b0 translates a title before the book exists.
func b0(ctx context.Context, key string) string { return (&book{ctx: ctx}).t(key) }

// ReadRows reads the first sheet of an XLSX workbook as text rows (the
// contract import, domain.ContractRows).
func ReadRows(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "err.contract.import_unreadable")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, domain.Errorf(domain.EInvalid, "err.contract.import_empty")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, domain.Errorf(domain.EInvalid, "err.contract.import_unreadable")
	}
	return rows, nil
}
