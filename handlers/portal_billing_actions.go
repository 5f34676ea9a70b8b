package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// billingAnswer re-renders the billing page after a posted form: 200
// with a notice, or the form error with its status (400, 404, 409).
func (h *Handlers) billingAnswer(e *core.RequestEvent, err error, edit func(vm *portal.BillingVM, msg string)) error {
	status, msg := http.StatusOK, ""
	if err != nil {
		a := answerOf(e.Request.Context(), err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		status, msg = a.Status, a.Message
	}
	vm, verr := h.billingVM(e, tenants.InvoiceFilter{})
	if verr != nil {
		return h.fail(e, verr)
	}
	edit(&vm, msg)
	render(e.Response, e.Request, status, portal.BillingPage(vm))
	return nil
}

// portalBillingRun invoices every tenant for the month posted.
func (h *Handlers) portalBillingRun(e *core.RequestEvent) error {
	month := strings.TrimSpace(e.Request.FormValue("month"))
	run, err := h.deps.Registry.RunBilling(e.Request.Context(), month, e.Auth.Email())
	return h.billingAnswer(e, err, func(vm *portal.BillingVM, msg string) {
		vm.Month, vm.RunError = month, msg
		if err == nil {
			vm.RunNotice = i18n.T(e.Request.Context(), "billing.run_done", len(run.Issued), month, len(run.Skipped))
		}
	})
}

// portalInvoicePaid marks an issued invoice paid on the date posted.
func (h *Handlers) portalInvoicePaid(e *core.RequestEvent) error {
	number := e.Request.PathValue("number")
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(e.Request.FormValue("paid_at")))
	if err != nil {
		err = domain.FieldError("paid_at", "err.billing.paid_at")
	} else {
		err = h.deps.Registry.SetInvoicePaid(number, day, e.Auth.Email())
	}
	if err == nil {
		return e.Redirect(http.StatusSeeOther, "/portal/billing?toast=saved")
	}
	return h.billingAnswer(e, err, func(vm *portal.BillingVM, msg string) { vm.RowErrors[number] = msg })
}

// portalInvoiceVoid voids an issued invoice with the reason posted.
func (h *Handlers) portalInvoiceVoid(e *core.RequestEvent) error {
	number := e.Request.PathValue("number")
	err := h.deps.Registry.VoidInvoice(number, e.Request.FormValue("reason"), e.Auth.Email())
	if err == nil {
		return e.Redirect(http.StatusSeeOther, "/portal/billing?toast=saved")
	}
	return h.billingAnswer(e, err, func(vm *portal.BillingVM, msg string) { vm.RowErrors[number] = msg })
}

// portalBillingSettings saves the operator's legal data; the FinOps unit
// prices are kept (they have their own form).
func (h *Handlers) portalBillingSettings(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	set, err := h.deps.Registry.BillingSettings()
	if err != nil {
		return h.fail(e, err)
	}
	f := func(k string) string { return e.Request.FormValue(k) }
	set.SellerName, set.LegalForm, set.SIREN, set.VATNumber, set.RCS = f("seller_name"), f("legal_form"), f("siren"), f("vat_number"), f("rcs")
	set.Address, set.PostCode, set.City, set.Country = f("address"), f("post_code"), f("city"), f("country")
	set.Email, set.IBAN, set.BIC = f("email"), f("iban"), f("bic")
	errs := map[string]string{}
	if set.VATRate, err = strconv.ParseFloat(strings.TrimSpace(f("vat_rate")), 64); err != nil {
		errs["vat_rate"] = i18n.T(ctx, "err.invalid_number")
	}
	if set.PaymentDays, err = strconv.Atoi(strings.TrimSpace(f("payment_days"))); err != nil {
		errs["payment_days"] = i18n.T(ctx, "err.invalid_number")
	}
	if len(errs) == 0 {
		if err := h.deps.Registry.SetBillingSettings(set, e.Auth.Email()); err == nil {
			return e.Redirect(http.StatusSeeOther, "/portal/billing?toast=saved")
		} else if a := answerOf(ctx, err); !a.OnForm {
			return h.fail(e, err)
		} else {
			field := a.Field
			if field == components.WholeForm {
				field = "form"
			}
			errs[field] = a.Message
		}
	}
	vm, err := h.billingVM(e, tenants.InvoiceFilter{})
	if err != nil {
		return h.fail(e, err)
	}
	vm.Seller = sellerVM(set, errs)
	render(e.Response, e.Request, http.StatusBadRequest, portal.BillingPage(vm))
	return nil
}
