package domain

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// syncSpec says what the crew app may sync on one collection: the
// operations, the fields a payload may carry, the field defaulted to the
// caller and the one defaulted to the device time, an extra payload check,
// the business rules run before the save, and how to tell a conflict
// (the change cannot apply as the user meant it) from a refusal.
type syncSpec struct {
	ops        map[string]bool
	fields     map[string]bool
	owner      string
	deviceTime string
	fixed      map[string]any // values forced into the payload
	check      func(op SyncOp) error
	prepare    func(tx core.App, user, rec, orig *core.Record) error
	conflict   func(user, rec *core.Record) string
}

// syncSpecFor returns the sync spec of a whitelisted collection: time
// entries, incidents, material consumption, checklist runs, and the
// status and progress of tasks. Photos and signatures are proof: they
// come through their upload protocol (/api/fieldops/uploads), never as
// bare records.
func syncSpecFor(collection string) (syncSpec, bool) {
	fix := []string{"lat", "lng", "accuracy"}
	switch collection {
	case CollectionTimeEntries:
		return syncSpec{
			ops: fieldSet(SyncCreate, SyncUpdate),
			fields: fieldSet("user", "site", "task", "clock_in", "clock_out", "in_lat", "in_lng", "in_accuracy",
				"out_lat", "out_lng", "out_accuracy", "kind", "status", "edit_reason"),
			owner: "user", deviceTime: "clock_in",
			prepare: func(tx core.App, user, rec, orig *core.Record) error {
				if orig == nil && rec.GetString("source") == "" {
					rec.Set("source", SourceSync)
				}
				return PrepareTimeEntry(tx, user, rec, orig)
			},
			conflict: func(user, rec *core.Record) string {
				if rec.GetString("status") == TimeApproved {
					return ErrTimeLocked.Key
				}
				return ""
			},
		}, true
	case CollectionIncidents:
		return syncSpec{
			ops:    fieldSet(SyncCreate),
			fields: fieldSet(append(fix, "site", "task", "kind", "severity", "description")...),
			owner:  "reported_by",
			prepare: func(tx core.App, user, rec, orig *core.Record) error {
				return PrepareIncident(rec)
			},
		}, true
	case CollectionStockMoves:
		return syncSpec{
			ops:    fieldSet(SyncCreate),
			fields: fieldSet("material", "kind", "qty", "site", "task", "by", "at"),
			owner:  "by", deviceTime: "at",
			check: func(op SyncOp) error {
				if k := str(op.Data["kind"]); k != "" && k != MoveConsumption {
					return Errorf(EForbidden, "err.sync.consumption_only")
				}
				return nil
			},
			fixed: map[string]any{"kind": MoveConsumption},
		}, true
	case "checklist_runs":
		return syncSpec{
			ops:    fieldSet(SyncCreate, SyncUpdate),
			fields: fieldSet("task", "template", "answers", "complete"),
		}, true
	case CollectionTasks:
		return syncSpec{
			ops:    fieldSet(SyncUpdate),
			fields: fieldSet("status", "progress"),
			// the crew starts and finishes jobs; validating one is the site
			// lead's or the office's call
			prepare: func(tx core.App, user, rec, orig *core.Record) error {
				if user.GetString("role") == RoleCrew && rec.GetString("status") == TaskValidated && orig != nil && orig.GetString("status") != TaskValidated {
					return Errorf(EForbidden, "err.sync.validation_site_lead")
				}
				return nil
			},
			conflict: func(user, rec *core.Record) string {
				if user.GetString("role") == RoleCrew && !slices.Contains(rec.GetStringSlice("assignees"), user.Id) {
					return ConflictReassigned
				}
				return ""
			},
		}, true
	}
	return syncSpec{}, false
}
