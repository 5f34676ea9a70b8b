package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// vehiclesMap shows the fleet's last known positions on a Leaflet map,
// with the same positions as a list (the page works without tiles).
func (h *Handlers) vehiclesMap(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	vehicles, err := domain.FindVehicles(e.App, "", "")
	if err != nil {
		return h.fail(e, err)
	}
	last, err := domain.LastPositions(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "res.vehicle.map")
	vm := resources.MapVM{Page: h.resPage(e, "vehicles", title, layouts.Crumb{Label: i18n.T(ctx, "nav.vehicles"), Href: "/vehicles"}, layouts.Crumb{Label: title}),
		TileURL: mapTileURL(), Attrib: "© OpenStreetMap"}
	vm.Page.Assets.LeafletJS = h.assets.Path("vendor/leaflet/leaflet.js")
	vm.Page.Assets.LeafletCSS = h.assets.Path("vendor/leaflet/leaflet.css")
	for _, v := range domain.AsVehicles(vehicles) {
		label := v.Plate() + " · " + v.Label()
		p, ok := last[v.Id]
		if !ok {
			vm.Missing = append(vm.Missing, label)
			continue
		}
		vm.Markers = append(vm.Markers, resources.MarkerVM{ID: v.Id, Lat: p.Lat, Lng: p.Lng, Label: label,
			At: i18n.FormatDateTime(ctx, p.Time), Href: "/vehicles/" + v.Id})
	}
	render(e.Response, e.Request, http.StatusOK, resources.VehiclesMapPage(vm))
	return nil
}
