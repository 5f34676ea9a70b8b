package domain

import (
	"errors"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// rescheduleKey marks a task saved by auto-scheduling, so that its own
// save does not cascade again.
const rescheduleKey = "@fieldopsRescheduled"

// bindPlanningHooks enforces the planning rules on every save of tasks
// and task links, through the REST API and domain code alike:
//
//   - a link joins two different tasks of the same site and never closes a
//     cycle (the error names the tasks of the cycle);
//   - a task's dates are kept coherent: planned_start on a working day,
//     planned_end and duration_days derived from each other;
//   - auto-scheduling: when a task's dates, duration or pin change, or a
//     link is added or changed, the successors that are not pinned move to
//     their new early dates, in the same transaction (and audit trail).
func bindPlanningHooks(app core.App) {
	app.OnRecordCreateExecute(CollectionTaskLinks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsLinkCreate", Func: linkSaved})
	app.OnRecordUpdateExecute(CollectionTaskLinks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsLinkUpdate", Func: linkSaved})
	app.OnRecordCreateExecute(CollectionTasks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsTaskCreate", Func: taskSaved})
	app.OnRecordUpdateExecute(CollectionTasks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsTaskUpdate", Func: taskSaved})
	app.OnRecordCreateExecute(CollectionTasks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsExcavationGateCreate", Func: excavationGate})
	app.OnRecordUpdateExecute(CollectionTasks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsExcavationGateUpdate", Func: excavationGate})
	app.OnRecordCreateRequest(CollectionTaskLinks, CollectionTasks).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "fieldopsPlanningAPICreate", Func: planningAPIError})
	app.OnRecordUpdateRequest(CollectionTaskLinks, CollectionTasks).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "fieldopsPlanningAPIUpdate", Func: planningAPIError})
}

// planningAPIError answers the REST API's refusals of a planning rule
// with their message (PocketBase would say "Failed to create record").
func planningAPIError(e *core.RecordRequestEvent) error {
	err := e.Next()
	var ae *router.ApiError
	if err == nil || !errors.As(err, &ae) {
		return err
	}
	raw, _ := ae.RawData().(error)
	var de *Error
	if raw != nil && errors.As(raw, &de) && de.Code == EInvalid {
		return router.NewBadRequestError(de.Message, nil)
	}
	return err
}

// inTx runs fn in the transaction of the event (the audit hook opened
// it), restoring e.App afterwards.
func inTx(e *core.RecordEvent, fn func(tx core.App) error) error {
	outer := e.App
	defer func() { e.App = outer }()
	return outer.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return fn(tx)
	})
}

// linkSaved validates a link and reschedules its successor side.
func linkSaved(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		l := e.Record
		if l.GetString("from") == l.GetString("to") {
			return FieldError("to", "Une tâche ne peut pas dépendre d'elle-même / a task cannot depend on itself")
		}
		from, err1 := tx.FindRecordById(CollectionTasks, l.GetString("from"))
		to, err2 := tx.FindRecordById(CollectionTasks, l.GetString("to"))
		if err1 != nil || err2 != nil {
			return FieldError("to", "Tâche introuvable / task not found")
		}
		if from.GetString("site") != to.GetString("site") {
			return FieldError("to", "Les deux tâches doivent être du même chantier / both tasks must belong to the same site")
		}
		// NB: time.Now only chooses the project start of a site with no
		// date at all.
		plan, err := loadSitePlan(tx, from.GetString("site"), time.Now(), planOverrides{link: l})
		if err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		return reschedule(tx, plan, ActorOf(l), "", append([]string{to.Id}, plan.Successors(to.Id)...))
	})
}

// taskSaved keeps a task's dates coherent and reschedules its successors.
func taskSaved(e *core.RecordEvent) error {
	r := e.Record
	if b, _ := r.Get(rescheduleKey).(bool); b || (!r.IsNew() && !planningChanged(r)) {
		return e.Next()
	}
	return inTx(e, func(tx core.App) error {
		f := TenantFactsOf(tx)
		cal, loc := f.Calendar(), f.Location()
		if err := normalizeTaskDates(cal, loc, r); err != nil {
			return err
		}
		if r.IsNew() {
			return e.Next()
		}
		plan, err := loadSitePlan(tx, r.GetString("site"), time.Now(), planOverrides{task: r})
		if err != nil {
			return err
		}
		if st, ok := plan.Schedule.Task(r.Id); ok && !r.GetDateTime("planned_start").IsZero() {
			setScheduledDates(r, st)
		}
		if err := e.Next(); err != nil {
			return err
		}
		return reschedule(tx, plan, ActorOf(r), r.Id, plan.Successors(r.Id))
	})
}

// planningChanged reports whether a saved task's schedule inputs changed.
func planningChanged(r *core.Record) bool {
	o := r.Original()
	if o == nil || o.Id == "" {
		return true
	}
	return !r.GetDateTime("planned_start").Equal(o.GetDateTime("planned_start")) ||
		!r.GetDateTime("planned_end").Equal(o.GetDateTime("planned_end")) ||
		r.GetFloat("duration_days") != o.GetFloat("duration_days") ||
		r.GetBool("pinned") != o.GetBool("pinned") || r.GetString("site") != o.GetString("site")
}

// normalizeTaskDates moves a task's start to a working day and derives
// planned_end from duration_days or the reverse: a changed duration wins
// over a changed end; a moved task keeps its duration.
func normalizeTaskDates(cal *WorkCalendar, loc *time.Location, r *core.Record) error {
	start := CivilDate(r.GetDateTime("planned_start").Time(), loc)
	if start.IsZero() {
		return nil
	}
	end := CivilDate(r.GetDateTime("planned_end").Time(), loc)
	dur := int(r.GetFloat("duration_days") + 0.5)
	o := r.Original()
	if o == nil {
		o = r
	}
	durChanged := r.IsNew() || r.GetFloat("duration_days") != o.GetFloat("duration_days")
	endChanged := r.IsNew() || !r.GetDateTime("planned_end").Equal(o.GetDateTime("planned_end"))
	if !end.IsZero() && end.Before(start) && (endChanged || dur == 0) {
		return FieldError("planned_end", "La fin prévue doit suivre le début / the planned end must not be before the planned start")
	}
	switch {
	case durChanged && dur > 0:
	case endChanged && !end.IsZero():
		dur = cal.WorkingDaysBetween(start, end)
	case dur > 0:
	default:
		os, oe := CivilDate(o.GetDateTime("planned_start").Time(), loc), CivilDate(o.GetDateTime("planned_end").Time(), loc)
		if !os.IsZero() && !oe.IsZero() {
			dur = cal.WorkingDaysBetween(os, oe)
		}
	}
	if dur < 1 {
		dur = 1
	}
	start = cal.NextWorkingDay(start)
	r.Set("planned_start", dateOnly(start))
	r.Set("planned_end", dateOnly(cal.AddWorkingDays(start, dur-1)))
	r.Set("duration_days", dur)
	return nil
}

// setScheduledDates writes a task's early dates; it reports a change.
func setScheduledDates(r *core.Record, st ScheduledTask) bool {
	start, end := dateOnly(st.EarlyStart), dateOnly(st.EarlyFinish)
	changed := r.GetDateTime("planned_start").String() != start || r.GetDateTime("planned_end").String() != end ||
		int(r.GetFloat("duration_days")+0.5) != st.Duration
	r.Set("planned_start", start)
	r.Set("planned_end", end)
	if st.Duration > 0 {
		r.Set("duration_days", st.Duration)
	}
	return changed
}

// reschedule saves the new early dates of the given tasks (except skip
// and pinned ones) when they changed.
func reschedule(tx core.App, plan *SitePlan, actor, skip string, ids []string) error {
	for _, id := range ids {
		rec, ok := plan.Tasks[id]
		st, ok2 := plan.Schedule.Task(id)
		if !ok || !ok2 || id == skip || rec.GetBool("pinned") {
			continue
		}
		if !setScheduledDates(rec, st) {
			continue
		}
		rec.Set(rescheduleKey, true)
		SetActor(rec, actor)
		if err := tx.Save(rec); err != nil {
			return err
		}
	}
	return nil
}
