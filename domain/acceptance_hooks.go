package domain

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// liftFields are the fields of a reservation its lifting and acceptance
// write once the report is signed; every other field is frozen.
var liftFields = []string{"status", "lifted_at", "accepted_at", "lift_photo", "lifted_by", "accept_signature", "updated"}

// bindAcceptanceHooks keeps a signed report immutable on every path
// (domain, REST API, sync) and lifts a reservation when its task is done
// with a photo:
//   - a signed report changes only from signed to lifted; it is never
//     deleted; its reservations change only their lifting fields and are
//     neither added nor deleted;
//   - a task linked to an open reservation, once done (or validated) with
//     at least one photo of the task, lifts the reservation (its newest
//     photo is the lifting photo), whichever comes last.
func bindAcceptanceHooks(app core.App) {
	bind := func(id string, h *hook.TaggedHook[*core.RecordEvent], f func(*core.RecordEvent) error) {
		h.Bind(&hook.Handler[*core.RecordEvent]{Id: id, Func: f})
	}
	bind("fieldopsAcceptanceUpdate", app.OnRecordUpdateExecute(CollectionAcceptances), acceptanceUpdate)
	bind("fieldopsAcceptanceDelete", app.OnRecordDeleteExecute(CollectionAcceptances), acceptanceDelete)
	bind("fieldopsReservationCreate", app.OnRecordCreateExecute(CollectionAcceptanceReservations), reservationWrite(false))
	bind("fieldopsReservationUpdate", app.OnRecordUpdateExecute(CollectionAcceptanceReservations), reservationWrite(true))
	bind("fieldopsReservationDelete", app.OnRecordDeleteExecute(CollectionAcceptanceReservations), reservationWrite(false))
	bind("fieldopsReservationTaskDone", app.OnRecordUpdateExecute(CollectionTasks), liftOnTask)
	bind("fieldopsReservationPhoto", app.OnRecordCreateExecute(CollectionPhotos), liftOnPhoto)
	bindAcceptanceNotify(app)
}

// acceptanceStored returns the record as stored (a record built in process and
// saved has a blank original).
func acceptanceStored(e *core.RecordEvent) *core.Record {
	orig := e.Record.Original()
	if orig == nil || orig.Id == "" {
		if r, err := e.App.FindRecordById(e.Record.Collection(), e.Record.Id); err == nil {
			return r
		}
	}
	return orig
}

// frozenChanged returns the first field of r that differs from orig, except
// the allowed ones.
func frozenChanged(r, orig *core.Record, allowed []string) string {
	for _, f := range r.Collection().Fields {
		n := f.GetName()
		if slices.Contains(allowed, n) {
			continue
		}
		if fmt.Sprint(r.Get(n)) != fmt.Sprint(orig.Get(n)) {
			return n
		}
	}
	return ""
}

func acceptanceUpdate(e *core.RecordEvent) error {
	orig := acceptanceStored(e)
	if orig != nil && orig.GetString("status") != AcceptanceDraft {
		to := e.Record.GetString("status")
		okStatus := to == orig.GetString("status") || (orig.GetString("status") == AcceptanceSigned && to == AcceptanceLifted)
		if !okStatus || frozenChanged(e.Record, orig, []string{"status", "updated"}) != "" {
			return Errorf(EInvalid, "err.acceptance.signed")
		}
	}
	return e.Next()
}

func acceptanceDelete(e *core.RecordEvent) error {
	if e.Record.GetString("status") != AcceptanceDraft {
		return Errorf(EInvalid, "err.acceptance.signed")
	}
	return e.Next()
}

// reservationWrite refuses adding, deleting or editing (beyond the
// lifting fields) a reservation of a report signed by either party.
func reservationWrite(update bool) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		a, err := FindAcceptance(e.App, e.Record.GetString("acceptance"))
		if err == nil && (a.Status() != AcceptanceDraft || a.CompanySignatureID() != "" || a.ClientSignatureID() != "") {
			orig := acceptanceStored(e)
			if !update || orig == nil || frozenChanged(e.Record, orig, liftFields) != "" {
				return Errorf(EInvalid, "err.acceptance.signed")
			}
		}
		return e.Next()
	}
}

// liftOnTask lifts the open reservation of a task that becomes done with
// a photo.
func liftOnTask(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if st := e.Record.GetString("status"); st != TaskDone && st != TaskValidated {
		return nil
	}
	return liftReservation(e.App, e.Record, ActorOf(e.Record))
}

// liftOnPhoto lifts the open reservation of a done task given a photo.
func liftOnPhoto(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	task, err := e.App.FindRecordById(CollectionTasks, e.Record.GetString("subject"))
	if err != nil {
		return nil
	}
	if st := task.GetString("status"); st != TaskDone && st != TaskValidated {
		return nil
	}
	return liftReservation(e.App, task, e.Record.GetString("by"))
}

// liftReservation marks lifted the open reservation whose task is task,
// when the task has a photo (the newest is the lifting photo).
func liftReservation(tx core.App, task *core.Record, actorID string) error {
	recs, err := tx.FindRecordsByFilter(CollectionAcceptanceReservations, "task = {:t} && status = {:s}", "", 1, 0,
		dbx.Params{"t": task.Id, "s": ReservationOpen})
	if err != nil || len(recs) == 0 {
		return err
	}
	photos, err := FindTaskPhotos(tx, task.Id, 1)
	if err != nil || len(photos) == 0 {
		return err
	}
	r := AcceptanceReservation{recs[0]}
	by := photos[0].GetString("by")
	r.Load(map[string]any{"status": ReservationLifted, "lifted_at": photos[0].GetDateTime("created"), "lift_photo": photos[0].Id, "lifted_by": by})
	if r.LiftedAt().IsZero() {
		r.SetLiftedAt(task.GetDateTime("updated").Time())
	}
	if actorID == "" {
		actorID = by
	}
	SetActor(r.Record, actorID)
	return tx.Save(r.Record)
}
