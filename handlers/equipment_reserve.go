package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/resources"
)

// equipmentReserve books a tool for a site or a person over a period;
// an overlapping reservation is refused (409) naming who holds it.
func (h *Handlers) equipmentReserve(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	id := e.Request.PathValue("id")
	v := resValues(e, "site", "user", "task", "from", "to", "note")
	_, err := domain.Reserve(e.App, e.Auth, domain.ReservationInput{AssetKind: domain.AssetEquipment, Asset: id, Site: v["site"], User: v["user"],
		Task: v["task"], From: resLocalTime(ctx, v["from"]), To: resLocalTime(ctx, v["to"]), Note: v["note"]})
	if err != nil {
		errs, ok := resFormErrors(ctx, err)
		if !ok {
			return h.fail(e, err)
		}
		status := http.StatusBadRequest
		if domain.ErrorCode(err) == domain.EConflict {
			status = http.StatusConflict
		}
		return h.renderEquipment(e, id, equipmentForms{reserve: resources.FormVM{Values: v, Errors: errs}}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/equipment/"+id+"?toast=reserved")
}

// equipmentUnreserve cancels a reservation.
func (h *Handlers) equipmentUnreserve(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if err := domain.CancelReservation(e.App, e.Auth, domain.AssetEquipment, e.Request.PathValue("rid")); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/equipment/"+id+"?toast=cancelled")
}
