package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
)

// stockMove records a movement of a material (site leads and office):
// refused with a clear message when it would leave stock negative, or
// for an adjustment without a reason.
func (h *Handlers) stockMove(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	id := e.Request.PathValue("id")
	v := resValues(e, "kind", "qty", "location", "to_location", "site", "task", "reason")
	in := domain.StockMoveInput{Material: id, Kind: v["kind"], Qty: resNumber(v["qty"]), Location: v["location"], ToLocation: v["to_location"],
		Site: v["site"], Task: v["task"], Reason: v["reason"], At: h.deps.Clock()}
	if in.Kind != domain.MoveTransfer {
		in.ToLocation = ""
	}
	if _, err := domain.RecordStockMove(e.App, e.Auth, in); err != nil {
		errs, status, ok := formErrors(ctx, err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderMaterial(e, id, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/materials/"+id+"?toast=recorded")
}
