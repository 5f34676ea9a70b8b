package domain

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Invoice numbering. Every issued document of a tenant — invoices and
// credit notes alike — takes the next number of one unbroken sequence
// (invoices.sequence: 1, 2, 3…, never reset), written
// "FA-<year of issue>-<sequence on 6 digits>", e.g. FA-2026-000001. The
// number is assigned inside the transaction that issues the invoice and
// stores its files: an issue that fails rolls back whole, leaving no gap;
// SQLite serialises writers, and a unique index on sequence refuses a
// duplicate.

// InvoiceRender writes an invoice's files from its records as app reads
// them (the issuing transaction): the Factur-X PDF (the XML embedded) and
// the CII XML alone. The handlers pass invoicedoc.Render (the domain does
// not import the document writers).
type InvoiceRender func(app core.App, inv Invoice) (pdf, xml []byte, err error)

// invoiceOpKey marks the saves of an invoice the lifecycle makes (issue,
// payment): the only changes an issued invoice accepts.
const invoiceOpKey = "@fieldopsInvoiceOp"

// InvoiceNumber formats the number of sequence seq issued in year.
func InvoiceNumber(year, seq int) string { return fmt.Sprintf("FA-%d-%06d", year, seq) }

// MissingLegalData names the company data an invoice must carry and the
// settings lack: SIREN or SIRET, VAT number, address with post code and
// city, IBAN.
func MissingLegalData(co Company) []string {
	var miss []string
	if co.Siren() == "" && co.SIRET() == "" {
		miss = append(miss, "SIREN/SIRET")
	}
	if co.VATNumber() == "" {
		miss = append(miss, "TVA/VAT")
	}
	if co.Address() == "" || co.Postcode() == "" || co.City() == "" {
		miss = append(miss, "adresse/address")
	}
	if co.Iban() == "" {
		miss = append(miss, "IBAN")
	}
	return miss
}

// IssueInvoice issues a draft: checks the company's legal data and the
// client, assigns the next number, dates it (due date: the company's
// payment terms, 30 days by default), stores its totals, generates its
// PDF and XML once with render and stores them with their SHA-256 — all in
// one transaction, audited.
func IssueInvoice(app core.App, actor *core.Record, id string, now time.Time, render InvoiceRender) (Invoice, error) {
	if !CanInvoice(actor) {
		return Invoice{}, Errorf(EForbidden, "err.invoice.forbidden")
	}
	err := app.RunInTransaction(func(tx core.App) error {
		inv, err := FindInvoice(tx, id)
		if err != nil {
			return Errorf(ENotFound, "err.invoice.not_found")
		}
		if inv.Status() != InvoiceDraft {
			return Errorf(EConflict, "err.invoice.not_draft")
		}
		co, err := FindCompany(tx)
		if err != nil {
			return err
		}
		if miss := MissingLegalData(co); len(miss) > 0 {
			return Errorf(EInvalid, "err.invoice.legal_missing", strings.Join(miss, ", "))
		}
		cl, err := FindClient(tx, inv.ClientID())
		if err != nil || cl.Address() == "" {
			return Errorf(EInvalid, "err.invoice.client_incomplete")
		}
		if inv.ReverseCharge() && cl.VATNumber() == "" {
			return Errorf(EInvalid, "err.invoice.reverse_charge_vat")
		}
		t, err := inv.Totals(tx)
		if err != nil {
			return err
		}
		if t.InclCents <= 0 {
			return Errorf(EInvalid, "err.invoice.not_positive")
		}
		if inv.Kind() == InvoiceCreditNote {
			if err := checkCreditRoom(tx, inv, t); err != nil {
				return err
			}
		}
		var last struct {
			N int `db:"n"`
		}
		if err := tx.DB().NewQuery("SELECT COALESCE(MAX(sequence), 0) AS n FROM invoices").One(&last); err != nil {
			return err
		}
		today := TenantFactsOf(tx).Today(now)
		inv.SetSequence(last.N + 1)
		inv.SetNumber(InvoiceNumber(today.Year(), last.N+1))
		inv.SetIssueDate(today)
		if inv.Kind() != InvoiceCreditNote {
			days := co.PaymentTermsDays()
			if days <= 0 {
				days = 30
			}
			inv.SetDueDate(today.AddDate(0, 0, days))
		}
		inv.SetStatus(InvoiceIssued)
		inv.SetIssuedAt(now.UTC())
		inv.SetIssuedByID(actor.Id)
		inv.SetTotalExclCents(int(t.ExclCents))
		inv.SetVATCents(int(t.VATCents))
		inv.SetTotalInclCents(int(t.InclCents))
		inv.SetRetentionCents(int(t.RetentionCents))
		inv.SetNetToPayCents(int(t.NetToPayCents))
		pdf, xml, err := render(tx, inv)
		if err != nil {
			return fmt.Errorf("render invoice %s: %w", inv.Number(), err)
		}
		pf, err := filesystem.NewFileFromBytes(pdf, inv.Number()+".pdf")
		if err != nil {
			return err
		}
		xf, err := filesystem.NewFileFromBytes(xml, inv.Number()+".xml")
		if err != nil {
			return err
		}
		inv.Set("pdf", pf)
		inv.Set("xml", xf)
		inv.SetPDFSHA256(SHA256Hex(pdf))
		inv.SetXmlSHA256(SHA256Hex(xml))
		inv.Set(invoiceOpKey, true)
		setActor(inv.Record, actor)
		if err := tx.Save(inv.Record); err != nil {
			return SaveError(err)
		}
		return nil
	})
	if err != nil {
		return Invoice{}, err
	}
	return FindInvoice(app, id)
}

// DeleteDraftInvoice deletes a draft (an issued invoice is corrected by a
// credit note, never deleted).
func DeleteDraftInvoice(app core.App, actor *core.Record, id string) error {
	if !CanInvoice(actor) {
		return Errorf(EForbidden, "err.invoice.forbidden")
	}
	inv, err := FindInvoice(app, id)
	if err != nil {
		return Errorf(ENotFound, "err.invoice.not_found")
	}
	if inv.Status() != InvoiceDraft {
		return Errorf(EForbidden, "err.invoice.immutable")
	}
	setActor(inv.Record, actor)
	return app.Delete(inv.Record)
}
