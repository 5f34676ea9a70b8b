package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
)

// maintenanceSchedule returns the handler scheduling a maintenance of a
// vehicle or a tool; rerender shows the asset page with the form's errors.
func (h *Handlers) maintenanceSchedule(kind, base string, rerender func(e *core.RequestEvent, id string, form components.Form, status int) error) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		ctx := e.Request.Context()
		id := e.Request.PathValue("id")
		v := resValues(e, "label", "due", "due_km", "interval_days", "interval_km")
		_, err := domain.ScheduleMaintenance(e.App, e.Auth, domain.MaintenanceInput{AssetKind: kind, Asset: id, Label: v["label"],
			Due: resLocalTime(ctx, v["due"]), DueKm: resInt(v["due_km"]), IntervalDays: resInt(v["interval_days"]), IntervalKm: resInt(v["interval_km"])})
		if err != nil {
			errs, status, ok := formErrors(ctx, err)
			if !ok {
				return h.fail(e, err)
			}
			return rerender(e, id, components.Form{Values: v, Errors: errs}, status)
		}
		return e.Redirect(http.StatusSeeOther, base+id+"?toast=scheduled")
	}
}

// maintenanceDone marks a maintenance done (and schedules the next one
// when it recurs).
func (h *Handlers) maintenanceDone(kind, base string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		m, err := domain.FindMaintenanceByID(e.App, e.Request.PathValue("mid"))
		if err != nil {
			return h.fail(e, err)
		}
		if m.Asset() != id || m.AssetKind() != kind {
			return h.errorPage(e, http.StatusNotFound)
		}
		if _, err := domain.CompleteMaintenance(e.App, e.Auth, m.Id, h.deps.Clock(), resInt(e.Request.FormValue("done_km")), resNumber(e.Request.FormValue("cost"))); err != nil {
			return h.fail(e, err)
		}
		return e.Redirect(http.StatusSeeOther, base+id+"?toast=done")
	}
}

// vehicleMaintenanceInvalid re-renders a vehicle page with the
// maintenance form's errors.
func (h *Handlers) vehicleMaintenanceInvalid(e *core.RequestEvent, id string, form components.Form, status int) error {
	return h.renderVehicle(e, id, vehicleForms{maintenance: form}, status)
}
