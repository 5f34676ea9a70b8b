package domain

import (
	"math"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindIncidentImpactHooks applies an incident's impact in days to the
// schedule on every save of an incident: the office's form, the REST API
// (a PATCH of impact_days or task) and domain code alike.
func bindIncidentImpactHooks(app core.App) {
	h := &hook.Handler[*core.RecordEvent]{Id: "fieldopsIncidentImpact", Func: incidentImpactSaved}
	app.OnRecordCreateExecute(CollectionIncidents).Bind(h)
	app.OnRecordUpdateExecute(CollectionIncidents).Bind(h)
}

// incidentImpactSaved checks the impact in days of a saved incident
// (whole days, a task when there is an impact; a client changes it only
// on a site whose incidents they manage) and applies its change to the
// schedule (applyIncidentImpact) in the save's transaction.
func incidentImpactSaved(e *core.RecordEvent) error {
	r, orig := e.Record, originalOf(e)
	days := r.GetFloat("impact_days")
	switch {
	case days < 0 || days > MaxDays || days != math.Trunc(days) || math.IsNaN(days):
		return FieldError("impact_days", "err.incident.impact_days")
	case days > 0 && r.GetString("task") == "":
		return FieldError("task", "err.incident.impact_task")
	}
	oldSite, oldTask, oldDays := "", "", 0
	if orig != nil {
		oldSite, oldTask, oldDays = orig.GetString("site"), orig.GetString("task"), int(orig.GetFloat("impact_days"))
	}
	newSite, newTask, newDays := r.GetString("site"), r.GetString("task"), int(days)
	if (oldTask == newTask && oldDays == newDays && oldSite == newSite) || (oldDays == 0 && newDays == 0) {
		return e.Next()
	}
	actor := ActorOf(r)
	if u := clientUser(r); u != nil {
		for _, c := range []struct {
			site string
			days int
		}{{oldSite, oldDays}, {newSite, newDays}} {
			if c.days > 0 && !CanManageIncident(u, siteRecord(e.App, c.site)) {
				return Errorf(EForbidden, "err.incident.forbidden")
			}
		}
		actor = u.Id
	}
	return inTx(e, func(tx core.App) error {
		now := time.Now()
		var err error
		if oldTask == newTask && oldSite == newSite {
			err = extendTask(tx, actor, newSite, newTask, newDays-oldDays, now)
		} else if err = extendTask(tx, actor, oldSite, oldTask, -oldDays, now); err == nil {
			err = extendTask(tx, actor, newSite, newTask, newDays, now)
		}
		if err != nil {
			return err
		}
		return e.Next()
	})
}

// extendTask adds delta working days to a task's duration (its start
// stays), through MoveTask's rules; nothing happens for no task or no
// change. A task never goes below one day. Days given back (delta < 0)
// bring its successors back by as much, never before what their other
// predecessors allow (pullBackStarts).
func extendTask(tx core.App, actorID, siteID, taskID string, delta int, now time.Time) error {
	if taskID == "" || delta == 0 {
		return nil
	}
	task, err := siteTask(tx, siteID, taskID)
	if err != nil {
		return nil // the task is gone: nothing to give back
	}
	f := TenantFactsOf(tx)
	cur := taskDatesOf(task, f.Location())
	dur := cur.Duration + delta
	if dur < 1 {
		return FieldError("impact_days", "err.incident.impact_too_short", task.GetString("title"))
	}
	var pull map[string]time.Time
	if delta < 0 {
		if pull, err = pullBackStarts(tx, siteID, taskID, -delta, now); err != nil {
			return err
		}
	}
	end := f.Calendar().AddWorkingDays(cur.Start, dur-1)
	_, err = shiftTask(tx, actorID, siteID, taskID, TaskDatesInput{Start: cur.Start, End: end}, now, pull)
	return err
}

// pullBackStarts returns the requested starts that bring the successors
// of a task days working days back: each one its predecessors drive
// (ScheduledTask.Driven: not pinned, not held by its own later date)
// asks to start days earlier, and the scheduler keeps it after all its
// predecessors. A successor the planner put later than its predecessors
// required, or pinned, keeps its date.
//
// NB: a requested date that an impact overtook is not remembered: the
// successor comes back by the days given back, as far as its
// predecessors allow.
func pullBackStarts(tx core.App, siteID, taskID string, days int, now time.Time) (map[string]time.Time, error) {
	plan, err := loadSitePlan(tx, siteID, now, planOverrides{})
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, id := range plan.Successors(taskID) {
		if st, ok := plan.Schedule.Task(id); ok && st.Driven {
			out[id] = plan.Calendar.AddWorkingDays(st.EarlyStart, -days)
		}
	}
	return out, nil
}
