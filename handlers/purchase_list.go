package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// renderPurchaseOrders renders the orders list with its forms' state.
func (h *Handlers) renderPurchaseOrders(e *core.RequestEvent, form, supplier components.Form, status int) error {
	ctx := e.Request.Context()
	title := i18n.T(ctx, "res.po.title")
	vm := resources.ListVM{Page: h.resPage(e, "materials", title, layouts.Crumb{Label: i18n.T(ctx, "nav.materials"), Href: "/materials"}, layouts.Crumb{Label: title}),
		Form: form, Columns: []string{i18n.T(ctx, "res.po.number"), i18n.T(ctx, "res.po.supplier"), i18n.T(ctx, "res.po.expected"), i18n.T(ctx, "res.po.total"), i18n.T(ctx, "res.status")}}
	pos, err := domain.FindPurchaseOrders(e.App, 200)
	if err != nil {
		return h.fail(e, err)
	}
	for _, p := range pos {
		sup := ""
		if s, ok := p.ExpandedSupplier(); ok {
			sup = s.Name()
		}
		st := p.Status()
		vm.Rows = append(vm.Rows, resources.RowVM{ID: p.Id, Href: "/purchase-orders/" + p.Id, Status: st, StatusKind: statusKind(st),
			Cells: []string{p.Number(), sup, i18n.FormatDate(ctx, p.ExpectedAt()), i18n.FormatEUR(ctx, p.Total())}})
	}
	if vm.Page.CanEdit {
		locs, _, err := stockLocations(ctx, e.App)
		if err != nil {
			return h.fail(e, err)
		}
		vm.Options = map[string][]components.Option{"location": locs, "supplier": {{Value: "", Label: "—"}}, "material": {{Value: "", Label: "—"}}}
		sups, err := domain.FindSuppliers(e.App)
		if err != nil {
			return h.fail(e, err)
		}
		for _, s := range sups {
			vm.Options["supplier"] = append(vm.Options["supplier"], components.Option{Value: s.Id, Label: s.Name()})
		}
		mats, err := domain.FindMaterials(e.App)
		if err != nil {
			return h.fail(e, err)
		}
		for _, m := range mats {
			vm.Options["material"] = append(vm.Options["material"], components.Option{Value: m.Id, Label: m.Sku() + " · " + m.Name()})
		}
	}
	render(e.Response, e.Request, status, resources.PurchaseOrdersPage(vm, supplier))
	return nil
}

// purchaseList renders the purchase orders.
func (h *Handlers) purchaseList(e *core.RequestEvent) error {
	return h.renderPurchaseOrders(e, components.Form{Values: map[string]string{"location": domain.LocationDepot}}, components.Form{}, http.StatusOK)
}

// purchaseCreate creates a draft order from up to three lines.
func (h *Handlers) purchaseCreate(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	names := []string{"supplier", "location", "expected_at"}
	for i := range 3 {
		names = append(names, "material_"+strconv.Itoa(i), "qty_"+strconv.Itoa(i))
	}
	v := resValues(e, names...)
	in := domain.POInput{Supplier: v["supplier"], Location: v["location"], ExpectedAt: resLocalTime(ctx, v["expected_at"])}
	for i := range 3 {
		in.Lines = append(in.Lines, domain.POLine{Material: v["material_"+strconv.Itoa(i)], Qty: resNumber(v["qty_"+strconv.Itoa(i)])})
	}
	po, err := domain.CreatePurchaseOrder(e.App, e.Auth, in, h.deps.Clock())
	if err != nil {
		errs, status, ok := formErrors(ctx, err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderPurchaseOrders(e, components.Form{Values: v, Errors: errs}, components.Form{}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/purchase-orders/"+po.Id+"?toast=saved")
}

// supplierCreate adds a supplier.
func (h *Handlers) supplierCreate(e *core.RequestEvent) error {
	v := resValues(e, "name", "email", "phone")
	if _, err := domain.SaveSupplier(e.App, e.Auth, domain.SupplierInput{Name: v["name"], Email: v["email"], Phone: v["phone"]}); err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderPurchaseOrders(e, components.Form{}, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/purchase-orders?toast=saved")
}
