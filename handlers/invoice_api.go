package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/views/i18n"
)

// invoiceJSON is one invoice of GET /api/fieldops/invoices. Amounts are
// euros with two decimals (a credit note's are positive: its kind says
// it lowers what the client owes); dates are YYYY-MM-DD ("" for drafts).
type invoiceJSON struct {
	ID           string  `json:"id"`
	Number       string  `json:"number"`
	Kind         string  `json:"kind"`
	Status       string  `json:"status"`
	TotalExclTax float64 `json:"total_excl_tax"`
	VAT          float64 `json:"vat"`
	TotalInclTax float64 `json:"total_incl_tax"`
	Retention    float64 `json:"retention"`
	AmountPaid   float64 `json:"amount_paid"`
	AmountDue    float64 `json:"amount_due"`
	IssueDate    string  `json:"issue_date"`
	DueDate      string  `json:"due_date"`
	Site         string  `json:"site"`
	Client       string  `json:"client"`
}

func invoiceDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// invoicesAPI answers GET /api/fieldops/invoices?status=&kind=&site=:
// the tenant's invoices, for office roles (domain.CanInvoice) signed in
// by session or `Authorization` token: 401 anonymous, 403 other roles.
func (h *Handlers) invoicesAPI(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !authUser(e).Active() {
		return e.JSON(http.StatusUnauthorized, apiProblem{Status: http.StatusUnauthorized, Message: i18n.T(e.Request.Context(), "err.auth_required")})
	}
	if !domain.CanInvoice(e.Auth) {
		return h.apiFail(e, domain.Errorf(domain.EForbidden, "err.invoice.forbidden"))
	}
	rows, err := domain.InvoiceRows(e.App, invoiceFilter(e.Request.URL.Query()), h.deps.Clock())
	if err != nil {
		return h.apiFail(e, err)
	}
	items := make([]invoiceJSON, 0, len(rows))
	for _, r := range rows {
		items = append(items, invoiceJSON{ID: r.ID, Number: r.Number, Kind: r.Kind, Status: r.Status,
			TotalExclTax: float64(r.ExclCents) / 100, VAT: float64(r.VATCents) / 100, TotalInclTax: float64(r.InclCents) / 100,
			Retention: float64(r.RetentionCents) / 100, AmountPaid: float64(r.PaidCents) / 100, AmountDue: float64(r.DueCents) / 100,
			IssueDate: invoiceDay(r.IssueDate), DueDate: invoiceDay(r.DueDate), Site: r.SiteID, Client: r.ClientID})
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.JSON(http.StatusOK, map[string]any{"items": items})
}

// invoicesXLSX is GET /invoices.xlsx?status=&kind=&site=: the list as a
// workbook.
func (h *Handlers) invoicesXLSX(e *core.RequestEvent) error {
	rows, err := domain.InvoiceRows(e.App, invoiceFilter(e.Request.URL.Query()), h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	b, err := xlsx.Invoices(e.Request.Context(), rows, tenantCtx(e).Company.Name)
	if err != nil {
		return h.fail(e, err)
	}
	return sendFile(e, "factures", formatXLSX, b)
}

// receivablesXLSX is GET /receivables.xlsx: the receivables ledger (due,
// paid, outstanding, days late) of the invoices not settled.
func (h *Handlers) receivablesXLSX(e *core.RequestEvent) error {
	now := h.deps.Clock()
	rows, err := domain.InvoiceRows(e.App, domain.InvoiceFilter{Open: true}, now)
	if err != nil {
		return h.fail(e, err)
	}
	b, err := xlsx.Receivables(e.Request.Context(), rows, tenantCtx(e).Company.Name, now)
	if err != nil {
		return h.fail(e, err)
	}
	return sendFile(e, "creances", formatXLSX, b)
}
