package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/invoices"
	"github.com/fieldops360/fieldops/views/layouts"
)

// invoiceSettingsShow is GET /invoices/settings: the company's legal data
// and the billing rates (managers and tenant admins).
func (h *Handlers) invoiceSettingsShow(e *core.RequestEvent) error {
	return h.invoiceSettingsPage(e, http.StatusOK, components.Form{}, components.Form{})
}

func (h *Handlers) invoiceSettingsPage(e *core.RequestEvent, status int, legal, rates components.Form, more ...components.Form) error {
	var prices components.Form
	if len(more) > 0 {
		prices = more[0]
	}
	ctx := e.Request.Context()
	if !domain.CanManageInvoicing(e.Auth) {
		return h.errorPage(e, http.StatusForbidden)
	}
	co, err := domain.FindCompany(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	if legal.Values == nil {
		l := co.Legal()
		legal.Values = map[string]string{"siren": l.Siren, "siret": l.Siret, "vat_number": l.VATNumber, "rcs": l.RCS,
			"legal_form": l.LegalForm, "share_capital": strconv.FormatFloat(l.ShareCapital, 'f', -1, 64), "address": l.Address,
			"postcode": l.Postcode, "city": l.City, "iban": l.IBAN, "bic": l.BIC, "payment_terms_days": strconv.Itoa(l.PaymentTermsDays)}
	}
	title := i18n.T(ctx, "invoice.settings.title")
	vm := invoices.SettingsVM{Shell: h.shell(e, "invoices", title, layouts.Crumb{Label: i18n.T(ctx, "nav.invoices"), Href: "/invoices"}, layouts.Crumb{Label: title}),
		Legal: legal, Rates: rates}
	if vm.Rates.Values == nil {
		vm.Rates.Values = map[string]string{}
		for role, v := range co.Rates() {
			vm.Rates.Values["rate_"+role] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	for _, r := range domain.BillingRateRoles {
		vm.Roles = append(vm.Roles, components.Option{Value: r, Label: i18n.T(ctx, "invoice.rate_of", i18n.T(ctx, "rpt.role."+r))})
	}
	mats, err := domain.FindMaterialSalePrices(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Prices = prices
	if vm.Prices.Values == nil {
		vm.Prices.Values = map[string]string{}
		for _, m := range mats {
			vm.Prices.Values["price_"+m.ID] = strconv.FormatFloat(m.SalePrice, 'f', -1, 64)
		}
	}
	for _, m := range mats {
		vm.Items = append(vm.Items, components.Option{Value: m.ID, Label: i18n.T(ctx, "invoice.sale_price_of", m.Name, m.Unit)})
	}
	render(e.Response, e.Request, status, invoices.SettingsPage(vm))
	return nil
}

// formOf keeps the posted values of names and the error of err.
func formOf(e *core.RequestEvent, err error, names ...string) (components.Form, int) {
	f := components.Form{Values: map[string]string{}, Errors: components.FieldErrors{}}
	for _, n := range names {
		f.Values[n] = e.Request.FormValue(n)
	}
	a := answerOf(e.Request.Context(), err)
	field := a.Field
	if _, ok := f.Values[field]; !ok {
		field = components.WholeForm
	}
	f.Errors[field] = a.Message
	return f, a.Status
}

var legalFields = []string{"siren", "siret", "vat_number", "rcs", "legal_form", "share_capital", "address", "postcode", "city", "iban", "bic", "payment_terms_days"}

// invoiceLegalSave is POST /invoices/settings/legal.
func (h *Handlers) invoiceLegalSave(e *core.RequestEvent) error {
	f := e.Request.FormValue
	capital, ok1 := domain.ParseDecimal(f("share_capital"))
	days, err2 := strconv.Atoi(f("payment_terms_days"))
	var err error
	switch {
	case f("share_capital") != "" && !ok1:
		err = domain.FieldError("share_capital", "err.invoice.bad_amount")
	case f("payment_terms_days") != "" && err2 != nil:
		err = domain.FieldError("payment_terms_days", "err.invoice.bad_terms")
	default:
		err = domain.SaveCompanyLegal(e.App, e.Auth, domain.LegalInput{Siren: f("siren"), Siret: f("siret"), VATNumber: f("vat_number"),
			RCS: f("rcs"), LegalForm: f("legal_form"), ShareCapital: capital, Address: f("address"), Postcode: f("postcode"),
			City: f("city"), IBAN: f("iban"), BIC: f("bic"), PaymentTermsDays: days})
	}
	if err != nil {
		form, status := formOf(e, err, legalFields...)
		return h.invoiceSettingsPage(e, status, form, components.Form{})
	}
	return e.Redirect(http.StatusSeeOther, "/invoices/settings?toast=saved")
}
