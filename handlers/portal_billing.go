package handlers

import (
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// portalBusinessRoutes registers the portal's billing of customers,
// FinOps and monitoring pages (issue #19) on the superuser-only group.
func (h *Handlers) portalBusinessRoutes(p *router.RouterGroup[*core.RequestEvent]) {
	p.GET("/billing", h.portalBilling)
	p.POST("/billing/run", h.portalBillingRun)
	p.POST("/billing/settings", h.portalBillingSettings)
	p.GET("/billing/export.csv", h.portalBillingExport(false))
	p.GET("/billing/export.xlsx", h.portalBillingExport(true))
	p.GET("/billing/{number}/pdf", h.portalInvoicePDF)
	p.POST("/billing/{number}/paid", h.portalInvoicePaid)
	p.POST("/billing/{number}/void", h.portalInvoiceVoid)
	p.GET("/finops", h.portalFinOps)
	p.POST("/finops/prices", h.portalFinOpsPrices)
	p.GET("/monitor", h.portalMonitor)
	p.GET("/monitor/stream", h.portalMonitorStream)
}

// portalInvoiceFilter reads the billing page's filters from the query.
func portalInvoiceFilter(e *core.RequestEvent) tenants.InvoiceFilter {
	q := e.Request.URL.Query()
	return tenants.InvoiceFilter{Tenant: q.Get("tenant"), Status: q.Get("status"), Period: q.Get("period")}
}

// billingVM builds the billing page for filter f.
func (h *Handlers) billingVM(e *core.RequestEvent, f tenants.InvoiceFilter) (portal.BillingVM, error) {
	ctx := e.Request.Context()
	now := h.deps.Clock().UTC()
	vm := portal.BillingVM{
		Shell: h.portalShell(e, "billing", i18n.T(ctx, "portal.nav.billing")), Tenant: f.Tenant, Status: f.Status, Period: f.Period,
		Query: url.Values{"tenant": {f.Tenant}, "status": {f.Status}, "period": {f.Period}}.Encode(),
		Month: now.AddDate(0, -1, 0).Format("2006-01"), Today: now.Format(time.DateOnly), RowErrors: map[string]string{},
	}
	vm.Shell.Toasts = h.flashToasts(e)
	list, err := h.deps.Registry.List()
	if err != nil {
		return vm, err
	}
	vm.Tenants = []components.Option{{Value: "", Label: i18n.T(ctx, "billing.all")}}
	for _, t := range list {
		vm.Tenants = append(vm.Tenants, components.Option{Value: t.Slug, Label: t.Slug})
	}
	vm.Statuses = []components.Option{{Value: "", Label: i18n.T(ctx, "billing.all")}}
	for _, s := range []string{tenants.InvoiceIssued, tenants.InvoicePaid, tenants.InvoiceVoid} {
		vm.Statuses = append(vm.Statuses, components.Option{Value: s, Label: i18n.T(ctx, "billing.status."+s)})
	}
	invoices, err := h.deps.Registry.Invoices(f)
	if err != nil {
		return vm, err
	}
	for _, inv := range invoices {
		row := portal.InvoiceRowVM{Number: inv.Number, Tenant: inv.Tenant, Buyer: inv.Buyer, Period: inv.Period,
			Issued: i18n.FormatDate(ctx, inv.IssuedAt), Due: i18n.FormatDate(ctx, inv.DueAt),
			Net: i18n.FormatEUR(ctx, inv.NetEUR), VAT: i18n.FormatEUR(ctx, inv.VATEUR), Amount: i18n.FormatEUR(ctx, inv.AmountEUR),
			Status: inv.Status, StatusLabel: i18n.T(ctx, "billing.status."+inv.Status), VoidReason: inv.VoidReason,
			CanChange: inv.Status == tenants.InvoiceIssued}
		if !inv.PaidAt.IsZero() {
			row.Paid = i18n.FormatDate(ctx, inv.PaidAt)
		}
		vm.Rows = append(vm.Rows, row)
	}
	set, err := h.deps.Registry.BillingSettings()
	if err != nil {
		return vm, err
	}
	vm.Seller = sellerVM(set, nil)
	return vm, nil
}

// sellerVM fills the operator's legal data form.
func sellerVM(s tenants.BillingSettings, errs map[string]string) portal.SellerVM {
	vals := []struct{ name, value, typ string }{
		{"seller_name", s.SellerName, "text"}, {"legal_form", s.LegalForm, "text"}, {"siren", s.SIREN, "text"},
		{"vat_number", s.VATNumber, "text"}, {"rcs", s.RCS, "text"}, {"address", s.Address, "text"},
		{"post_code", s.PostCode, "text"}, {"city", s.City, "text"}, {"country", s.Country, "text"},
		{"email", s.Email, "email"}, {"iban", s.IBAN, "text"}, {"bic", s.BIC, "text"},
		{"vat_rate", formatFloat(s.VATRate), "number"}, {"payment_days", formatFloat(float64(s.PaymentDays)), "number"},
	}
	vm := portal.SellerVM{FormError: errs["form"]}
	for _, v := range vals {
		vm.Fields = append(vm.Fields, portal.SettingFieldVM{Name: v.name, Value: v.value, Type: v.typ, Error: errs[v.name]})
	}
	return vm
}

// portalBilling lists customer invoices with their filters.
func (h *Handlers) portalBilling(e *core.RequestEvent) error {
	vm, err := h.billingVM(e, portalInvoiceFilter(e))
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, portal.BillingPage(vm))
	return nil
}

// portalBillingExport downloads the filtered invoices as CSV or Excel.
func (h *Handlers) portalBillingExport(xlsx bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error { return h.billingExport(e, xlsx) }
}

func (h *Handlers) billingExport(e *core.RequestEvent, xlsx bool) error {
	list, err := h.deps.Registry.Invoices(portalInvoiceFilter(e))
	if err != nil {
		return h.fail(e, err)
	}
	var b []byte
	ctype, name := "text/csv; charset=utf-8", "invoices.csv"
	if xlsx {
		ctype, name = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "invoices.xlsx"
		b, err = tenants.InvoicesXLSX(list)
	} else {
		b, err = tenants.InvoicesCSV(list)
	}
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return e.Blob(http.StatusOK, ctype, b)
}

// portalInvoicePDF downloads an invoice's Factur-X PDF (checked against
// its SHA-256).
func (h *Handlers) portalInvoicePDF(e *core.RequestEvent) error {
	b, inv, err := h.deps.Registry.InvoicePDF(e.Request.PathValue("number"))
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+inv.Number+`.pdf"`)
	return e.Blob(http.StatusOK, "application/pdf", b)
}
