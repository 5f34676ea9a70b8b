package handlers

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/invoicedoc"
)

// invoiceIssue issues a draft: number, dates, stored Factur-X PDF and XML
// (domain.IssueInvoice).
func (h *Handlers) invoiceIssue(e *core.RequestEvent, inv domain.Invoice) (string, error) {
	_, err := domain.IssueInvoice(e.App, e.Auth, inv.Id, h.deps.Clock(), invoicedoc.Render(h.invoiceCtx(e), h.invoiceOptions(e, false)))
	return "/invoices/" + inv.Id + "?toast=issued", err
}

// invoiceDelete deletes a draft.
func (h *Handlers) invoiceDelete(e *core.RequestEvent, inv domain.Invoice) (string, error) {
	return "/invoices?toast=deleted", domain.DeleteDraftInvoice(e.App, e.Auth, inv.Id)
}

// invoicePayment records a payment: amount in euros, date, method,
// reference.
func (h *Handlers) invoicePayment(e *core.RequestEvent, inv domain.Invoice) (string, error) {
	f := e.Request.FormValue
	cents, ok := domain.ParseEuros(f("amount"))
	if !ok {
		return "", domain.FieldError("amount", "err.invoice.bad_amount")
	}
	day, bad := formDate(f("paid_on"))
	if bad || day.IsZero() {
		return "", domain.FieldError("paid_on", "err.invoice.date_required")
	}
	_, err := domain.RecordPayment(e.App, e.Auth, inv.Id, domain.PaymentInput{AmountCents: cents, PaidOn: day, Method: f("method"), Reference: f("reference")})
	return "/invoices/" + inv.Id + "?toast=saved", err
}

// invoiceCreditNote drafts a credit note: whole when no amount is typed,
// else a partial credit of that amount excl. VAT.
func (h *Handlers) invoiceCreditNote(e *core.RequestEvent, inv domain.Invoice) (string, error) {
	var cents int64
	if s := strings.TrimSpace(e.Request.FormValue("credit_amount")); s != "" {
		var ok bool
		if cents, ok = domain.ParseEuros(s); !ok || cents <= 0 {
			return "", domain.FieldError("amount", "err.invoice.bad_amount")
		}
	}
	cn, err := domain.CreateCreditNote(e.App, e.Auth, inv.Id, cents, e.Request.FormValue("reason"))
	if err != nil {
		return "", err
	}
	return "/invoices/" + cn.Id, nil
}

// invoiceReleaseRetention releases the guarantee retention (due again).
func (h *Handlers) invoiceReleaseRetention(e *core.RequestEvent, inv domain.Invoice) (string, error) {
	_, err := domain.ReleaseRetention(e.App, e.Auth, inv.Id, h.deps.Clock())
	return "/invoices/" + inv.Id + "?toast=saved", err
}

// invoiceFile answers an invoice's PDF or XML: an issued invoice's stored
// files (generated once when issued), a draft's generated now with the
// draft mark.
func (h *Handlers) invoiceFile(e *core.RequestEvent, id, format string) error {
	inv, err := domain.FindInvoice(e.App, id)
	if err != nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.invoice.not_found"))
	}
	base := inv.Number()
	var pdf, xml []byte
	if inv.Status() == domain.InvoiceDraft {
		base = "brouillon-" + inv.Id
		pdf, xml, err = invoicedoc.Files(h.invoiceCtx(e), e.App, inv, h.invoiceOptions(e, true))
		if err != nil && format == formatPDF && pdf != nil {
			err = nil // an incomplete draft: its PDF without e-invoice
		}
	} else if format == formatPDF {
		pdf, err = domain.StoredInvoiceFile(e.App, inv, "pdf")
	} else {
		xml, err = domain.StoredInvoiceFile(e.App, inv, "xml")
	}
	if err != nil {
		return h.fail(e, err)
	}
	if format == formatPDF {
		return sendFile(e, base, formatPDF, pdf)
	}
	return sendFile(e, base, "xml", xml)
}
