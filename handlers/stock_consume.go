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
	vm.Options = map[string][]components.Option{"site": siteOptions(ctx, e.App), "material": {{Value: "", Label: "—"}}}
	mats, err := e.App.FindRecordsByFilter(domain.CollectionMaterials, "", "name", 2000, 0)
	if err != nil {
		return h.fail(e, err)
	}
	for _, m := range mats {
		vm.Options["material"] = append(vm.Options["material"], components.Option{Value: m.Id, Label: m.GetString("name") + " (" + m.GetString("unit") + ")"})
	}
	books, err := domain.FindUserReservations(e.App, e.Auth.Id, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	for _, b := range books {
		bv := resBooking(ctx, b)
		if v := b.ExpandedOne("vehicle"); v != nil {
			bv.Asset = v.GetString("plate") + " · " + v.GetString("label")
		} else if eq := b.ExpandedOne("equipment"); eq != nil {
			bv.Asset = eq.GetString("code") + " · " + eq.GetString("name")
		}
		vm.Bookings = append(vm.Bookings, bv)
	}
	recent, err := e.App.FindRecordsByFilter(domain.CollectionStockMoves, "by = {:u} && kind = 'consumption'", "-at", 10, 0, map[string]any{"u": e.Auth.Id})
	if err != nil {
		return h.fail(e, err)
	}
	_ = e.App.ExpandRecords(recent, []string{"material", "site"}, nil)
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
