package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// PaymentInput is a payment received on an invoice.
type PaymentInput struct {
	AmountCents int64
	PaidOn      time.Time
	Method      string // transfer, check, card, cash, other
	Reference   string
}

// RecordPayment records a payment on an issued invoice and moves it to
// partially_paid or paid: the only change an issued invoice accepts.
// The amount may not exceed what is due.
func RecordPayment(app core.App, actor *core.Record, id string, in PaymentInput) (Invoice, error) {
	if !CanInvoice(actor) {
		return Invoice{}, Errorf(EForbidden, "err.invoice.forbidden")
	}
	switch in.Method {
	case "":
		in.Method = "transfer"
	case "transfer", "check", "card", "cash", "other":
	default:
		return Invoice{}, FieldError("method", "err.invoice.bad_method")
	}
	if in.PaidOn.IsZero() {
		return Invoice{}, FieldError("paid_on", "err.invoice.date_required")
	}
	if in.AmountCents <= 0 {
		return Invoice{}, FieldError("amount", "err.invoice.bad_amount")
	}
	err := app.RunInTransaction(func(tx core.App) error {
		inv, err := FindInvoice(tx, id)
		if err != nil {
			return Errorf(ENotFound, "err.invoice.not_found")
		}
		if inv.Kind() == InvoiceCreditNote || (inv.Status() != InvoiceIssued && inv.Status() != InvoicePartiallyPaid) {
			return Errorf(EConflict, "err.invoice.not_payable")
		}
		due := inv.AmountDueCents(tx)
		if in.AmountCents > due {
			return FieldError("amount", "err.invoice.overpaid", FormatCents(due))
		}
		if _, err := newChild(tx, CollectionInvoicePayments, map[string]any{
			"invoice": id, "paid_on": in.PaidOn.UTC(), "amount_cents": in.AmountCents, "method": in.Method,
			"reference": strings.TrimSpace(in.Reference), "recorded_by": actor.Id,
		}, actor); err != nil {
			return SaveError(err)
		}
		inv.SetAmountPaidCents(inv.AmountPaidCents() + int(in.AmountCents))
		inv.SetStatus(InvoicePartiallyPaid)
		if in.AmountCents == due {
			inv.SetStatus(InvoicePaid)
		}
		inv.Set(invoiceOpKey, true)
		setActor(inv.Record, actor)
		return tx.Save(inv.Record)
	})
	if err != nil {
		return Invoice{}, err
	}
	return FindInvoice(app, id)
}

// CreateCreditNote drafts a credit note (avoir) of an issued invoice:
// amountCents 0 credits it whole (its lines copied, so that a credited
// situation's progress is billed again on the next one); otherwise a
// partial credit of amountCents excl. VAT at the invoice's main VAT rate.
// A credit note is issued like an invoice, in the same sequence.
func CreateCreditNote(app core.App, actor *core.Record, id string, amountCents int64, reason string) (Invoice, error) {
	if !CanInvoice(actor) {
		return Invoice{}, Errorf(EForbidden, "err.invoice.forbidden")
	}
	orig, err := FindInvoice(app, id)
	if err != nil {
		return Invoice{}, Errorf(ENotFound, "err.invoice.not_found")
	}
	if orig.Status() == InvoiceDraft || orig.Kind() == InvoiceCreditNote {
		return Invoice{}, Errorf(EConflict, "err.invoice.not_creditable")
	}
	if amountCents < 0 {
		return Invoice{}, FieldError("amount", "err.invoice.bad_amount")
	}
	t, err := orig.Totals(app)
	if err != nil {
		return Invoice{}, err
	}
	head := map[string]any{
		"site": orig.SiteID(), "client": orig.ClientID(), "kind": InvoiceCreditNote, "status": InvoiceDraft,
		"credit_of": orig.Id, "reverse_charge": orig.ReverseCharge(), "notes": strings.TrimSpace(reason),
		"period_start": orig.PeriodStart(), "period_end": orig.PeriodEnd(),
	}
	var lines []map[string]any
	if amountCents == 0 {
		head["down_payment_cents"] = orig.DownPaymentCents()
		src, err := FindInvoiceLines(app, orig.Id)
		if err != nil {
			return Invoice{}, err
		}
		for _, l := range src {
			lines = append(lines, map[string]any{
				"contract_line": l.ContractLineID(), "kind": "credit", "designation": l.Designation(),
				"description": l.Description(), "unit": l.Unit(), "quantity": l.Quantity(),
				"unit_price_cents": l.UnitPriceCents(), "net_cents": l.NetCents(), "vat_rate": l.VATRate(),
			})
		}
	} else {
		if amountCents > t.ExclCents {
			return Invoice{}, FieldError("amount", "err.invoice.credit_too_large")
		}
		rate := 20.0
		if len(t.ByRate) > 0 {
			best := t.ByRate[0]
			for _, s := range t.ByRate {
				if s.BaseCents > best.BaseCents {
					best = s
				}
			}
			rate = best.Rate
		}
		lines = append(lines, map[string]any{
			"kind": "credit", "designation": "Avoir sur facture " + orig.Number(), "description": strings.TrimSpace(reason),
			"quantity": 1, "unit_price_cents": amountCents, "net_cents": amountCents, "vat_rate": rate,
		})
	}
	return saveDraft(app, actor, head, lines)
}

// checkCreditRoom refuses a credit note that would credit more than its
// invoice's total incl. VAT with the credit notes already issued.
func checkCreditRoom(app core.App, cn Invoice, t InvoiceTotals) error {
	orig, err := FindInvoice(app, cn.CreditOfID())
	if err != nil || orig.Status() == InvoiceDraft {
		return Errorf(EConflict, "err.invoice.not_creditable")
	}
	if orig.CreditedCents(app)+t.InclCents > int64(orig.TotalInclCents()) {
		return Errorf(EConflict, "err.invoice.credit_too_large")
	}
	return nil
}

// ReleaseRetention releases the guarantee retention of an issued invoice
// at the end of the guarantee year (or on the guarantor's bond): the
// amount held becomes due again, with no new invoice (the works and their
// VAT were invoiced already). The invoice goes back to partially paid
// until the client pays it. Audited like every change.
func ReleaseRetention(app core.App, actor *core.Record, id string, now time.Time) (Invoice, error) {
	if !CanInvoice(actor) {
		return Invoice{}, Errorf(EForbidden, "err.invoice.forbidden")
	}
	err := app.RunInTransaction(func(tx core.App) error {
		inv, err := FindInvoice(tx, id)
		if err != nil {
			return Errorf(ENotFound, "err.invoice.not_found")
		}
		if inv.Status() == InvoiceDraft || inv.RetentionCents() == 0 || !inv.RetentionReleasedAt().IsZero() {
			return Errorf(EConflict, "err.invoice.no_retention")
		}
		inv.SetRetentionReleasedAt(now.UTC())
		if inv.Status() == InvoicePaid {
			inv.SetStatus(InvoicePartiallyPaid)
		}
		inv.Set(invoiceOpKey, true)
		setActor(inv.Record, actor)
		return tx.Save(inv.Record)
	})
	if err != nil {
		return Invoice{}, err
	}
	return FindInvoice(app, id)
}
