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

// materialsList renders the catalogue with the stock of each material,
// the low-stock badge (?status=low keeps only those) and the
// consumption cost per site.
func (h *Handlers) materialsList(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	q, status := e.Request.URL.Query().Get("q"), e.Request.URL.Query().Get("status")
	all, err := domain.FindMaterialStock(e.App, q)
	if err != nil {
		return h.fail(e, err)
	}
	cons, err := domain.ConsumptionBySite(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "nav.materials")
	vm := resources.ListVM{Page: h.resPage(e, "materials", title, layouts.Crumb{Label: title}), Query: q, Status: status,
		Statuses: []components.Option{{Value: "low", Label: i18n.T(ctx, "res.material.low")}},
		Badge:    len(domain.LowStock(all)),
		Columns: []string{i18n.T(ctx, "res.material.sku"), i18n.T(ctx, "res.name"), i18n.T(ctx, "res.category"), i18n.T(ctx, "res.material.unit_cost"),
			i18n.T(ctx, "res.material.stock"), i18n.T(ctx, "res.material.min_stock"), ""}}
	list := all
	if status == "low" {
		list = domain.LowStock(all)
	}
	for _, s := range list {
		m := domain.Material{Record: s.Material}
		row := resources.RowVM{ID: m.Id, Href: "/materials/" + m.Id, Cells: []string{m.Sku(), m.Name(), m.Category(),
			i18n.FormatEUR(ctx, m.UnitCost()) + " / " + m.Unit(), i18n.FormatQty(ctx, s.Total) + " " + m.Unit(),
			i18n.FormatQty(ctx, m.MinStock())}}
		if s.Low {
			row.Extra, row.ExtraKind, row.ExtraTestID = i18n.T(ctx, "res.material.low"), "danger", "low-stock"
		}
		vm.Rows = append(vm.Rows, row)
	}
	consumption := make([]resources.ConsumptionVM, 0, len(cons))
	for _, c := range cons {
		consumption = append(consumption, resources.ConsumptionVM{Site: c.Code + " · " + c.Name, Moves: strconv.Itoa(c.Moves), Cost: i18n.FormatEUR(ctx, c.Cost)})
	}
	render(e.Response, e.Request, http.StatusOK, resources.MaterialsPage(vm, consumption))
	return nil
}
