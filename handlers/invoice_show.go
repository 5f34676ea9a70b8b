package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/invoices"
	"github.com/fieldops360/fieldops/views/layouts"
)

// invoiceShowOrFile is GET /invoices/{id}, /invoices/{id}.pdf and
// /invoices/{id}.xml.
func (h *Handlers) invoiceShowOrFile(e *core.RequestEvent) error {
	name := e.Request.PathValue("file")
	switch {
	case strings.HasSuffix(name, ".pdf"):
		return h.invoiceFile(e, strings.TrimSuffix(name, ".pdf"), formatPDF)
	case strings.HasSuffix(name, ".xml"):
		return h.invoiceFile(e, strings.TrimSuffix(name, ".xml"), "xml")
	}
	return h.invoicePage(e, name, http.StatusOK, nil)
}

// invoicePage renders an invoice with the errors of a refused action.
func (h *Handlers) invoicePage(e *core.RequestEvent, id string, status int, errs map[string]string) error {
	ctx := e.Request.Context()
	inv, err := domain.FindInvoice(e.App, id)
	if err != nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.invoice.not_found"))
	}
	title := inv.Number()
	if title == "" {
		title = i18n.T(ctx, "invoice.draft_title")
	}
	vm := invoices.ShowVM{ID: inv.Id, Title: title, Status: inv.Status(), StatusLabel: i18n.T(ctx, "invoice.status."+inv.Status()),
		KindLabel: i18n.T(ctx, "invoice.kind."+inv.Kind()), SiteID: inv.SiteID(), Reverse: inv.ReverseCharge(),
		Draft: inv.Status() == domain.InvoiceDraft, Today: tenantCtx(e).Today().Format("2006-01-02"),
		Form: components.Form{Values: map[string]string{}, Errors: components.FieldErrors{}}}
	vm.Shell = h.shell(e, "invoices", title, layouts.Crumb{Label: i18n.T(ctx, "nav.invoices"), Href: "/invoices"}, layouts.Crumb{Label: title})
	for k, v := range errs {
		if _, shown := map[string]bool{"amount": true, "paid_on": true}[k]; !shown {
			k = components.WholeForm
		}
		vm.Form.Errors[k] = v
	}
	if s, err := domain.FindSite(e.App, inv.SiteID()); err == nil {
		vm.Site = s.Code() + " · " + s.Name()
	}
	if c, err := domain.FindClient(e.App, inv.ClientID()); err == nil {
		vm.Client = c.Name()
	}
	if !inv.IssueDate().IsZero() {
		vm.IssueDate, vm.DueDate = i18n.FormatDate(ctx, inv.IssueDate()), i18n.FormatDate(ctx, inv.DueDate())
	}
	if !inv.PeriodStart().IsZero() {
		vm.Period = i18n.FormatDate(ctx, inv.PeriodStart()) + " – " + i18n.FormatDate(ctx, inv.PeriodEnd())
	}
	if orig, err := domain.FindInvoice(e.App, inv.CreditOfID()); err == nil {
		vm.CreditOf, vm.CreditOfID = orig.Number(), orig.Id
	}
	lines, err := domain.FindInvoiceLines(e.App, inv.Id)
	if err != nil {
		return h.fail(e, err)
	}
	for _, l := range lines {
		lv := invoices.LineVM{Position: fmt.Sprint(l.Position()), Designation: l.Designation(), Description: l.Description(),
			Qty: i18n.FormatQty(ctx, l.Quantity()), Unit: l.Unit(), UnitPrice: money(ctx, int64(l.UnitPriceCents())),
			Net: money(ctx, int64(l.NetCents())), VAT: i18n.FormatNumber(ctx, l.VATRate(), 1) + " %"}
		if l.Kind() == "progress" {
			lv.Progress = i18n.FormatNumber(ctx, l.CumulativePct(), 2) + " %"
		}
		vm.Lines = append(vm.Lines, lv)
	}
	t, err := inv.Totals(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Totals = invoiceTotalsVM(e, t, inv)
	pays, err := domain.FindInvoicePayments(e.App, inv.Id)
	if err != nil {
		return h.fail(e, err)
	}
	for _, p := range pays {
		vm.Payments = append(vm.Payments, invoices.PaymentVM{Date: i18n.FormatDate(ctx, p.PaidOn()), Amount: money(ctx, int64(p.AmountCents())),
			Method: i18n.T(ctx, "invoice.method."+p.Method()), Reference: p.Reference()})
	}
	due := inv.AmountDueCents(e.App)
	vm.Due = money(ctx, due)
	vm.Payable = due > 0 && (inv.Status() == domain.InvoiceIssued || inv.Status() == domain.InvoicePartiallyPaid)
	vm.Creditable = inv.Status() != domain.InvoiceDraft && inv.Kind() != domain.InvoiceCreditNote
	vm.Releasable = vm.Creditable && inv.RetentionCents() > 0 && inv.RetentionReleasedAt().IsZero()
	if !inv.RetentionReleasedAt().IsZero() {
		vm.Released = i18n.FormatDate(ctx, inv.RetentionReleasedAt())
	}
	for _, m := range []string{"transfer", "check", "card", "cash", "other"} {
		vm.Methods = append(vm.Methods, components.Option{Value: m, Label: i18n.T(ctx, "invoice.method."+m)})
	}
	render(e.Response, e.Request, status, invoices.ShowPage(vm))
	return nil
}

// invoiceTotalsVM is the totals block: excl. VAT, deduction, VAT per
// rate, incl. VAT, retention, net to pay.
func invoiceTotalsVM(e *core.RequestEvent, t domain.InvoiceTotals, inv domain.Invoice) []invoices.TotalVM {
	ctx := e.Request.Context()
	out := []invoices.TotalVM{{Label: i18n.T(ctx, "invoice.lines_total"), Value: money(ctx, t.LinesCents)}}
	if t.DeductionCents != 0 {
		out = append(out, invoices.TotalVM{Label: i18n.T(ctx, "contract.down_payment"), Value: money(ctx, -t.DeductionCents)})
	}
	out = append(out, invoices.TotalVM{Label: i18n.T(ctx, "invoice.col.excl"), Value: money(ctx, t.ExclCents), Strong: true})
	for _, r := range t.ByRate {
		out = append(out, invoices.TotalVM{Label: i18n.T(ctx, "invoice.vat_at", i18n.FormatNumber(ctx, r.Rate, 1), money(ctx, r.BaseCents)), Value: money(ctx, r.VATCents)})
	}
	out = append(out, invoices.TotalVM{Label: i18n.T(ctx, "invoice.col.incl"), Value: money(ctx, t.InclCents), Strong: true})
	if t.RetentionCents != 0 {
		out = append(out, invoices.TotalVM{Label: i18n.T(ctx, "invoice.retention_at", i18n.FormatNumber(ctx, inv.RetentionPct(), 2)), Value: money(ctx, -t.RetentionCents)},
			invoices.TotalVM{Label: i18n.T(ctx, "invoice.col.net"), Value: money(ctx, t.NetToPayCents), Strong: true})
	}
	return out
}
