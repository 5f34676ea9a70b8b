package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// equipmentList renders the inventory (search, status filter).
func (h *Handlers) equipmentList(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	q, status := e.Request.URL.Query().Get("q"), e.Request.URL.Query().Get("status")
	recs, err := domain.FindEquipment(e.App, q, status)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "nav.equipment")
	vm := resources.ListVM{Page: h.resPage(e, "equipment", title, layouts.Crumb{Label: title}), Query: q, Status: status,
		Statuses: resOptions(ctx, "res.status.", domain.EquipmentStatuses()),
		Columns: []string{i18n.T(ctx, "res.code"), i18n.T(ctx, "res.name"), i18n.T(ctx, "res.category"), i18n.T(ctx, "res.location"),
			i18n.T(ctx, "res.holder"), i18n.T(ctx, "res.status")}}
	for _, r := range domain.AsEquipmentList(recs) {
		vm.Rows = append(vm.Rows, resources.RowVM{ID: r.Id, Href: "/equipment/" + r.Id, Status: r.Status(), StatusKind: statusKind(r.Status()),
			Cells: []string{r.Code(), r.Name(), r.Category(), equipmentWhere(r), equipmentHolder(r)}})
	}
	render(e.Response, e.Request, http.StatusOK, resources.EquipmentListPage(vm))
	return nil
}

// equipmentWhere is an item's location, with its site when it has one.
func equipmentWhere(r domain.Equipment) string {
	where := r.Location()
	if s, ok := r.ExpandedSite(); ok {
		if where != "" {
			where += " · "
		}
		where += s.Code()
	}
	return orDash(where)
}

// equipmentHolder is the name of the person holding an item, or a dash.
func equipmentHolder(r domain.Equipment) string {
	if u, ok := r.ExpandedHolder(); ok {
		return u.Name()
	}
	return "—"
}
