package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// equipmentForms are the forms of an item page kept on a 400.
type equipmentForms struct{ move, reserve, maintenance components.Form }

// renderEquipment renders an item's page (the page its QR label opens).
func (h *Handlers) renderEquipment(e *core.RequestEvent, id string, forms equipmentForms, status int) error {
	ctx := e.Request.Context()
	r, err := domain.FindEquipmentExpanded(e.App, id)
	if err != nil {
		return h.fail(e, err)
	}
	if !tenantCtx(e).CanSeeEquipment(e.App, r.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	vm := resources.EquipmentVM{ID: r.Id, Code: r.Code(), Name: r.Name(), Status: r.Status(),
		MoveForm: forms.move, ReserveForm: forms.reserve}
	vm.Page = h.resPage(e, "equipment", vm.Code, layouts.Crumb{Label: i18n.T(ctx, "nav.equipment"), Href: "/equipment"}, layouts.Crumb{Label: vm.Code})
	vm.Facts = []layouts.Crumb{
		{Label: i18n.T(ctx, "res.location"), Href: equipmentWhere(r)},
		{Label: i18n.T(ctx, "res.holder"), Href: equipmentHolder(r)},
		{Label: i18n.T(ctx, "res.category"), Href: orDash(r.Category())},
		{Label: i18n.T(ctx, "res.equipment.serial"), Href: orDash(r.Serial())},
	}
	if forms.move.Values == nil {
		vm.MoveForm.Values = map[string]string{"location": r.Location(), "holder": r.HolderID(), "site": r.SiteID()}
	}
	if vm.Page.CanDay {
		users, err := userOptions(e.App)
		if err != nil {
			return h.fail(e, err)
		}
		sites, err := siteOptions(ctx, e.App)
		if err != nil {
			return h.fail(e, err)
		}
		vm.Options = map[string][]components.Option{"holder": users, "site": sites,
			"status": append([]components.Option{{Value: "", Label: i18n.T(ctx, "res.equipment.status_auto")}}, resOptions(ctx, "res.status.", domain.EquipmentStatuses())...)}
	}
	books, err := domain.FindAssetReservations(e.App, domain.AssetEquipment, r.Id, h.deps.Clock().Add(-24*time.Hour))
	if err != nil {
		return h.fail(e, err)
	}
	for _, b := range domain.AsReservations(books) {
		vm.Bookings = append(vm.Bookings, resBooking(ctx, b))
	}
	if vm.Maintenance, err = h.resMaintenance(e, domain.AssetEquipment, r.Id, "/equipment/"+r.Id, 0, forms.maintenance); err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, status, resources.EquipmentShowPage(vm))
	return nil
}

// equipmentShow renders an item's page.
func (h *Handlers) equipmentShow(e *core.RequestEvent) error {
	return h.renderEquipment(e, e.Request.PathValue("id"), equipmentForms{}, http.StatusOK)
}

// equipmentMove records where an item is and who holds it.
func (h *Handlers) equipmentMove(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	v := resValues(e, "location", "holder", "site", "status")
	if _, err := domain.MoveEquipment(e.App, e.Auth, id, domain.EquipmentMove{Location: v["location"], Holder: v["holder"], Site: v["site"], Status: v["status"]}); err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderEquipment(e, id, equipmentForms{move: components.Form{Values: v, Errors: errs}}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/equipment/"+id+"?toast=moved")
}

// equipmentMaintenanceInvalid re-renders an item page with the
// maintenance form's errors.
func (h *Handlers) equipmentMaintenanceInvalid(e *core.RequestEvent, id string, form components.Form, status int) error {
	return h.renderEquipment(e, id, equipmentForms{maintenance: form}, status)
}
