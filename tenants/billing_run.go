package tenants

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/views/i18n"
)

// BillingRun is what RunBilling did: the invoices it issued and, per
// tenant left out, why (already invoiced, not covered by a licence).
type BillingRun struct {
	Month   string            `json:"month"`
	Issued  []Invoice         `json:"issued"`
	Skipped map[string]string `json:"skipped"`
}

// Reasons a tenant is left out of a run.
const (
	SkipAlreadyInvoiced = "already_invoiced"
	SkipNotCovered      = "not_covered"
	// SkipNoPrice: a plan sold on quote (Enterprise) without the tenant's
	// contract price (fieldops billing price SLUG EUR).
	SkipNoPrice = "no_price"
)

// ParseMonth parses "YYYY-MM" into the month's first day (UTC).
func ParseMonth(s string) (time.Time, error) {
	m, err := time.Parse("2006-01", s)
	if err != nil {
		return time.Time{}, domain.FieldError("month", "err.billing.month", s)
	}
	return m.UTC(), nil
}

// invoicesDir holds the PDFs of customer invoices.
func (r *Registry) invoicesDir() string { return filepath.Join(r.cfg.Dir, "platform", "invoices") }

// plansByCode reads the plans' prices.
func (r *Registry) plansByCode() (map[string]PlanPrices, error) {
	recs, err := r.platform.FindRecordsByFilter("plans", "", "", 0, 0)
	if err != nil {
		return nil, err
	}
	out := map[string]PlanPrices{}
	for _, p := range recs {
		out[p.GetString("code")] = PlanPrices{Code: p.GetString("code"), Name: p.GetString("name"), PriceEUR: p.GetFloat("price_month_eur"),
			Seats: p.GetInt("seats"), StorageQuotaGB: p.GetInt("storage_quota_gb"), SeatPriceEUR: p.GetFloat("seat_price_eur"),
			StoragePriceGBEUR: p.GetFloat("storage_price_gb_eur")}
	}
	return out, nil
}

// billInput gathers a tenant's month to invoice.
func (r *Registry) billInput(rec *core.Record, month time.Time, plans map[string]PlanPrices) (BillInput, error) {
	in := BillInput{Month: month, Plan: plans[rec.GetString("plan")], ContractPriceEUR: rec.GetFloat("price_month_eur"),
		Seats: rec.GetInt("seats"), Starts: rec.GetDateTime("licence_starts").Time(), Ends: rec.GetDateTime("licence_expires").Time(),
		Trial: rec.GetBool("trial")}
	if in.Starts.IsZero() {
		in.Starts = rec.GetDateTime("created").Time()
	}
	if del := rec.GetDateTime("deleted_at").Time(); !del.IsZero() && (in.Ends.IsZero() || del.Before(in.Ends)) {
		in.Ends = del
	}
	end := month.AddDate(0, 1, -1)
	var err error
	in.Usage, err = r.UsageDays(rec.GetString("slug"), month.Format(time.DateOnly), end.Format(time.DateOnly))
	return in, err
}

// RunBilling invoices every tenant for month ("YYYY-MM", a closed month):
// one invoice per tenant, numbered in the platform's unbroken sequence,
// with its Factur-X PDF stored and hashed. A tenant with an invoice of the
// month that is not void is left out, so a second run issues nothing.
func (r *Registry) RunBilling(ctx context.Context, month, actor string) (BillingRun, error) {
	run := BillingRun{Month: month, Skipped: map[string]string{}}
	m, err := ParseMonth(month)
	if err != nil {
		return run, err
	}
	now := r.cfg.Clock().UTC()
	if m.AddDate(0, 1, 0).After(now) {
		return run, domain.FieldError("month", "err.billing.month_open", month)
	}
	set, err := r.BillingSettings()
	if err != nil {
		return run, err
	}
	if err := set.sellerReady(); err != nil {
		return run, err
	}
	plans, err := r.plansByCode()
	if err != nil {
		return run, err
	}
	recs, err := r.platform.FindRecordsByFilter("tenants", "", "slug", 0, 0)
	if err != nil {
		return run, err
	}
	if err := os.MkdirAll(r.invoicesDir(), 0o750); err != nil {
		return run, err
	}
	for _, rec := range recs {
		slug := rec.GetString("slug")
		in, err := r.billInput(rec, m, plans)
		if err != nil {
			return run, err
		}
		lines, _ := ComputeBill(in)
		switch {
		case len(lines) == 0:
			run.Skipped[slug] = SkipNotCovered
			continue
		case !in.Trial && in.Plan.PriceEUR == 0 && in.ContractPriceEUR == 0:
			run.Skipped[slug] = SkipNoPrice
			continue
		}
		inv, err := r.issueInvoice(ctx, rec, month, lines, set, now, actor)
		if err != nil {
			return run, fmt.Errorf("invoice %s: %w", slug, err)
		}
		if inv == nil {
			run.Skipped[slug] = SkipAlreadyInvoiced
			continue
		}
		run.Issued = append(run.Issued, *inv)
	}
	return run, nil
}

// issueInvoice numbers, renders, stores and records one invoice in a
// single control-plane transaction (nil when the month is already
// invoiced: checked inside it, so two runs cannot both issue).
func (r *Registry) issueInvoice(ctx context.Context, rec *core.Record, month string, lines []BillLine, set BillingSettings, now time.Time, actor string) (*Invoice, error) {
	slug := rec.GetString("slug")
	var out *Invoice
	err := r.platform.RunInTransaction(func(tx core.App) error {
		n := struct {
			Live int `db:"live"`
			Seq  int `db:"seq"`
		}{}
		err := tx.DB().NewQuery("SELECT (SELECT count(*) FROM invoices WHERE tenant = {:t} AND period = {:p} AND status != 'void') AS live, coalesce(max(seq), 0) AS seq FROM invoices").
			Bind(dbx.Params{"t": slug, "p": month}).One(&n)
		if err != nil || n.Live > 0 {
			return err
		}
		inv := Invoice{Tenant: slug, Seq: n.Seq + 1, Period: month, Status: InvoiceIssued, IssuedAt: now,
			DueAt: now.AddDate(0, 0, set.PaymentDays), Buyer: rec.GetString("name"), Lines: lines}
		inv.Number = InvoiceNumber(inv.Seq)
		fx := r.facturxOf(ctx, inv, rec, set)
		tot, err := facturx.Compute(fx)
		if err != nil {
			return err
		}
		inv.NetEUR, inv.VATEUR, inv.AmountEUR = float64(tot.TaxBasisCents)/100, float64(tot.VATCents)/100, float64(tot.GrandTotalCents)/100
		doc, err := pdf.Invoice(frenchCtx(ctx), fx, pdf.InvoiceOptions{LegalForm: set.LegalForm})
		if err != nil {
			return err
		}
		sum := sha256.Sum256(doc)
		inv.SHA256, inv.PDF = hex.EncodeToString(sum[:]), inv.Number+".pdf"
		if err := writeFileAtomic(filepath.Join(r.invoicesDir(), inv.PDF), doc); err != nil {
			return err
		}
		col, err := tx.FindCachedCollectionByNameOrId("invoices")
		if err != nil {
			return err
		}
		ir := core.NewRecord(col)
		inv.store(ir)
		if err := tx.Save(ir); err != nil {
			return err
		}
		inv.ID = ir.Id
		out = &inv
		return PlatformAudit(tx, actor, "billing.issue", slug, map[string]any{"number": inv.Number, "period": month, "amount_eur": inv.AmountEUR, "sha256": inv.SHA256})
	})
	return out, err
}

// InvoiceNumber is the number of the seq-th customer invoice.
func InvoiceNumber(seq int) string { return fmt.Sprintf("FO360-%06d", seq) }

// frenchCtx prints customer invoices in French, dates in Paris time.
func frenchCtx(ctx context.Context) context.Context {
	return i18n.WithLocale(ctx, catalog.Default(), i18n.FR, i18n.Paris())
}

// facturxOf builds the e-invoice of inv: the operator sells, the tenant
// company buys.
func (r *Registry) facturxOf(ctx context.Context, inv Invoice, rec *core.Record, set BillingSettings) facturx.Invoice {
	ctx = frenchCtx(ctx)
	m, _ := ParseMonth(inv.Period)
	vat := facturx.VAT{Category: facturx.VATStandard, RatePercent: set.VATRate}
	if set.VATRate == 0 {
		vat = facturx.VAT{Category: facturx.VATExempt, ExemptionReason: "TVA non applicable, art. 293 B du CGI", ExemptionCode: "VATEX-FR-FRANCHISE"}
	}
	fx := facturx.Invoice{
		Number: inv.Number, TypeCode: facturx.TypeInvoice, IssueDate: inv.IssuedAt, DueDate: inv.DueAt, Currency: "EUR",
		Seller: set.seller(), Buyer: facturx.Party{Name: rec.GetString("name"), CountryCode: "FR", Email: rec.GetString("admin_email")},
		BuyerReference: rec.GetString("slug"), PeriodStart: m, PeriodEnd: m.AddDate(0, 1, -1),
		Notes:        []facturx.Note{{Text: i18n.T(ctx, "billing.pdf.note", inv.Period)}},
		PaymentTerms: i18n.T(ctx, "billing.pdf.terms", set.PaymentDays), IBAN: set.IBAN, BIC: set.BIC,
	}
	for i, l := range inv.Lines {
		name := i18n.T(ctx, "billing.line."+l.Kind, l.Plan)
		var desc string
		unit := "C62"
		switch l.Kind {
		case LineSubscription, LineTrial:
			unit, desc = "MON", i18n.T(ctx, "billing.line.days", l.CoveredDays, l.MonthDays)
		default:
			desc = i18n.T(ctx, "billing.line.overage", i18n.FormatNumber(ctx, l.Used, 2), i18n.FormatNumber(ctx, l.Included, 2))
		}
		fx.Lines = append(fx.Lines, facturx.Line{ID: fmt.Sprint(i + 1), Name: name, Description: desc, Quantity: l.Quantity,
			UnitCode: unit, UnitPriceCents: l.UnitPriceCents, NetCents: l.NetCents, VAT: vat})
	}
	return fx
}

// writeFileAtomic writes b to path through a temporary file.
func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
