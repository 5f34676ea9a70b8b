package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
)

// assetBooking is what differs between booking a vehicle (an assignment)
// and a tool (a reservation): the kind of asset, its pages, the toast and
// how its page shows the booking form's errors.
type assetBooking struct {
	kind   string // domain.AssetVehicle or domain.AssetEquipment
	base   string // "/vehicles/" or "/equipment/"
	toast  string // res.toast.<toast> after a booking
	render func(e *core.RequestEvent, id string, form components.Form, status int) error
}

// vehicleBooking assigns vehicles (to a site, task or person).
func (h *Handlers) vehicleBooking() assetBooking {
	return assetBooking{kind: domain.AssetVehicle, base: "/vehicles/", toast: "assigned",
		render: func(e *core.RequestEvent, id string, form components.Form, status int) error {
			return h.renderVehicle(e, id, vehicleForms{assign: form}, status)
		}}
}

// equipmentBooking reserves tools.
func (h *Handlers) equipmentBooking() assetBooking {
	return assetBooking{kind: domain.AssetEquipment, base: "/equipment/", toast: "reserved",
		render: func(e *core.RequestEvent, id string, form components.Form, status int) error {
			return h.renderEquipment(e, id, equipmentForms{reserve: form}, status)
		}}
}

// assetReserve books an asset for a site, a task or a person over a
// period; an overlapping booking is refused (409) naming who holds it.
func (h *Handlers) assetReserve(b assetBooking) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		ctx := e.Request.Context()
		id := e.Request.PathValue("id")
		v := resValues(e, "site", "user", "task", "from", "to", "note")
		_, err := domain.Reserve(e.App, e.Auth, domain.ReservationInput{AssetKind: b.kind, Asset: id, Site: v["site"], User: v["user"],
			Task: v["task"], From: resLocalTime(ctx, v["from"]), To: resLocalTime(ctx, v["to"]), Note: v["note"]})
		if err != nil {
			errs, status, ok := formErrors(ctx, err)
			if !ok {
				return h.fail(e, err)
			}
			return b.render(e, id, components.Form{Values: v, Errors: errs}, status)
		}
		return e.Redirect(http.StatusSeeOther, b.base+id+"?toast="+b.toast)
	}
}

// assetUnreserve cancels a booking.
func (h *Handlers) assetUnreserve(b assetBooking) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		if err := domain.CancelReservation(e.App, e.Auth, b.kind, e.Request.PathValue("rid")); err != nil {
			return h.fail(e, err)
		}
		return e.Redirect(http.StatusSeeOther, b.base+id+"?toast=cancelled")
	}
}
