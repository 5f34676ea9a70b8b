package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// rescheduleKey marks a task whose dates the scheduler has just set
// (see saveScheduled), so that its own save does not cascade again.
const rescheduleKey = "@fieldopsRescheduled"

// bindPlanningHooks enforces the planning rules on every save of tasks
// and task links, through the REST API and domain code alike:
//
//   - a link joins two different tasks of the same site, at most once,
//     and never closes a cycle (the error names the tasks of the cycle);
//     a client links tasks of a site they plan (CanEditSiteDay);
//   - a task's dates are kept coherent by NormalizeTaskDates: planned_start
//     on a working day, planned_end and duration_days derived from each
//     other;
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
			return FieldError("to", "err.planning.self_link")
		}
		from, err1 := tx.FindRecordById(CollectionTasks, l.GetString("from"))
		to, err2 := tx.FindRecordById(CollectionTasks, l.GetString("to"))
		if err1 != nil || err2 != nil {
			return FieldError("to", "err.task.not_found")
		}
		if from.GetString("site") != to.GetString("site") {
			return FieldError("to", "err.planning.other_site")
		}
		if u := clientUser(l); u != nil && !CanEditSiteDay(u, siteRecord(tx, from.GetString("site"))) {
			return errPlanForbidden()
		}
		// NB: the unique index would answer a bare SQL error (HTTP 500).
		if dup, err := tx.FindFirstRecordByFilter(CollectionTaskLinks, "from = {:f} && to = {:t} && id != {:id}",
			dbx.Params{"f": from.Id, "t": to.Id, "id": l.Id}); err == nil && dup != nil {
			return FieldError("to", "err.planning.duplicate_link")
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
		_, err = reschedule(tx, plan, ActorOf(l), "", append([]string{to.Id}, plan.Successors(to.Id)...))
		return err
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
		if err := normalizeTaskRecord(cal, loc, r); err != nil {
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
		_, err = reschedule(tx, plan, ActorOf(r), r.Id, plan.Successors(r.Id))
		return err
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
// and pinned ones) when they changed; it returns the tasks it saved.
func reschedule(tx core.App, plan *SitePlan, actor, skip string, ids []string) ([]*core.Record, error) {
	var saved []*core.Record
	for _, id := range ids {
		rec, ok := plan.Tasks[id]
		st, ok2 := plan.Schedule.Task(id)
		if !ok || !ok2 || id == skip || rec.GetBool("pinned") {
			continue
		}
		if !setScheduledDates(rec, st) {
			continue
		}
		SetActor(rec, actor)
		if err := saveScheduled(tx, rec); err != nil {
			return nil, err
		}
		// the plan now asks the saved start, as a fresh load would
		plan.Schedule.Tasks[plan.Schedule.index[id]].Start = st.EarlyStart
		saved = append(saved, rec)
	}
	return saved, nil
}

// saveScheduled saves a task whose dates the scheduler has just set
// (MoveTask, auto-scheduling): its save hook neither normalises them nor
// reschedules again.
func saveScheduled(tx core.App, r *core.Record) error {
	r.Set(rescheduleKey, true)
	defer r.Set(rescheduleKey, false)
	return tx.Save(r)
}
