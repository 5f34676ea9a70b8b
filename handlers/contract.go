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

// contractShow is GET /sites/{id}/contract: the site's contract lines
// with their progress, the forms and the month's situation.
func (h *Handlers) contractShow(e *core.RequestEvent) error {
	return h.contractPage(e, http.StatusOK, nil)
}

// contractPage renders the contract with the errors of a refused form.
func (h *Handlers) contractPage(e *core.RequestEvent, status int, form *components.Form) error {
	ctx := e.Request.Context()
	site, err := domain.FindSite(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.site.not_found"))
	}
	sum, err := domain.LoadContract(e.App, site.Id)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "contract.title")
	today := tenantCtx(e).Today()
	vm := invoices.ContractVM{SiteID: site.Id, SiteName: site.Code() + " · " + site.Name(), Total: money(ctx, sum.TotalCents),
		Billed: money(ctx, sum.BilledCents), Month: today.Format("2006-01"), CanEdit: domain.CanEditSite(e.Auth, site.Record),
		Shell: h.shell(e, "invoices", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"},
			layouts.Crumb{Label: site.Code(), Href: "/sites/" + site.Id}, layouts.Crumb{Label: title})}
	if form != nil {
		vm.Form = *form
	} else {
		vm.Form = components.Form{Values: map[string]string{"vat_rate": "20"}, Errors: components.FieldErrors{}}
	}
	if c, err := domain.FindClient(e.App, site.ClientID()); err == nil {
		vm.HasClient, vm.ClientName = true, c.Name()
		if form == nil {
			mc := ""
			if c.IsMainContractor() {
				mc = "1"
			}
			for k, v := range map[string]string{"client_siret": c.SIRET(), "client_vat_number": c.VATNumber(), "client_address": c.Address(),
				"client_postcode": c.Postcode(), "client_city": c.City(), "main_contractor": mc} {
				vm.Form.Values[k] = v
			}
		}
	}
	for _, l := range sum.Lines {
		d, linked := sum.Derived[l.Id]
		derived := "—"
		if linked {
			derived = i18n.FormatNumber(ctx, d, 0) + " %"
		}
		vm.Lines = append(vm.Lines, invoices.ContractLineVM{ID: l.Id, Lot: l.Lot(), Code: l.Code(), Designation: l.Designation(),
			Unit: l.Unit(), Qty: i18n.FormatQty(ctx, l.Quantity()), UnitPrice: money(ctx, int64(l.UnitPriceCents())),
			Amount: money(ctx, l.Amount()), VAT: i18n.FormatNumber(ctx, l.VATRate(), 1) + " %",
			Progress: strconv.FormatFloat(l.Progress(), 'f', -1, 64), Derived: derived, Billed: money(ctx, sum.Billed[l.Id]),
			FromTasks: l.ProgressFromTasks(), Invoiced: sum.Billed[l.Id] != 0})
	}
	if vm.CanEdit {
		if err := contractLinkOptions(e, &vm, sum.Lines); err != nil {
			return h.fail(e, err)
		}
	}
	rows, err := domain.InvoiceRows(e.App, domain.InvoiceFilter{Site: site.Id}, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	for _, r := range rows {
		n := r.Number
		if n == "" {
			n = i18n.T(ctx, "invoice.draft_title")
		}
		vm.Drafts = append(vm.Drafts, invoices.RowVM{ID: r.ID, Number: n, StatusLabel: i18n.T(ctx, "invoice.status."+r.Status), Incl: money(ctx, r.InclCents)})
	}
	render(e.Response, e.Request, status, invoices.ContractPage(vm))
	return nil
}

// contractLinkOptions fills the task link form: the site's tasks with the
// line each advances, and the lines.
func contractLinkOptions(e *core.RequestEvent, vm *invoices.ContractVM, lines []domain.ContractLine) error {
	ctx := e.Request.Context()
	tasks, err := domain.FindSiteTasks(e.App, vm.SiteID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	vm.LineOptions = []components.Option{{Value: "", Label: i18n.T(ctx, "contract.no_line")}}
	for _, l := range lines {
		names[l.Id] = l.Code() + " " + l.Designation()
		vm.LineOptions = append(vm.LineOptions, components.Option{Value: l.Id, Label: names[l.Id]})
	}
	for _, t := range domain.AsTasks(tasks) {
		label := t.Title()
		if n := names[t.ContractLineID()]; n != "" {
			label += " → " + n
		}
		vm.Tasks = append(vm.Tasks, components.Option{Value: t.Id, Label: label})
	}
	return nil
}
