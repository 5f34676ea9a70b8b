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

// renderMaterial renders a material's page with the move form's state.
func (h *Handlers) renderMaterial(e *core.RequestEvent, id string, form components.Form, status int) error {
	ctx := e.Request.Context()
	m, err := domain.FindMaterial(e.App, id)
	if err != nil {
		return h.fail(e, err)
	}
	moves, err := domain.MaterialMoves(e.App, m.Id)
	if err != nil {
		return h.fail(e, err)
	}
	balances := domain.Balances(moves)
	total := domain.Total(balances)
	unit := m.Unit()
	title := m.Sku() + " · " + m.Name()
	locOpts, labels, err := stockLocations(ctx, e.App)
	if err != nil {
		return h.fail(e, err)
	}
	vm := resources.MaterialVM{Page: h.resPage(e, "materials", title, layouts.Crumb{Label: i18n.T(ctx, "nav.materials"), Href: "/materials"}, layouts.Crumb{Label: m.Sku()}),
		ID: m.Id, Title: title, Low: domain.IsLowStock(total, m.MinStock()), Total: i18n.FormatQty(ctx, total) + " " + unit, MoveForm: form}
	vm.Facts = []layouts.Crumb{
		{Label: i18n.T(ctx, "res.material.unit"), Href: unit},
		{Label: i18n.T(ctx, "res.material.unit_cost"), Href: i18n.FormatEUR(ctx, m.UnitCost())},
		{Label: i18n.T(ctx, "res.material.min_stock"), Href: i18n.FormatQty(ctx, m.MinStock()) + " " + unit},
		{Label: i18n.T(ctx, "res.category"), Href: orDash(m.Category())},
	}
	for _, loc := range domain.Locations(balances) {
		q := balances[loc]
		if q == 0 {
			continue
		}
		vm.Stock = append(vm.Stock, resources.StockLineVM{Location: locationLabel(labels, loc), Qty: i18n.FormatQty(ctx, q) + " " + unit, Negative: q < 0})
	}
	recs, err := domain.FindStockMoves(e.App, m.Id, "", 100)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Moves = newMoveVMs(ctx, domain.AsStockMoves(recs), labels)
	if vm.Page.CanDay {
		sites, err := siteOptions(ctx, e.App)
		if err != nil {
			return h.fail(e, err)
		}
		kinds := []string{domain.MoveReceipt, domain.MoveConsumption, domain.MoveTransfer, domain.MoveAdjustment, domain.MoveOrder}
		vm.Options = map[string][]components.Option{"kind": resOptions(ctx, "res.move.", kinds), "location": locOpts,
			"to_location": append([]components.Option{{Value: "", Label: "—"}}, locOpts...), "site": sites}
	}
	render(e.Response, e.Request, status, resources.MaterialPage(vm))
	return nil
}

// materialsShow renders a material's page.
func (h *Handlers) materialsShow(e *core.RequestEvent) error {
	return h.renderMaterial(e, e.Request.PathValue("id"), components.Form{Values: map[string]string{"kind": domain.MoveReceipt, "location": domain.LocationDepot}}, http.StatusOK)
}
