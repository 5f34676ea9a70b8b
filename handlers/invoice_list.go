package handlers

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/invoices"
	"github.com/fieldops360/fieldops/views/layouts"
)

// invoiceFilter reads ?status=&kind=&site= (unknown values ignored).
func invoiceFilter(q url.Values) domain.InvoiceFilter {
	f := domain.InvoiceFilter{Site: q.Get("site")}
	switch s := q.Get("status"); s {
	case domain.InvoiceDraft, domain.InvoiceIssued, domain.InvoicePartiallyPaid, domain.InvoicePaid:
		f.Status = s
	}
	switch k := q.Get("kind"); k {
	case domain.InvoiceProgress, domain.InvoiceTimeMaterials, domain.InvoiceCreditNote:
		f.Kind = k
	}
	return f
}

// invoicesList is GET /invoices?status=&kind=&site=: the Facturation page.
func (h *Handlers) invoicesList(e *core.RequestEvent) error {
	return h.invoicesPage(e, http.StatusOK, components.Form{})
}

// invoicesPage renders the list; tm is the time-and-materials form coming
// back with its errors.
func (h *Handlers) invoicesPage(e *core.RequestEvent, status int, tm components.Form) error {
	ctx, q := e.Request.Context(), e.Request.URL.Query()
	f := invoiceFilter(q)
	rows, err := domain.InvoiceRows(e.App, f, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "invoice.title")
	vm := invoices.ListVM{Shell: h.shell(e, "invoices", title, layouts.Crumb{Label: title}), Count: len(rows),
		Filter: components.Form{Values: map[string]string{"status": f.Status, "kind": f.Kind, "site": f.Site}}, TMForm: tm,
		CanSettings: domain.CanManageInvoicing(e.Auth), ExportQuery: "?" + q.Encode()}
	if vm.TMForm.Values == nil {
		today := tenantCtx(e).Today()
		vm.TMForm = components.Form{Values: map[string]string{"from": today.AddDate(0, 0, 1-today.Day()).Format("2006-01-02"), "to": today.Format("2006-01-02")}}
	}
	vm.Statuses = []components.Option{{Value: "", Label: i18n.T(ctx, "invoice.any")}}
	for _, s := range []string{domain.InvoiceDraft, domain.InvoiceIssued, domain.InvoicePartiallyPaid, domain.InvoicePaid} {
		vm.Statuses = append(vm.Statuses, components.Option{Value: s, Label: i18n.T(ctx, "invoice.status."+s)})
	}
	vm.Kinds = []components.Option{{Value: "", Label: i18n.T(ctx, "invoice.any")}}
	for _, k := range []string{domain.InvoiceProgress, domain.InvoiceTimeMaterials, domain.InvoiceCreditNote} {
		vm.Kinds = append(vm.Kinds, components.Option{Value: k, Label: i18n.T(ctx, "invoice.kind."+k)})
	}
	sites, err := domain.FindSites(e.App, domain.SiteFilter{})
	if err != nil {
		return h.fail(e, err)
	}
	vm.Sites = []components.Option{{Value: "", Label: i18n.T(ctx, "invoice.any")}}
	for _, s := range domain.AsSites(sites) {
		vm.Sites = append(vm.Sites, components.Option{Value: s.Id, Label: s.Code() + " · " + s.Name()})
	}
	var excl, incl, due int64
	for _, r := range rows {
		sign := int64(1)
		if r.Kind == domain.InvoiceCreditNote {
			sign = -1
		}
		if r.Status != domain.InvoiceDraft {
			excl, incl = excl+sign*r.ExclCents, incl+sign*r.InclCents
		}
		due += r.DueCents
		row := invoices.RowVM{ID: r.ID, Number: r.Number, Kind: r.Kind, KindLabel: i18n.T(ctx, "invoice.kind."+r.Kind),
			Status: r.Status, StatusLabel: i18n.T(ctx, "invoice.status."+r.Status), Site: r.SiteCode, Client: r.Client,
			Incl: money(ctx, r.InclCents), Due: money(ctx, r.DueCents), Late: r.DaysLate > 0}
		if row.Number == "" {
			row.Number = i18n.T(ctx, "invoice.draft_title")
		}
		if !r.IssueDate.IsZero() {
			row.IssueDate, row.DueDate = i18n.FormatDate(ctx, r.IssueDate), i18n.FormatDate(ctx, r.DueDate)
		}
		vm.Rows = append(vm.Rows, row)
	}
	vm.TotalExcl, vm.TotalIncl, vm.Due = money(ctx, excl), money(ctx, incl), money(ctx, due)
	render(e.Response, e.Request, status, invoices.ListPage(vm))
	return nil
}

// invoiceTMCreate drafts a time-and-materials invoice for a site and
// period, and opens it.
func (h *Handlers) invoiceTMCreate(e *core.RequestEvent) error {
	f := e.Request.FormValue
	form := components.Form{Values: map[string]string{"site": f("site"), "from": f("from"), "to": f("to")}, Errors: components.FieldErrors{}}
	from, bad1 := formDate(f("from"))
	to, bad2 := formDate(f("to"))
	var err error
	var inv domain.Invoice
	if bad1 || bad2 || from.IsZero() || to.IsZero() {
		err = domain.FieldError("period", "err.invoice.bad_period")
	} else {
		inv, err = domain.CreateTimeMaterialsInvoice(e.App, e.Auth, f("site"), from, to)
	}
	if err != nil {
		a := answerOf(e.Request.Context(), err)
		if !a.OnForm && a.Status >= 500 {
			return h.fail(e, err)
		}
		key := a.Field
		if key != "period" && key != "site" {
			key = components.WholeForm
		}
		form.Errors[key] = a.Message
		return h.invoicesPage(e, a.Status, form)
	}
	return e.Redirect(http.StatusSeeOther, "/invoices/"+inv.Id)
}
