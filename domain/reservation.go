package domain

import (
	"errors"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Collections of module 2 (resources).
const (
	CollectionVehicles         = "vehicles"
	CollectionVehiclePositions = "vehicle_positions"
	CollectionEquipment        = "equipment"
	CollectionReservations     = "reservations"
	CollectionMaintenance      = "maintenance"
	CollectionMaterials        = "materials"
	CollectionStockMoves       = "stock_moves"
	CollectionSuppliers        = "suppliers"
	CollectionPurchaseOrders   = "purchase_orders"
)

// Asset kinds of reservations and maintenance.
const (
	AssetVehicle   = "vehicle"
	AssetEquipment = "equipment"
)

// Period is a half-open time interval [From, To).
type Period struct{ From, To time.Time }

// Overlaps reports whether two half-open periods share an instant: a
// booking ending at 12:00 and one starting at 12:00 do not conflict.
func (p Period) Overlaps(q Period) bool { return p.From.Before(q.To) && q.From.Before(p.To) }

// Booking is an existing reservation or assignment of an asset.
type Booking struct {
	ID     string
	Period Period
	Label  string // who or what holds it, for the conflict message
}

// FirstConflict returns the first booking overlapping p, ignoring the
// booking exceptID (the one being edited).
func FirstConflict(p Period, existing []Booking, exceptID string) (Booking, bool) {
	for _, b := range existing {
		if b.ID != exceptID && p.Overlaps(b.Period) {
			return b, true
		}
	}
	return Booking{}, false
}

// ReservationInput books a vehicle (an assignment) or a tool (a
// reservation) for a site, a task and/or a person over a period.
type ReservationInput struct {
	AssetKind string // AssetVehicle or AssetEquipment
	Asset     string // record id
	Site      string
	Task      string
	User      string
	From, To  time.Time
	Note      string
}

// Validate checks the form; the first error names its field. A booking
// names its asset, a period of positive length and whom it is for.
func (in *ReservationInput) Validate() error {
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.AssetKind != AssetVehicle && in.AssetKind != AssetEquipment:
		return FieldError("asset_kind", "err.booking.unknown_kind")
	case in.Asset == "":
		return FieldError("asset", "err.booking.choose_resource")
	case in.From.IsZero():
		return FieldError("from", "err.booking.start_required")
	case in.To.IsZero():
		return FieldError("to", "err.booking.end_required")
	case !in.To.After(in.From):
		return FieldError("to", "err.booking.end_after_start")
	case in.Site == "" && in.Task == "" && in.User == "":
		return FieldError("site", "err.booking.target_required")
	}
	return nil
}

// FindBookings returns the bookings of an asset overlapping p.
func FindBookings(app core.App, kind, asset string, p Period) ([]Booking, error) {
	recs, err := app.FindRecordsByFilter(CollectionReservations,
		"asset_kind = {:kind} && asset = {:asset} && from < {:to} && to > {:from}", "from", 200, 0,
		dbx.Params{"kind": kind, "asset": asset, "from": DBTime(p.From), "to": DBTime(p.To)})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"site", "user"}, nil)
	out := make([]Booking, 0, len(recs))
	for _, r := range recs {
		out = append(out, Booking{ID: r.Id, Period: ReservationPeriod(r), Label: ReservationLabel(r)})
	}
	return out, nil
}

// ReservationPeriod returns a reservation record's period.
func ReservationPeriod(r *core.Record) Period {
	return Period{From: r.GetDateTime("from").Time(), To: r.GetDateTime("to").Time()}
}

// ReservationLabel names whom a reservation is for (expanded site/user).
func ReservationLabel(r *core.Record) string {
	var parts []string
	if s := r.ExpandedOne("site"); s != nil {
		parts = append(parts, s.GetString("code")+" "+s.GetString("name"))
	}
	if u := r.ExpandedOne("user"); u != nil {
		parts = append(parts, u.GetString("name"))
	}
	if len(parts) == 0 {
		return r.GetString("note")
	}
	return strings.Join(parts, " · ")
}

// Reserve books an asset after checking, in the same transaction, that
// no other booking of that asset overlaps the period (EConflict naming
// the holder and dates otherwise).
func Reserve(app core.App, actor *core.Record, in ReservationInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	col := CollectionVehicles
	if in.AssetKind == AssetEquipment {
		col = CollectionEquipment
	}
	if _, err := app.FindRecordById(col, in.Asset); err != nil {
		return nil, FieldError("asset", "err.booking.resource_not_found")
	}
	var out *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		p := Period{in.From, in.To}
		existing, err := FindBookings(tx, in.AssetKind, in.Asset, p)
		if err != nil {
			return err
		}
		if b, clash := FirstConflict(p, existing, ""); clash {
			return Errorf(EConflict, "err.booking.taken", localText(tx, b.Period.From), localText(tx, b.Period.To), b.Label)
		}
		fields := map[string]any{
			"asset_kind": in.AssetKind, "asset": in.Asset, "site": in.Site, "task": in.Task, "user": in.User,
			"from": in.From.UTC(), "to": in.To.UTC(), "note": in.Note, in.AssetKind: in.Asset,
		}
		if actor != nil {
			fields["by"] = actor.Id
		}
		r, err := resInsert(tx, actor, CollectionReservations, fields)
		out = r
		return err
	})
	return out, err
}

// CancelReservation deletes a booking of the given asset kind.
func CancelReservation(app core.App, actor *core.Record, kind, id string) error {
	r, err := app.FindRecordById(CollectionReservations, id)
	if err != nil || r.GetString("asset_kind") != kind {
		return Errorf(ENotFound, "err.booking.not_found")
	}
	resActor(r, actor)
	return app.Delete(r)
}

// FindAssetReservations returns an asset's bookings ending after since,
// by start date, with site and user expanded.
func FindAssetReservations(app core.App, kind, asset string, since time.Time) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionReservations, "asset_kind = {:kind} && asset = {:asset} && to > {:since}",
		"from", 200, 0, dbx.Params{"kind": kind, "asset": asset, "since": DBTime(since)})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"site", "user"}, nil)
	return recs, nil
}

// FindUserReservations returns the bookings of a person ending after since.
func FindUserReservations(app core.App, userID string, since time.Time) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionReservations, "user = {:u} && to > {:since}", "from", 100, 0,
		dbx.Params{"u": userID, "since": DBTime(since)})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"site", "vehicle", "equipment"}, nil)
	return recs, nil
}

// localText formats t for messages, in the tenant's zone.
func localText(app core.App, t time.Time) string {
	return t.In(TenantFactsOf(app).Location()).Format("02/01/2006 15:04")
}

// resActor names the actor of a change for the audit trail.
func resActor(r, actor *core.Record) {
	if actor != nil {
		SetActor(r, actor.Id)
	}
}

// resInsert creates a record of collection as actor.
func resInsert(app core.App, actor *core.Record, collection string, fields map[string]any) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(fields)
	resActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, resSaveError(err)
	}
	return r, nil
}

// resSaveError turns PocketBase field validation errors (unique indexes,
// bounds) into a FieldError on the first field; other errors pass.
func resSaveError(err error) error {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return err
	}
	for field, fe := range verrs {
		msg := fe.Error()
		var ve validation.Error
		if errors.As(fe, &ve) && ve.Code() == "validation_not_unique" {
			return &Error{Code: EInvalid, Field: field, Key: "err.value_taken", Err: err}
		}
		return &Error{Code: EInvalid, Field: field, Key: "err.invalid_value", Args: []any{msg}, Err: err}
	}
	return err
}
