package handlers

import (
	"context"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/invoicedoc"
	"github.com/fieldops360/fieldops/views/i18n"
)

// invoiceRoutes registers invoicing (issue #18): the Facturation pages,
// a site's contract, the documents and exports of the "invoices" module
// (domain.CanOpen: managers, project managers, tenant admins), and the
// JSON API, which answers 401/403 itself.
func (h *Handlers) invoiceRoutes(r *router.Router[*core.RequestEvent]) {
	m := h.module(r, "invoices")
	m.GET("/invoices", h.invoicesList)
	m.GET("/invoices.xlsx", h.invoicesXLSX)
	m.GET("/receivables.xlsx", h.receivablesXLSX)
	m.POST("/invoices/time-materials", h.invoiceTMCreate)
	m.GET("/invoices/settings", h.invoiceSettingsShow)
	m.POST("/invoices/settings/legal", h.invoiceLegalSave)
	m.POST("/invoices/settings/rates", h.invoiceRatesSave)
	m.POST("/invoices/settings/sale-prices", h.invoiceSalePricesSave)
	m.GET("/invoices/{file}", h.invoiceShowOrFile)
	m.POST("/invoices/{id}/issue", h.invoiceAction(h.invoiceIssue))
	m.POST("/invoices/{id}/delete", h.invoiceAction(h.invoiceDelete))
	m.POST("/invoices/{id}/payments", h.invoiceAction(h.invoicePayment))
	m.POST("/invoices/{id}/credit-note", h.invoiceAction(h.invoiceCreditNote))
	m.POST("/invoices/{id}/release-retention", h.invoiceAction(h.invoiceReleaseRetention))
	m.GET("/sites/{id}/contract", h.contractShow)
	m.POST("/sites/{id}/contract/lines", h.contractAction(h.contractLineAdd))
	m.POST("/sites/{id}/contract/lines/{lid}/progress", h.contractAction(h.contractProgress))
	m.POST("/sites/{id}/contract/lines/{lid}/delete", h.contractAction(h.contractLineDelete))
	m.POST("/sites/{id}/contract/import", h.contractAction(h.contractImport))
	m.POST("/sites/{id}/contract/client", h.contractAction(h.contractClient))
	m.POST("/sites/{id}/contract/situation", h.contractAction(h.contractSituation))
	m.POST("/sites/{id}/contract/link", h.contractAction(h.contractLink))
	r.GET("/api/fieldops/invoices", h.invoicesAPI)
}

// invoiceOptions are the PDF options of the tenant: its brand colour and
// logo; draft marks a document not issued.
func (h *Handlers) invoiceOptions(e *core.RequestEvent, draft bool) invoicedoc.Options {
	opt := invoicedoc.Options{Draft: draft}
	if co, err := domain.FindCompany(e.App); err == nil {
		opt.BrandColor = co.BrandColor()
	}
	return opt
}

// invoiceCtx is the language of invoice documents: French, the
// language of the contract, whatever the reader's.
func (h *Handlers) invoiceCtx(e *core.RequestEvent) context.Context {
	return i18n.WithLocale(e.Request.Context(), h.cat, i18n.FR, tenantCtx(e).Location())
}

// money formats cents in the reader's locale.
func money(ctx context.Context, cents int64) string { return i18n.FormatEUR(ctx, float64(cents)/100) }

// invoiceAction runs a POST on an invoice (found, or the 404 page) and
// sends the user back to it: with its errors (400 page) when refused.
func (h *Handlers) invoiceAction(do func(e *core.RequestEvent, inv domain.Invoice) (string, error)) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		inv, err := domain.FindInvoice(e.App, e.Request.PathValue("id"))
		if err != nil {
			return h.fail(e, domain.Errorf(domain.ENotFound, "err.invoice.not_found"))
		}
		if !domain.CanInvoice(e.Auth) {
			return h.errorPage(e, http.StatusForbidden)
		}
		next, err := do(e, inv)
		if err != nil {
			a := answerOf(e.Request.Context(), err)
			if a.Status == http.StatusInternalServerError || a.Status == http.StatusServiceUnavailable {
				return h.fail(e, err)
			}
			return h.invoicePage(e, inv.Id, a.Status, map[string]string{a.Field: a.Message})
		}
		return e.Redirect(http.StatusSeeOther, next)
	}
}
