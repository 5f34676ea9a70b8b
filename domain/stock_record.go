package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// StockMoveInput is a stock movement form (or an API create).
type StockMoveInput struct {
	Material      string
	Kind          string
	Qty           float64
	Location      string
	ToLocation    string
	Site          string
	Task          string
	Reason        string
	At            time.Time
	PurchaseOrder string
}

// Move returns the arithmetic part of the input. A consumption on a
// site with no location is taken from that site's stock.
func (in *StockMoveInput) Move() Move {
	if in.Location == "" && in.Site != "" && in.Kind == MoveConsumption {
		in.Location = SiteLocation(in.Site)
	}
	return Move{Kind: in.Kind, Qty: in.Qty, Location: in.Location, ToLocation: in.ToLocation, Reason: strings.TrimSpace(in.Reason)}
}

// Validate checks the form; the first error names its field.
func (in *StockMoveInput) Validate() error {
	if in.Material == "" {
		return FieldError("material", "err.stock.choose_material")
	}
	if in.Kind == MoveConsumption && in.Site == "" {
		return FieldError("site", "err.stock.choose_site")
	}
	return in.Move().Validate()
}

// MaterialMoves returns the arithmetic of every move of a material.
func MaterialMoves(app core.App, materialID string) ([]Move, error) {
	var rows []struct {
		Kind     string  `db:"kind"`
		Qty      float64 `db:"qty"`
		Location string  `db:"location"`
		To       string  `db:"to_location"`
	}
	err := app.DB().Select("kind", "qty", "location", "to_location").From(CollectionStockMoves).
		Where(dbx.HashExp{"material": materialID}).All(&rows)
	out := make([]Move, 0, len(rows))
	for _, r := range rows {
		out = append(out, Move{Kind: r.Kind, Qty: r.Qty, Location: r.Location, ToLocation: r.To})
	}
	return out, err
}

// checkStockMove verifies, against the stored moves of its material,
// that a new move keeps stock non-negative (see ApplyMove). Call it in
// the transaction that saves the move.
func checkStockMove(app core.App, m Move, materialID string) error {
	moves, err := MaterialMoves(app, materialID)
	if err != nil {
		return err
	}
	_, err = ApplyMove(Balances(moves), m)
	return err
}

// RecordStockMove validates and records a stock move as actor, with the
// material's unit cost at that time (consumption costs stay historical).
// The stock check and the insert share one transaction. A crew member
// records consumption only, on a site they may see (CheckStockActor).
func RecordStockMove(app core.App, actor *core.Record, in StockMoveInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if actor != nil {
		if err := CheckStockActor(app, actor, in.Kind, in.Site); err != nil {
			return nil, err
		}
	}
	m := in.Move()
	var out *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		mat, err := tx.FindRecordById(CollectionMaterials, in.Material)
		if err != nil {
			return FieldError("material", "err.material.not_found")
		}
		if err := checkStockMove(tx, m, mat.Id); err != nil {
			return err
		}
		at := in.At
		if at.IsZero() {
			at = time.Now()
		}
		fields := map[string]any{
			"material": mat.Id, "kind": m.Kind, "qty": m.Qty, "location": m.Location, "to_location": m.ToLocation,
			"site": in.Site, "task": in.Task, "reason": m.Reason, "unit_cost": mat.GetFloat("unit_cost"),
			"at": at.UTC(), "purchase_order": in.PurchaseOrder,
		}
		if actor != nil {
			fields["by"] = actor.Id
		}
		out, err = resInsert(tx, actor, CollectionStockMoves, fields)
		return err
	})
	return out, err
}

// BindResourceHooks enforces module 2's rules on every save, the REST
// API included: a stock move must be valid and keep stock non-negative
// (checked in the saving transaction). Call it from BindHooks, after the
// audit hooks so that it runs inside their transaction.
func BindResourceHooks(app core.App) {
	app.OnRecordCreateExecute(CollectionStockMoves).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsStockNonNegative",
		Func: func(e *core.RecordEvent) error {
			r := e.Record
			m := Move{Kind: r.GetString("kind"), Qty: r.GetFloat("qty"), Location: r.GetString("location"),
				ToLocation: r.GetString("to_location"), Reason: r.GetString("reason")}
			if m.Kind == MoveConsumption && m.Location == "" && r.GetString("site") != "" {
				m.Location = SiteLocation(r.GetString("site"))
				r.Set("location", m.Location)
			}
			if r.GetDateTime("at").IsZero() {
				r.Set("at", time.Now().UTC())
			}
			outer := e.App
			defer func() { e.App = outer }()
			return outer.RunInTransaction(func(tx core.App) error {
				if err := checkStockMove(tx, m, r.GetString("material")); err != nil {
					return err
				}
				e.App = tx
				return e.Next()
			})
		},
	})
}

// FindStockMoves returns the latest moves, optionally of one material
// or one site, with material, site and author expanded.
func FindStockMoves(app core.App, materialID, siteID string, limit int) ([]*core.Record, error) {
	filter, p := "id != ''", dbx.Params{}
	if materialID != "" {
		filter += " && material = {:m}"
		p["m"] = materialID
	}
	if siteID != "" {
		filter += " && site = {:s}"
		p["s"] = siteID
	}
	recs, err := app.FindRecordsByFilter(CollectionStockMoves, filter, "-at,-created", limit, 0, p)
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"material", "site", "by"}, nil)
	return recs, nil
}
