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

var equipmentFields = []string{"name", "code", "category", "status", "location", "serial", "notes"}

// renderEquipmentForm renders the inventory form with a status.
func (h *Handlers) renderEquipmentForm(e *core.RequestEvent, id string, form components.Form, status int) error {
	ctx := e.Request.Context()
	title := i18n.T(ctx, "res.equipment.new")
	if id != "" {
		title = i18n.T(ctx, "res.equipment.edit")
	}
	vm := resources.EquipmentFormVM{Page: h.resPage(e, "equipment", title, layouts.Crumb{Label: i18n.T(ctx, "nav.equipment"), Href: "/equipment"}, layouts.Crumb{Label: title}),
		ID: id, Form: form, CanEditRates: domain.CanEditRates(e.Auth), Options: map[string][]components.Option{"status": resOptions(ctx, "res.status.", domain.EquipmentStatuses())}}
	render(e.Response, e.Request, status, resources.EquipmentFormPage(vm))
	return nil
}

// equipmentNew renders an empty inventory form.
func (h *Handlers) equipmentNew(e *core.RequestEvent) error {
	return h.renderEquipmentForm(e, "", components.Form{Values: map[string]string{"status": domain.EquipmentAvailable, "location": "Dépôt"}}, http.StatusOK)
}

// equipmentEdit renders the form of a stored item.
func (h *Handlers) equipmentEdit(e *core.RequestEvent) error {
	r, err := domain.FindEquipmentByID(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, err)
	}
	in := domain.EquipmentInputOf(r.Record)
	return h.renderEquipmentForm(e, r.Id, components.Form{Values: map[string]string{"name": in.Name, "code": in.Code, "category": in.Category,
		"status": in.Status, "location": in.Location, "serial": in.Serial, "notes": in.Notes,
		"daily_rate": amountValue(e.Request.Context(), r.DailyRate())}}, http.StatusOK)
}

// equipmentSave creates or updates an item; invalid input comes back
// (400) with field errors and nothing saved.
func (h *Handlers) equipmentSave(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	v := resValues(e, append(equipmentFields, "daily_rate")...)
	in := domain.EquipmentInput{Name: v["name"], Code: v["code"], Category: v["category"],
		Status: v["status"], Location: v["location"], Serial: v["serial"], Notes: v["notes"]}
	var r *core.Record
	rate, err := formRate(e, "daily_rate")
	if err == nil {
		in.DailyRate = rate
		r, err = domain.SaveEquipment(e.App, e.Auth, id, in)
	}
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderEquipmentForm(e, id, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/equipment/"+r.Id+"?toast=saved")
}
