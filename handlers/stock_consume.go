package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/resources"
)

// renderConsume renders the crew app's consumption page.
func (h *Handlers) renderConsume(e *core.RequestEvent, form components.Form, status int) error {
	ctx := e.Request.Context()
	vm := resources.CrewConsumeVM{Shell: h.crewShell(e, "consume", i18n.T(ctx, "res.crew.consume")), Form: form,
		Assets: resources.Assets{CSS: h.assets.Path("css/resources.css")}}
	vm.Shell.Toasts = resFlash(e)
	// NB: a crew member consumes on the sites of their team only.
	sites, err := crewSiteOptions(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Options = map[string][]components.Option{"site": sites, "material": {{Value: "", Label: "—"}}}
	mats, err := domain.FindMaterials(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	for _, m := range mats {
		vm.Options["material"] = append(vm.Options["material"], components.Option{Value: m.Id, Label: m.Name() + " (" + m.Unit() + ")"})
	}
	books, err := domain.FindUserReservations(e.App, e.Auth.Id, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	for _, b := range domain.AsReservations(books) {
		bv := resBooking(ctx, b)
		if v, ok := b.ExpandedVehicle(); ok {
			bv.Asset = v.Plate() + " · " + v.Label()
		} else if eq, ok := b.ExpandedEquipment(); ok {
			bv.Asset = eq.Code() + " · " + eq.Name()
		}
		vm.Bookings = append(vm.Bookings, bv)
	}
	recent, err := domain.FindRecentConsumptions(e.App, e.Auth.Id, 10)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Recent = newMoveVMs(ctx, recent, nil)
	render(e.Response, e.Request, status, resources.CrewConsumePage(vm))
	return nil
}

// stockConsumeShow renders the consumption form (every role, crews first).
func (h *Handlers) stockConsumeShow(e *core.RequestEvent) error {
	return h.renderConsume(e, components.Form{Values: map[string]string{"site": e.Request.URL.Query().Get("site")}}, http.StatusOK)
}

// stockConsume records material used on a site, taken from the site's
// stock, in the user's name.
func (h *Handlers) stockConsume(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	v := resValues(e, "site", "material", "qty", "task")
	_, err := domain.RecordStockMove(e.App, e.Auth, domain.StockMoveInput{Material: v["material"], Kind: domain.MoveConsumption,
		Qty: resNumber(v["qty"]), Site: v["site"], Task: v["task"], At: h.deps.Clock()})
	if err != nil {
		errs, status, ok := formErrors(ctx, err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderConsume(e, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/m/consumption?toast=recorded")
}
