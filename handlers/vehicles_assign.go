package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/resources"
)

// vehiclesAssign assigns a vehicle to a site, task or person over a
// period; an overlapping assignment is refused (409) with who holds it.
func (h *Handlers) vehiclesAssign(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	id := e.Request.PathValue("id")
	v := resValues(e, "site", "user", "task", "from", "to", "note")
	_, err := domain.Reserve(e.App, e.Auth, domain.ReservationInput{AssetKind: domain.AssetVehicle, Asset: id, Site: v["site"], User: v["user"],
		Task: v["task"], From: resLocalTime(ctx, v["from"]), To: resLocalTime(ctx, v["to"]), Note: v["note"]})
	if err != nil {
		errs, ok := resFormErrors(ctx, err)
		if !ok {
			return h.fail(e, err)
		}
		if domain.ErrorCode(err) == domain.ENotFound {
			return h.errorPage(e, http.StatusNotFound)
		}
		status := http.StatusBadRequest
		if domain.ErrorCode(err) == domain.EConflict {
			status = http.StatusConflict
		}
		return h.renderVehicle(e, id, vehicleForms{assign: resources.FormVM{Values: v, Errors: errs}}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/vehicles/"+id+"?toast=assigned")
}

// vehiclesUnassign cancels an assignment.
func (h *Handlers) vehiclesUnassign(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if err := domain.CancelReservation(e.App, e.Auth, domain.AssetVehicle, e.Request.PathValue("rid")); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/vehicles/"+id+"?toast=cancelled")
}
