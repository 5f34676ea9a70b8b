package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// vehiclesList renders the fleet with each vehicle's effective status
// (assigned when an assignment covers now) and last known position.
func (h *Handlers) vehiclesList(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	q, status := e.Request.URL.Query().Get("q"), e.Request.URL.Query().Get("status")
	recs, err := domain.FindVehicles(e.App, q, status)
	if err != nil {
		return h.fail(e, err)
	}
	last, err := domain.LastPositions(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	now := h.deps.Clock()
	title := i18n.T(ctx, "nav.vehicles")
	vm := resources.ListVM{Page: h.resPage(e, "vehicles", title, layouts.Crumb{Label: title}), Query: q, Status: status,
		Statuses: resOptions(ctx, "res.status.", domain.VehicleStatuses()),
		Columns: []string{i18n.T(ctx, "res.vehicle.plate"), i18n.T(ctx, "res.vehicle.label"), i18n.T(ctx, "res.vehicle.kind"),
			i18n.T(ctx, "res.vehicle.odometer"), i18n.T(ctx, "res.vehicle.last_seen"), i18n.T(ctx, "res.status")}}
	for _, r := range domain.AsVehicles(recs) {
		bookings, err := domain.FindBookings(e.App, domain.AssetVehicle, r.Id, domain.Period{From: now, To: now.Add(1)})
		if err != nil {
			return h.fail(e, err)
		}
		st := domain.EffectiveStatus(r.Status(), bookings, now)
		seen := "—"
		if p, ok := last[r.Id]; ok {
			seen = i18n.FormatDateTime(ctx, p.Time)
		}
		vm.Rows = append(vm.Rows, resources.RowVM{ID: r.Id, Href: "/vehicles/" + r.Id, Status: st, StatusKind: statusKind(st),
			Cells: []string{r.Plate(), r.Label(), i18n.T(ctx, "res.kind."+r.Kind()),
				i18n.FormatNumber(ctx, float64(r.OdometerKm()), 0) + " km", seen}})
	}
	render(e.Response, e.Request, http.StatusOK, resources.VehiclesPage(vm))
	return nil
}
