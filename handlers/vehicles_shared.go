package handlers

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

// Shared helpers of module 2 (vehicles, equipment, materials, stock).

// defaultTileURL is the map tile server unless FIELDOPS_MAP_TILES says
// otherwise ("off" disables tiles: the page lists positions only).
const defaultTileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

func mapTileURL() string {
	switch v := os.Getenv("FIELDOPS_MAP_TILES"); v {
	case "":
		return defaultTileURL
	case "off":
		return ""
	default:
		return v
	}
}

// resPage builds the shared page model of a module 2 page.
func (h *Handlers) resPage(e *core.RequestEvent, active, title string, crumbs ...layouts.Crumb) resources.PageVM {
	shell := h.shell(e, active, title, crumbs...)
	shell.Toasts = resFlash(e)
	a := tenantCtx(e).Resources()
	return resources.PageVM{Shell: shell, CanEdit: a.EditRegisters, CanDay: a.DayToDay,
		Assets: resources.Assets{CSS: h.assets.Path("css/resources.css")}}
}

// resRequire lets through the users whose resource access passes need
// (the API rules say the same); others get the 403 page or toast.
func (h *Handlers) resRequire(need func(domain.ResourceAccess) bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !need(tenantCtx(e).Resources()) {
			return h.errorPage(e, http.StatusForbidden)
		}
		return e.Next()
	}
}

func canEditRegisters(a domain.ResourceAccess) bool { return a.EditRegisters }
func canDayToDay(a domain.ResourceAccess) bool      { return a.DayToDay }
func canConsume(a domain.ResourceAccess) bool       { return a.Consume }

// resValues keeps the typed-in values of a posted form.
func resValues(e *core.RequestEvent, names ...string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = strings.TrimSpace(e.Request.FormValue(n))
	}
	return out
}

// resLocalTime reads a date or datetime-local input in the display zone.
func resLocalTime(ctx context.Context, s string) time.Time {
	loc := i18n.Location(ctx)
	if loc == nil {
		loc = time.UTC
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), loc); err == nil {
			return t
		}
	}
	return time.Time{}
}

// resNumber reads a number input ("," accepted as decimal separator).
func resNumber(s string) float64 {
	f, _ := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	return f
}

// resInt reads a whole number input.
func resInt(s string) int { return int(resNumber(s)) }

// resOptions builds select options with translated labels (prefix+value).
func resOptions(ctx context.Context, prefix string, values []string) []components.Option {
	out := make([]components.Option, 0, len(values))
	for _, v := range values {
		out = append(out, components.Option{Value: v, Label: i18n.T(ctx, prefix+v)})
	}
	return out
}

// siteOptions lists the open sites (code and name), with an empty choice.
func siteOptions(ctx context.Context, app core.App) ([]components.Option, error) {
	sites, err := domain.FindOpenSites(app)
	if err != nil {
		return nil, err
	}
	out := []components.Option{{Value: "", Label: "—"}}
	for _, s := range sites {
		out = append(out, components.Option{Value: s.Id, Label: s.Code() + " · " + s.Name()})
	}
	return out, nil
}

// userOptions lists the active users, with an empty choice.
func userOptions(app core.App) ([]components.Option, error) {
	users, err := domain.FindActiveUsers(app)
	if err != nil {
		return nil, err
	}
	out := []components.Option{{Value: "", Label: "—"}}
	for _, u := range users {
		out = append(out, components.Option{Value: u.Id, Label: u.Name()})
	}
	return out, nil
}

// statusKind is the badge colour of a resource status.
func statusKind(status string) string {
	switch status {
	case "available", "received", "ok", "done":
		return "ok"
	case "assigned", "in_use", "sent", "partial", "due_soon", "draft":
		return "warning"
	case "maintenance", "out", "lost", "overdue", "cancelled":
		return "danger"
	}
	return "neutral"
}

// resFlash turns a whitelisted ?toast= key into a toast (post/redirect/get).
func resFlash(e *core.RequestEvent) []components.ToastVM {
	key := e.Request.URL.Query().Get("toast")
	switch key {
	case "saved", "assigned", "reserved", "moved", "cancelled", "recorded", "scheduled", "done", "status":
		return []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(e.Request.Context(), "res.toast."+key)}}
	}
	return nil
}

// resBooking builds a booking line from a reservation record.
func resBooking(ctx context.Context, r domain.Reservation) resources.BookingVM {
	p := domain.ReservationPeriod(r.Record)
	return resources.BookingVM{ID: r.Id, Period: i18n.FormatDateTime(ctx, p.From) + " → " + i18n.FormatDateTime(ctx, p.To),
		For: domain.ReservationLabel(r.Record), Note: r.Note()}
}

// resMaintenance builds the maintenance block of an asset.
func (h *Handlers) resMaintenance(e *core.RequestEvent, kind, asset, base string, odometer int, form components.Form) (resources.MaintenanceBlockVM, error) {
	ctx := e.Request.Context()
	planned, history, err := domain.FindMaintenance(e.App, kind, asset)
	if err != nil {
		return resources.MaintenanceBlockVM{}, err
	}
	now := h.deps.Clock()
	m := resources.MaintenanceBlockVM{Action: base + "/maintenance", DoneURL: base + "/maintenance/", ForKm: kind == domain.AssetVehicle,
		Form: form, CanEdit: tenantCtx(e).Resources().EditRegisters, Odometer: strconv.Itoa(odometer)}
	for _, r := range domain.AsMaintenanceList(planned) {
		due := r.Due()
		text := i18n.FormatDate(ctx, due)
		if km := r.DueKm(); km > 0 {
			text += " · " + i18n.FormatNumber(ctx, float64(km), 0) + " km"
		}
		st := domain.MaintenanceState(due, r.DueKm(), odometer, false, now, tenantCtx(e).Location())
		m.Planned = append(m.Planned, resources.MaintenanceVM{ID: r.Id, Label: r.Label(), Due: text, State: st, StateKind: statusKind(st)})
	}
	for _, r := range domain.AsMaintenanceList(history) {
		m.History = append(m.History, resources.MaintenanceVM{ID: r.Id, Label: r.Label(),
			DoneAt: i18n.FormatDate(ctx, r.DoneAt()), Cost: i18n.FormatEUR(ctx, r.Cost())})
	}
	return m, nil
}
