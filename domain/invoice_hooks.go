package domain

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Issued invoices are immutable on every path (issue #18): the REST API
// has no write rule on invoices, their lines and payments (superusers
// only), and these hooks refuse, even for superusers and the domain
// itself:
//   - an invoice created other than as a draft;
//   - a draft leaving draft, or an issued invoice changing at all, except
//     by the lifecycle's own saves (issue, payment: invoiceOpKey), and
//     then only status and amount paid once issued;
//   - deleting an issued invoice;
//   - creating, changing or deleting a line of an issued invoice;
//   - changing or deleting a payment;
//   - a contract line at another VAT rate than 20, 10 or 5.5 %, or moved
//     to another site.
//
// A refusal is EForbidden: 403 through the REST API.

// ErrInvoiceImmutable is the refusal of a change to an issued invoice.
var ErrInvoiceImmutable = Errorf(EForbidden, "err.invoice.immutable")

// paymentFields are what a payment or the release of the retention
// changes on an issued invoice.
var paymentFields = map[string]bool{"status": true, "amount_paid_cents": true, "retention_released_at": true, "updated": true}

func bindInvoiceHooks(app core.App) {
	h := func(id string, f func(e *core.RecordEvent) error) *hook.Handler[*core.RecordEvent] {
		return &hook.Handler[*core.RecordEvent]{Id: id, Func: f}
	}
	app.OnRecordCreateExecute(CollectionInvoices).Bind(h("fieldopsInvoiceCreate", func(e *core.RecordEvent) error {
		if e.Record.GetString("status") != InvoiceDraft {
			return ErrInvoiceImmutable
		}
		return e.Next()
	}))
	app.OnRecordUpdateExecute(CollectionInvoices).Bind(h("fieldopsInvoiceUpdate", checkInvoiceUpdate))
	app.OnRecordDeleteExecute(CollectionInvoices).Bind(h("fieldopsInvoiceDelete", func(e *core.RecordEvent) error {
		if orig := storedOf(e); orig != nil && orig.GetString("status") != InvoiceDraft {
			return ErrInvoiceImmutable
		}
		return e.Next()
	}))
	line := func(e *core.RecordEvent) error {
		ids := []string{e.Record.GetString("invoice")}
		if orig := storedOf(e); orig != nil {
			ids = append(ids, orig.GetString("invoice"))
		}
		for _, id := range ids {
			if inv, err := e.App.FindRecordById(CollectionInvoices, id); err == nil && inv.GetString("status") != InvoiceDraft {
				return ErrInvoiceImmutable
			}
		}
		return e.Next()
	}
	app.OnRecordCreateExecute(CollectionInvoiceLines).Bind(h("fieldopsInvoiceLineCreate", line))
	app.OnRecordUpdateExecute(CollectionInvoiceLines).Bind(h("fieldopsInvoiceLineUpdate", line))
	app.OnRecordDeleteExecute(CollectionInvoiceLines).Bind(h("fieldopsInvoiceLineDelete", line))
	contract := func(e *core.RecordEvent) error {
		r := e.Record
		if !ValidVATRate(r.GetFloat("vat_rate")) || r.GetFloat("vat_rate") == 0 {
			return FieldError("vat_rate", "err.contract.bad_vat_rate")
		}
		if orig := storedOf(e); orig != nil && orig.GetString("site") != r.GetString("site") {
			return Errorf(EForbidden, "err.contract.forbidden")
		}
		return e.Next()
	}
	app.OnRecordCreateExecute(CollectionContractLines).Bind(h("fieldopsContractLineCreate", contract))
	app.OnRecordUpdateExecute(CollectionContractLines).Bind(h("fieldopsContractLineUpdate", contract))
	refuse := func(e *core.RecordEvent) error { return ErrInvoiceImmutable }
	app.OnRecordUpdateExecute(CollectionInvoicePayments).Bind(h("fieldopsInvoicePaymentUpdate", refuse))
	app.OnRecordDeleteExecute(CollectionInvoicePayments).Bind(h("fieldopsInvoicePaymentDelete", refuse))
}

// checkInvoiceUpdate applies the update rules above.
func checkInvoiceUpdate(e *core.RecordEvent) error {
	r := e.Record
	orig := storedOf(e)
	op, _ := r.Get(invoiceOpKey).(bool)
	r.Set(invoiceOpKey, false) // one save only
	if orig == nil {
		return e.Next()
	}
	if orig.GetString("status") == InvoiceDraft {
		if r.GetString("status") != InvoiceDraft && !op {
			return ErrInvoiceImmutable
		}
		return e.Next()
	}
	if !op {
		return ErrInvoiceImmutable
	}
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if !paymentFields[name] && fmt.Sprint(r.Get(name)) != fmt.Sprint(orig.Get(name)) {
			return ErrInvoiceImmutable
		}
	}
	return e.Next()
}

// storedOf returns the stored row of the record an event changes (nil for
// a create). NB: not Record.Original(), which a record saved in process
// keeps from before its last save.
func storedOf(e *core.RecordEvent) *core.Record {
	if e.Record.Id == "" {
		return nil
	}
	stored, err := e.App.FindRecordById(e.Record.Collection(), e.Record.Id)
	if err != nil {
		return nil
	}
	return stored
}
