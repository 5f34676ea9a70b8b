package domain

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Invoice kinds and statuses.
const (
	InvoiceProgress      = "progress"       // situation de travaux
	InvoiceTimeMaterials = "time_materials" // régie
	InvoiceCreditNote    = "credit_note"    // avoir

	InvoiceDraft         = "draft"
	InvoiceIssued        = "issued"
	InvoicePartiallyPaid = "partially_paid"
	InvoicePaid          = "paid"
)

// DefaultRetentionPct is the guarantee retention of a progress invoice
// (retenue de garantie, loi du 16 juillet 1971: at most 5 % of the amount
// incl. VAT), held by the client until the end of the guarantee year.
const DefaultRetentionPct = 5.0

// ProgressOptions are the choices of a new situation.
type ProgressOptions struct {
	// RetentionPct nil takes DefaultRetentionPct; 0 means none.
	RetentionPct *float64
	// DownPaymentCents is the part of the down payment repaid on this
	// situation, deducted excl. VAT.
	DownPaymentCents int64
}

// invoicedByLine returns, per contract line of the site, the nets already
// invoiced on issued invoices (credit notes deducted) and the highest
// cumulative progress billed.
func invoicedByLine(app core.App, siteID string) (map[string]int64, map[string]float64, error) {
	var rows []struct {
		Line string  `db:"contract_line"`
		Net  int64   `db:"net"`
		Pct  float64 `db:"pct"`
	}
	err := app.DB().NewQuery(`SELECT l.contract_line,
		SUM(CASE WHEN i.kind = {:credit} THEN -l.net_cents ELSE l.net_cents END) AS net,
		MAX(CASE WHEN i.kind = {:credit} THEN 0 ELSE l.cumulative_pct END) AS pct
		FROM invoice_lines l JOIN invoices i ON i.id = l.invoice
		WHERE i.site = {:site} AND i.status != {:draft} AND l.contract_line != ''
		GROUP BY l.contract_line`).
		Bind(dbx.Params{"site": siteID, "credit": InvoiceCreditNote, "draft": InvoiceDraft}).All(&rows)
	net, pct := map[string]int64{}, map[string]float64{}
	for _, r := range rows {
		net[r.Line], pct[r.Line] = r.Net, r.Pct
	}
	return net, pct, err
}

// invoiceSite loads the site and client of a new invoice.
func invoiceSite(app core.App, actor *core.Record, siteID string) (Site, Client, error) {
	if !CanInvoice(actor) {
		return Site{}, Client{}, Errorf(EForbidden, "err.invoice.forbidden")
	}
	s, err := FindSite(app, siteID)
	if err != nil {
		return Site{}, Client{}, Errorf(ENotFound, "err.site.not_found")
	}
	c, err := FindClient(app, s.GetString("client"))
	if err != nil {
		return Site{}, Client{}, Errorf(EInvalid, "err.invoice.site_without_client")
	}
	return s, c, nil
}

// CreateProgressInvoice drafts the situation of a site for month
// ("2026-03"): for every contract line with progress, its cumulative
// amount at the line's effective progress minus what issued invoices
// already billed (see invoice_calc.go for the rounding). At most one
// situation per site and month (a credited one excepted). The client's
// "main contractor" flag makes it reverse-charged.
func CreateProgressInvoice(app core.App, actor *core.Record, siteID, month string, opt ProgressOptions) (Invoice, error) {
	_, client, err := invoiceSite(app, actor, siteID)
	if err != nil {
		return Invoice{}, err
	}
	start, err := time.Parse("2006-01", month)
	if err != nil {
		return Invoice{}, FieldError("month", "err.invoice.bad_month")
	}
	n, err := app.CountRecords(CollectionInvoices, dbx.HashExp{"site": siteID, "kind": InvoiceProgress, "month": month})
	if err != nil {
		return Invoice{}, err
	}
	if n > 0 {
		return Invoice{}, Errorf(EConflict, "err.invoice.month_exists", month)
	}
	retention := DefaultRetentionPct
	if opt.RetentionPct != nil {
		retention = *opt.RetentionPct
	}
	if retention < 0 || retention > 5 {
		return Invoice{}, FieldError("retention_pct", "err.invoice.bad_retention")
	}
	if opt.DownPaymentCents < 0 {
		return Invoice{}, FieldError("down_payment", "err.invoice.bad_amount")
	}
	lines, err := FindContractLines(app, siteID)
	if err != nil {
		return Invoice{}, err
	}
	if len(lines) == 0 {
		return Invoice{}, Errorf(EInvalid, "err.invoice.no_contract_lines")
	}
	derived, err := DerivedProgress(app, siteID)
	if err != nil {
		return Invoice{}, err
	}
	billed, billedPct, err := invoicedByLine(app, siteID)
	if err != nil {
		return Invoice{}, err
	}
	var out []map[string]any
	anyNet := false
	for _, l := range lines {
		pct := EffectiveProgress(l, derived)
		if pct == 0 && billed[l.Id] == 0 {
			continue
		}
		cum, net := ProgressNet(l.Amount(), pct, billed[l.Id])
		anyNet = anyNet || net != 0
		out = append(out, map[string]any{
			"contract_line": l.Id, "kind": "progress", "designation": l.Designation(), "unit": l.Unit(),
			"description": lineDescription(l, pct, cum),
			"quantity":    l.Quantity(), "unit_price_cents": l.UnitPriceCents(), "net_cents": net, "vat_rate": l.VATRate(),
			"cumulative_pct": pct, "previous_pct": billedPct[l.Id],
		})
	}
	if len(out) == 0 || !anyNet {
		return Invoice{}, Errorf(EInvalid, "err.invoice.nothing_to_bill")
	}
	end := start.AddDate(0, 1, -1)
	head := map[string]any{
		"site": siteID, "client": client.Id, "kind": InvoiceProgress, "status": InvoiceDraft, "month": month,
		"period_start": start, "period_end": end, "retention_pct": retention,
		"down_payment_cents": opt.DownPaymentCents, "reverse_charge": client.IsMainContractor(),
	}
	return saveDraft(app, actor, head, out)
}

// lineDescription states a progress line's basis: lot, code, cumulative
// progress and amount.
func lineDescription(l ContractLine, pct float64, cum int64) string {
	d := fmt.Sprintf("%s %s — cumul %.2f %% = %s", l.Lot(), l.Code(), pct, FormatCents(cum))
	return d
}

// FormatCents writes cents as euros with a comma: "1 234,56 €".
func FormatCents(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := fmt.Sprintf("%d", c/100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u202f" + s[i:]
	}
	s = fmt.Sprintf("%s,%02d €", s, c%100)
	if neg {
		s = "−" + s
	}
	return s
}

// saveDraft creates a draft invoice and its lines in one transaction and
// stores its totals.
func saveDraft(app core.App, actor *core.Record, head map[string]any, lines []map[string]any) (Invoice, error) {
	var id string
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := newChild(tx, CollectionInvoices, head, actor)
		if err != nil {
			return SaveError(err)
		}
		inv := Invoice{r}
		id = r.Id
		for i, l := range lines {
			l["invoice"], l["position"] = r.Id, i+1
			if _, err := newChild(tx, CollectionInvoiceLines, l, actor); err != nil {
				return SaveError(err)
			}
		}
		return refreshTotals(tx, actor, inv)
	})
	if err != nil {
		return Invoice{}, err
	}
	return FindInvoice(app, id)
}
