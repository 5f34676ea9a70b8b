package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// renderPurchaseOrder renders an order with its lifecycle actions.
func (h *Handlers) renderPurchaseOrder(e *core.RequestEvent, id string, form components.Form, status int) error {
	ctx := e.Request.Context()
	po, err := domain.FindPurchaseOrderExpanded(e.App, id)
	if err != nil {
		return h.fail(e, err)
	}
	_, labels, err := stockLocations(ctx, e.App)
	if err != nil {
		return h.fail(e, err)
	}
	vm := resources.POVM{ID: po.Id, Number: po.Number(), Status: po.Status(), Form: form, Total: i18n.FormatEUR(ctx, po.Total())}
	vm.Page = h.resPage(e, "materials", vm.Number, layouts.Crumb{Label: i18n.T(ctx, "res.po.title"), Href: "/purchase-orders"}, layouts.Crumb{Label: vm.Number})
	sup := ""
	if s, ok := po.ExpandedSupplier(); ok {
		sup = s.Name()
	}
	vm.Facts = []layouts.Crumb{
		{Label: i18n.T(ctx, "res.po.supplier"), Href: sup},
		{Label: i18n.T(ctx, "res.po.location"), Href: locationLabel(labels, po.Location())},
		{Label: i18n.T(ctx, "res.po.expected"), Href: i18n.FormatDate(ctx, po.ExpectedAt())},
		{Label: i18n.T(ctx, "res.po.received"), Href: i18n.FormatDate(ctx, po.ReceivedAt())},
	}
	for _, l := range domain.POLines(po.Record) {
		name := l.Material
		if m, err := domain.FindMaterial(e.App, l.Material); err == nil {
			name = m.Sku() + " · " + m.Name()
		} else if domain.ErrorCode(err) != domain.ENotFound {
			return h.fail(e, err)
		}
		vm.Lines = append(vm.Lines, resources.POLineVM{Material: name, Qty: i18n.FormatQty(ctx, l.Qty), UnitCost: i18n.FormatEUR(ctx, l.UnitCost), Amount: i18n.FormatEUR(ctx, l.Qty*l.UnitCost)})
	}
	for _, s := range []string{domain.POSent, domain.POReceived, domain.POCancelled} {
		if domain.CanTransitionPO(vm.Status, s) {
			vm.Actions = append(vm.Actions, s)
		}
	}
	render(e.Response, e.Request, status, resources.PurchaseOrderPage(vm))
	return nil
}

// purchaseShow renders an order.
func (h *Handlers) purchaseShow(e *core.RequestEvent) error {
	return h.renderPurchaseOrder(e, e.Request.PathValue("id"), components.Form{}, http.StatusOK)
}

// purchaseStatus moves an order along its lifecycle (sending records
// the ordered quantities, receiving puts them in stock).
func (h *Handlers) purchaseStatus(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if _, err := domain.SetPurchaseOrderStatus(e.App, e.Auth, id, e.Request.FormValue("status"), h.deps.Clock()); err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderPurchaseOrder(e, id, components.Form{Errors: components.FieldErrors{components.WholeForm: firstValue(errs)}}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/purchase-orders/"+id+"?toast=status")
}

func firstValue(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}
