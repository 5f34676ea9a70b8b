package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
)

// invoiceRatesSave is POST /invoices/settings/rates (€ per hour and role).
func (h *Handlers) invoiceRatesSave(e *core.RequestEvent) error {
	rates := domain.BillingRates{}
	var err error
	names := []string{}
	for _, r := range domain.BillingRateRoles {
		names = append(names, "rate_"+r)
		if s := e.Request.FormValue("rate_" + r); s != "" {
			v, ok := domain.ParseDecimal(s)
			if !ok && err == nil {
				err = domain.FieldError("rate_"+r, "err.invoice.bad_rate")
			}
			rates[r] = v
		}
	}
	if err == nil {
		err = domain.SetBillingRates(e.App, e.Auth, rates)
	}
	if err != nil {
		form, status := formOf(e, err, names...)
		return h.invoiceSettingsPage(e, status, components.Form{}, form)
	}
	return e.Redirect(http.StatusSeeOther, "/invoices/settings?toast=saved")
}

// invoiceSalePricesSave is POST /invoices/settings/sale-prices (€ per
// unit, excl. VAT, of each material listed).
func (h *Handlers) invoiceSalePricesSave(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.invoice.bad_amount"))
	}
	prices := map[string]float64{}
	var err error
	var names []string
	for k, v := range e.Request.PostForm {
		id, ok := strings.CutPrefix(k, "price_")
		if !ok || len(v) == 0 {
			continue
		}
		names = append(names, k)
		p, ok := domain.ParseDecimal(v[0])
		if v[0] == "" {
			p, ok = 0, true
		}
		if !ok && err == nil {
			err = domain.FieldError(k, "err.invoice.bad_amount")
		}
		prices[id] = p
	}
	if err == nil {
		err = domain.SetMaterialSalePrices(e.App, e.Auth, prices)
	}
	if err != nil {
		form, status := formOf(e, err, names...)
		return h.invoiceSettingsPage(e, status, components.Form{}, components.Form{}, form)
	}
	return e.Redirect(http.StatusSeeOther, "/invoices/settings?toast=saved")
}
