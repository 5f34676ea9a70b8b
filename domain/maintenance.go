package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Maintenance states, from a due date and/or a due mileage.
const (
	MaintenanceOK      = "ok"
	MaintenanceDueSoon = "due_soon"
	MaintenanceOverdue = "overdue"
	MaintenanceDone    = "done"
)

// Warning windows before a maintenance is due.
const (
	MaintenanceSoonDays = 14
	MaintenanceSoonKm   = 1000
)

// MaintenanceState says whether a maintenance is done, overdue, due soon
// or fine. It is due by date (the civil day in the tenant's zone loc: due today is due
// soon, overdue from the next day) and/or by km (overdue once the
// odometer reaches dueKm); the worse of the two wins. Zero due date and
// zero dueKm mean "not scheduled on that axis".
func MaintenanceState(due time.Time, dueKm, odometerKm int, done bool, now time.Time, loc *time.Location) string {
	if done {
		return MaintenanceDone
	}
	state := MaintenanceOK
	if !due.IsZero() {
		days := civilOf(CivilDate(due, loc)) - civilOf(now.In(loc))
		switch {
		case days < 0:
			return MaintenanceOverdue
		case days <= MaintenanceSoonDays:
			state = MaintenanceDueSoon
		}
	}
	if dueKm > 0 {
		switch {
		case odometerKm >= dueKm:
			return MaintenanceOverdue
		case dueKm-odometerKm <= MaintenanceSoonKm:
			state = MaintenanceDueSoon
		}
	}
	return state
}

// MaintenanceInput schedules a maintenance (contrôle technique, vidange,
// VGP of a tool…) by date and/or by km, optionally recurring.
type MaintenanceInput struct {
	AssetKind    string
	Asset        string
	Label        string
	Due          time.Time
	DueKm        int
	IntervalDays int
	IntervalKm   int
	Note         string
}

// Validate checks the form; the first error names its field. A
// maintenance is due by date or by km (km only for vehicles).
func (in *MaintenanceInput) Validate() error {
	in.Label = strings.TrimSpace(in.Label)
	switch {
	case in.Label == "":
		return FieldError("label", "err.label_required")
	case in.DueKm < 0 || in.IntervalKm < 0 || in.IntervalDays < 0:
		return FieldError("due_km", "err.maintenance.negative")
	case in.AssetKind != AssetVehicle && (in.DueKm > 0 || in.IntervalKm > 0):
		return FieldError("due_km", "err.maintenance.km_vehicles_only")
	case in.Due.IsZero() && in.DueKm == 0:
		return FieldError("due", "err.maintenance.due_required")
	}
	return nil
}

// ScheduleMaintenance records a planned maintenance of an asset.
func ScheduleMaintenance(app core.App, actor *core.Record, in MaintenanceInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	fields := map[string]any{
		"asset_kind": in.AssetKind, "asset": in.Asset, "label": in.Label, "due_km": in.DueKm,
		"interval_days": in.IntervalDays, "interval_km": in.IntervalKm, "note": in.Note,
	}
	if !in.Due.IsZero() {
		fields["due"] = in.Due.UTC()
	}
	return resInsert(app, actor, CollectionMaintenance, fields)
}

// CompleteMaintenance marks a maintenance done (with the odometer and
// cost) and, when it recurs, schedules the next one from today's date
// and mileage. It returns the next maintenance, if any.
func CompleteMaintenance(app core.App, actor *core.Record, id string, doneAt time.Time, doneKm int, cost float64) (*core.Record, error) {
	if cost < 0 || doneKm < 0 {
		return nil, FieldError("cost", "err.maintenance.negative")
	}
	var next *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		m, err := tx.FindRecordById(CollectionMaintenance, id)
		if err != nil {
			return Errorf(ENotFound, "err.maintenance.not_found")
		}
		if !m.GetDateTime("done_at").IsZero() {
			return Errorf(EConflict, "err.maintenance.already_done")
		}
		m.Load(map[string]any{"done_at": doneAt.UTC(), "done_km": doneKm, "cost": cost})
		resActor(m, actor)
		if actor != nil {
			m.Set("by", actor.Id)
		}
		if err := tx.Save(m); err != nil {
			return resSaveError(err)
		}
		days, km := m.GetInt("interval_days"), m.GetInt("interval_km")
		if days == 0 && km == 0 {
			return nil
		}
		in := MaintenanceInput{AssetKind: m.GetString("asset_kind"), Asset: m.GetString("asset"), Label: m.GetString("label"),
			IntervalDays: days, IntervalKm: km, Note: m.GetString("note")}
		if days > 0 {
			in.Due = doneAt.AddDate(0, 0, days)
		}
		if km > 0 {
			in.DueKm = doneKm + km
		}
		next, err = ScheduleMaintenance(tx, actor, in)
		return err
	})
	return next, err
}

// FindMaintenance returns an asset's maintenance, planned first (by due
// date) then history (latest first).
func FindMaintenance(app core.App, kind, asset string) (planned, history []*core.Record, err error) {
	p := dbx.Params{"k": kind, "a": asset}
	if planned, err = app.FindRecordsByFilter(CollectionMaintenance, "asset_kind = {:k} && asset = {:a} && done_at = ''", "due,due_km", 100, 0, p); err != nil {
		return nil, nil, err
	}
	history, err = app.FindRecordsByFilter(CollectionMaintenance, "asset_kind = {:k} && asset = {:a} && done_at != ''", "-done_at", 100, 0, p)
	return planned, history, err
}

// FindOpenMaintenance returns every planned maintenance of a kind.
func FindOpenMaintenance(app core.App, kind string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionMaintenance, "asset_kind = {:k} && done_at = ''", "due", 1000, 0, dbx.Params{"k": kind})
}
