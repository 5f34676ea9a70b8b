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

var vehicleFields = []string{"plate", "label", "kind", "capacity", "status", "mode", "odometer_km", "gps_device_id", "notes"}

// renderVehicleForm renders the vehicle form with a status.
func (h *Handlers) renderVehicleForm(e *core.RequestEvent, id string, form components.Form, status int) error {
	ctx := e.Request.Context()
	title := i18n.T(ctx, "res.vehicle.new")
	if id != "" {
		title = i18n.T(ctx, "res.vehicle.edit")
	}
	vm := resources.VehicleFormVM{Page: h.resPage(e, "vehicles", title, layouts.Crumb{Label: i18n.T(ctx, "nav.vehicles"), Href: "/vehicles"}, layouts.Crumb{Label: title}),
		ID: id, Form: form, CanEditRates: domain.CanEditRates(e.Auth)}
	vm.Options = map[string][]components.Option{
		"kind": resOptions(ctx, "res.kind.", domain.VehicleKinds()), "status": resOptions(ctx, "res.status.", domain.VehicleStatuses()),
		"mode": resOptions(ctx, "res.mode.", []string{domain.ModeBusiness, domain.ModePrivate}),
	}
	render(e.Response, e.Request, status, resources.VehicleFormPage(vm))
	return nil
}

// vehiclesNew renders an empty vehicle form.
func (h *Handlers) vehiclesNew(e *core.RequestEvent) error {
	return h.renderVehicleForm(e, "", components.Form{Values: map[string]string{"kind": "van", "status": domain.VehicleAvailable, "mode": domain.ModeBusiness}}, http.StatusOK)
}

// vehiclesEdit renders the form of a stored vehicle.
func (h *Handlers) vehiclesEdit(e *core.RequestEvent) error {
	r, err := domain.FindVehicle(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, err)
	}
	in := domain.VehicleInputOf(r.Record)
	return h.renderVehicleForm(e, r.Id, components.Form{Values: map[string]string{
		"plate": in.Plate, "label": in.Label, "kind": in.Kind, "capacity": strconv.Itoa(in.Capacity), "status": in.Status,
		"mode": in.Mode, "odometer_km": strconv.Itoa(in.OdometerKm), "gps_device_id": in.GPSDeviceID, "notes": in.Notes,
		"daily_rate": amountValue(e.Request.Context(), r.DailyRate()),
	}}, http.StatusOK)
}

// vehiclesSave creates (POST /vehicles) or updates (POST /vehicles/{id})
// a vehicle; invalid input comes back (400) with the field errors.
func (h *Handlers) vehiclesSave(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	v := resValues(e, append(vehicleFields, "daily_rate")...)
	in := domain.VehicleInput{Plate: v["plate"], Label: v["label"], Kind: v["kind"], Capacity: resInt(v["capacity"]), Status: v["status"],
		Mode: v["mode"], OdometerKm: resInt(v["odometer_km"]), GPSDeviceID: v["gps_device_id"], Notes: v["notes"]}
	var r *core.Record
	var err error
	in.DailyRate, err = formRate(e, "daily_rate")
	switch {
	case err != nil:
	case id == "":
		r, err = domain.CreateVehicle(e.App, e.Auth, in)
	default:
		r, err = domain.UpdateVehicle(e.App, e.Auth, id, in)
	}
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderVehicleForm(e, id, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/vehicles/"+r.Id+"?toast=saved")
}
