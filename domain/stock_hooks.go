package domain

import (
	"math"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindStockHooks applies module 2's write rules beyond the stock
// balance (BindResourceHooks):
//
//   - a client's stock move is in the caller's name at the material's
//     current unit cost (server-set), and a crew member only records
//     consumption on a site they may see (CheckStockActor);
//   - a purchase order's lines are valid and bounded and its total is
//     computed by the server, whoever saves it.
func bindStockHooks(app core.App) {
	app.OnRecordCreateExecute(CollectionStockMoves).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsStockClient", Func: func(e *core.RecordEvent) error {
			r := e.Record
			if u := clientUser(r); u != nil {
				if err := CheckStockActor(e.App, u, r.GetString("kind"), r.GetString("site")); err != nil {
					return err
				}
				r.Set("by", u.Id)
				if m, err := e.App.FindRecordById(CollectionMaterials, r.GetString("material")); err == nil {
					r.Set("unit_cost", m.GetFloat("unit_cost"))
				}
			}
			return e.Next()
		}})
	po := &hook.Handler[*core.RecordEvent]{Id: "fieldopsPurchaseOrder", Func: func(e *core.RecordEvent) error {
		lines := POLines(e.Record)
		if err := CheckPOLines(lines); err != nil {
			return err
		}
		e.Record.Set("total", POTotal(lines))
		return e.Next()
	}}
	app.OnRecordCreateExecute(CollectionPurchaseOrders).Bind(po)
	app.OnRecordUpdateExecute(CollectionPurchaseOrders).Bind(po)
}

// CheckStockActor refuses a stock move a user may not record: the day
// to day (ResourceAccess.DayToDay) records every kind; others only
// record consumption, on a site they may see.
func CheckStockActor(app core.App, u *core.Record, kind, siteID string) error {
	access := ResourceAccessOf(u)
	if access.DayToDay {
		return nil
	}
	if !access.Consume || kind != MoveConsumption {
		return ErrResourceForbidden
	}
	if site := siteRecord(app, siteID); site == nil || !CanSeeSite(u, site) {
		return Errorf(EForbidden, "err.not_in_site_team")
	}
	return nil
}

// CheckPOLines checks the lines of a purchase order: a material, a
// positive quantity up to MaxQuantity and a unit cost from 0 to
// MaxAmount each (numbers, not NaN or infinities).
func CheckPOLines(lines []POLine) error {
	for i, l := range lines {
		bad := func(v, lo, hi float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi }
		if l.Material == "" || l.Qty <= 0 || bad(l.Qty, 0, MaxQuantity) || bad(l.UnitCost, 0, MaxAmount) {
			return FieldError("lines", "err.purchase.invalid_line", i+1)
		}
	}
	return nil
}
