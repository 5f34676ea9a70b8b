package domain

import (
	"io"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// FindInvoiceLines returns an invoice's lines in their order.
func FindInvoiceLines(app core.App, invoiceID string) ([]InvoiceLine, error) {
	rs, err := app.FindRecordsByFilter(CollectionInvoiceLines, "invoice = {:i}", "position", 0, 0, dbx.Params{"i": invoiceID})
	return AsInvoiceLines(rs), err
}

// FindInvoicePayments returns an invoice's payments by date.
func FindInvoicePayments(app core.App, invoiceID string) ([]InvoicePayment, error) {
	rs, err := app.FindRecordsByFilter(CollectionInvoicePayments, "invoice = {:i}", "paid_on,created", 0, 0, dbx.Params{"i": invoiceID})
	return AsInvoicePayments(rs), err
}

// Totals computes an invoice's totals from its stored lines.
func (i Invoice) Totals(app core.App) (InvoiceTotals, error) {
	lines, err := FindInvoiceLines(app, i.Id)
	if err != nil {
		return InvoiceTotals{}, err
	}
	calc := make([]CalcLine, len(lines))
	for k, l := range lines {
		calc[k] = CalcLine{NetCents: int64(l.NetCents()), VATRate: l.VATRate()}
	}
	return ComputeTotals(calc, int64(i.DownPaymentCents()), i.ReverseCharge(), i.RetentionPct()), nil
}

// refreshTotals stores a draft's totals (list pages read them).
func refreshTotals(app core.App, actor *core.Record, inv Invoice) error {
	t, err := inv.Totals(app)
	if err != nil {
		return err
	}
	inv.SetTotalExclCents(int(t.ExclCents))
	inv.SetVATCents(int(t.VATCents))
	inv.SetTotalInclCents(int(t.InclCents))
	inv.SetRetentionCents(int(t.RetentionCents))
	inv.SetNetToPayCents(int(t.NetToPayCents))
	setActor(inv.Record, actor)
	return app.Save(inv.Record)
}

// CreditedCents is the total incl. VAT of the issued credit notes of i.
func (i Invoice) CreditedCents(app core.App) int64 {
	var sum struct {
		S int64 `db:"s"`
	}
	_ = app.DB().NewQuery(`SELECT COALESCE(SUM(total_incl_cents), 0) AS s FROM invoices
		WHERE credit_of = {:id} AND kind = {:k} AND status != {:d}`).
		Bind(dbx.Params{"id": i.Id, "k": InvoiceCreditNote, "d": InvoiceDraft}).One(&sum)
	return sum.S
}

// AmountDueCents is what the client still owes on an issued invoice: net
// to pay (plus the retention once released) − payments − credit notes
// (never below 0; 0 for drafts and credit notes).
func (i Invoice) AmountDueCents(app core.App) int64 {
	if i.Status() == InvoiceDraft || i.Kind() == InvoiceCreditNote {
		return 0
	}
	return i.dueGiven(i.CreditedCents(app))
}

// dueGiven is AmountDueCents with the credited amount known.
func (i Invoice) dueGiven(credited int64) int64 {
	if i.Status() == InvoiceDraft || i.Kind() == InvoiceCreditNote {
		return 0
	}
	d := int64(i.NetToPayCents()-i.AmountPaidCents()) - credited
	if !i.RetentionReleasedAt().IsZero() {
		d += int64(i.RetentionCents())
	}
	return max(d, 0)
}

// creditedByInvoice returns the issued credit notes' totals incl. VAT per
// credited invoice, in one query.
func creditedByInvoice(app core.App) (map[string]int64, error) {
	var rows []struct {
		ID string `db:"credit_of"`
		S  int64  `db:"s"`
	}
	err := app.DB().NewQuery(`SELECT credit_of, SUM(total_incl_cents) AS s FROM invoices
		WHERE credit_of != '' AND kind = {:k} AND status != {:d} GROUP BY credit_of`).
		Bind(dbx.Params{"k": InvoiceCreditNote, "d": InvoiceDraft}).All(&rows)
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.S
	}
	return out, err
}

// DaysLate is how many days past its due date an unpaid invoice is at now
// (0 when not due or settled).
func (i Invoice) DaysLate(app core.App, now time.Time) int {
	if i.DueDate().IsZero() || i.AmountDueCents(app) == 0 {
		return 0
	}
	d := int(now.Sub(i.DueDate()).Hours() / 24)
	if d < 0 {
		return 0
	}
	return d
}

// InvoiceFilter narrows the invoices list ("" = any).
type InvoiceFilter struct {
	Status, Site, Kind string
	// Open: issued and partially paid only (the receivables).
	Open bool
}

// FindInvoices returns the invoices matching f, newest first (drafts
// first), with site and client expanded.
func FindInvoices(app core.App, f InvoiceFilter) ([]Invoice, error) {
	q := app.RecordQuery(CollectionInvoices)
	if f.Status != "" {
		q = q.AndWhere(dbx.HashExp{"status": f.Status})
	}
	if f.Open {
		q = q.AndWhere(dbx.In("status", InvoiceIssued, InvoicePartiallyPaid))
	}
	if f.Site != "" {
		q = q.AndWhere(dbx.HashExp{"site": f.Site})
	}
	if f.Kind != "" {
		q = q.AndWhere(dbx.HashExp{"kind": f.Kind})
	}
	var rs []*core.Record
	if err := q.OrderBy("sequence DESC", "created DESC").Limit(2000).All(&rs); err != nil {
		return nil, err
	}
	// drafts (sequence 0) first
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].GetInt("sequence") == 0 && rs[j].GetInt("sequence") != 0 })
	if errs := app.ExpandRecords(rs, []string{"site", "client"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	return AsInvoices(rs), nil
}

// ContractSummary is a site's contract: its lines, total and what was
// billed.
type ContractSummary struct {
	Lines       []ContractLine
	Derived     map[string]float64 // line id → % of linked tasks done
	Billed      map[string]int64   // line id → nets already invoiced
	TotalCents  int64
	BilledCents int64
}

// LoadContract returns a site's contract summary.
func LoadContract(app core.App, siteID string) (ContractSummary, error) {
	var s ContractSummary
	var err error
	if s.Lines, err = FindContractLines(app, siteID); err != nil {
		return s, err
	}
	if s.Derived, err = DerivedProgress(app, siteID); err != nil {
		return s, err
	}
	if s.Billed, _, err = invoicedByLine(app, siteID); err != nil {
		return s, err
	}
	for _, l := range s.Lines {
		s.TotalCents += l.Amount()
		s.BilledCents += s.Billed[l.Id]
	}
	return s, nil
}

// InvoiceRow is an invoice as lists, exports and the API show it.
// Amounts are cents; a credit note's amounts are positive (its kind says
// it lowers what the client owes).
type InvoiceRow struct {
	ID, Number, Kind, Status       string
	SiteID, SiteCode, SiteName     string
	ClientID, Client               string
	IssueDate, DueDate             time.Time
	ExclCents, VATCents, InclCents int64
	RetentionCents, NetCents       int64
	PaidCents, DueCents            int64
	DaysLate                       int
}

// InvoiceRows returns the invoices of f as rows, days late counted at now.
func InvoiceRows(app core.App, f InvoiceFilter, now time.Time) ([]InvoiceRow, error) {
	list, err := FindInvoices(app, f)
	if err != nil {
		return nil, err
	}
	credited, err := creditedByInvoice(app)
	if err != nil {
		return nil, err
	}
	out := make([]InvoiceRow, 0, len(list))
	for _, inv := range list {
		due := inv.dueGiven(credited[inv.Id])
		late := 0
		if d := int(now.Sub(inv.DueDate()).Hours() / 24); due > 0 && !inv.DueDate().IsZero() && d > 0 {
			late = d
		}
		r := InvoiceRow{ID: inv.Id, Number: inv.Number(), Kind: inv.Kind(), Status: inv.Status(),
			SiteID: inv.SiteID(), ClientID: inv.ClientID(), IssueDate: inv.IssueDate(), DueDate: inv.DueDate(),
			ExclCents: int64(inv.TotalExclCents()), VATCents: int64(inv.VATCents()), InclCents: int64(inv.TotalInclCents()),
			RetentionCents: int64(inv.RetentionCents()), NetCents: int64(inv.NetToPayCents()),
			PaidCents: int64(inv.AmountPaidCents()), DueCents: due, DaysLate: late}
		if s, ok := inv.ExpandedSite(); ok {
			r.SiteCode, r.SiteName = s.Code(), s.Name()
		}
		if c, ok := inv.ExpandedClient(); ok {
			r.Client = c.Name()
		}
		out = append(out, r)
	}
	return out, nil
}

// StoredInvoiceFile returns an issued invoice's stored PDF ("pdf") or XML
// ("xml"), as generated once when it was issued.
func StoredInvoiceFile(app core.App, inv Invoice, which string) ([]byte, error) {
	name := inv.GetString(which)
	if inv.Status() == InvoiceDraft || name == "" || (which != "pdf" && which != "xml") {
		return nil, Errorf(ENotFound, "err.invoice.not_found")
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	r, err := fsys.GetReader(inv.BaseFilesPath() + "/" + name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
