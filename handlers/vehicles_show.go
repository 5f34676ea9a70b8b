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

// vehicleForms are the forms of a vehicle page kept on a 400.
type vehicleForms struct{ assign, maintenance components.Form }

// renderVehicle renders a vehicle's page with its forms' state.
func (h *Handlers) renderVehicle(e *core.RequestEvent, id string, forms vehicleForms, status int) error {
	ctx := e.Request.Context()
	r, err := domain.FindVehicle(e.App, id)
	if err != nil {
		return h.fail(e, err)
	}
	now := h.deps.Clock()
	recs, err := domain.FindAssetReservations(e.App, domain.AssetVehicle, r.Id, now.Add(-24*time.Hour))
	if err != nil {
		return h.fail(e, err)
	}
	var bookings []domain.Booking
	vm := resources.VehicleVM{ID: r.Id, Plate: r.Plate(), Label: r.Label(), Private: r.Mode() == domain.ModePrivate,
		AssignForm: forms.assign, IngestURL: h.baseURL(e) + "/gps?id=" + orDash(r.GPSDeviceID()) + "&lat={lat}&lon={lon}&timestamp={timestamp}&speed={speed}&accuracy={accuracy}"}
	for _, b := range domain.AsReservations(recs) {
		vm.Bookings = append(vm.Bookings, resBooking(ctx, b))
		bookings = append(bookings, domain.Booking{ID: b.Id, Period: domain.ReservationPeriod(b.Record)})
	}
	vm.Status = domain.EffectiveStatus(r.Status(), bookings, now)
	vm.StatusKind = statusKind(vm.Status)
	vm.Page = h.resPage(e, "vehicles", vm.Plate, layouts.Crumb{Label: i18n.T(ctx, "nav.vehicles"), Href: "/vehicles"}, layouts.Crumb{Label: vm.Plate})
	vm.Facts = []layouts.Crumb{
		{Label: i18n.T(ctx, "res.vehicle.kind"), Href: i18n.T(ctx, "res.kind."+r.Kind())},
		{Label: i18n.T(ctx, "res.vehicle.capacity"), Href: i18n.FormatNumber(ctx, float64(r.Capacity()), 0)},
		{Label: i18n.T(ctx, "res.vehicle.odometer"), Href: i18n.FormatNumber(ctx, float64(r.OdometerKm()), 0) + " km"},
		{Label: i18n.T(ctx, "res.vehicle.mode"), Href: i18n.T(ctx, "res.mode."+orDefaultStr(r.Mode(), domain.ModeBusiness))},
		{Label: i18n.T(ctx, "res.vehicle.device"), Href: orDash(r.GPSDeviceID())},
	}
	if vm.Page.CanDay {
		sites, err := siteOptions(ctx, e.App)
		if err != nil {
			return h.fail(e, err)
		}
		users, err := userOptions(e.App)
		if err != nil {
			return h.fail(e, err)
		}
		vm.Options = map[string][]components.Option{"site": sites, "user": users}
	}
	if vm.Maintenance, err = h.resMaintenance(e, domain.AssetVehicle, r.Id, "/vehicles/"+r.Id, r.OdometerKm(), forms.maintenance); err != nil {
		return h.fail(e, err)
	}
	positions, err := domain.FindPositions(e.App, r.Id, now.AddDate(0, 0, -7), 20)
	if err != nil {
		return h.fail(e, err)
	}
	for _, p := range domain.AsVehiclePositions(positions) {
		vm.Positions = append(vm.Positions, resources.PositionVM{At: i18n.FormatDateTime(ctx, p.At()),
			Lat: i18n.FormatNumber(ctx, p.Lat(), 5), Lng: i18n.FormatNumber(ctx, p.Lng(), 5),
			Speed: i18n.FormatNumber(ctx, p.Speed(), 0) + " km/h"})
	}
	render(e.Response, e.Request, status, resources.VehiclePage(vm))
	return nil
}

// vehiclesShow renders a vehicle's page.
func (h *Handlers) vehiclesShow(e *core.RequestEvent) error {
	return h.renderVehicle(e, e.Request.PathValue("id"), vehicleForms{}, http.StatusOK)
}

func orDash(s string) string { return orDefaultStr(s, "—") }

func orDefaultStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
