package domain

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// AssignInput gives a task to a person or a crew, optionally on another
// first day (a drop on another column of the board moves the task,
// keeping its duration) and in place of someone (a drop from another row).
type AssignInput struct {
	Task     string
	User     string    // the person to assign, or
	Crew     string    // the crew to assign
	From     string    // the person the task moves from (replaced by User)
	Day      time.Time // the new first day (civil date); zero keeps the dates
	Override string    // a project manager's reason to assign despite blocking conflicts
}

// AssignResult is a saved assignment with its conflicts: warnings are
// flagged to the user, blocking ones only appear when overridden.
type AssignResult struct {
	Task      *core.Record
	Conflicts []Conflict
	Override  *core.Record
	Move      *TaskMove // the move to a new first day, if any
}

// ConflictError carries the conflicts that refused an assignment.
type ConflictError struct{ Conflicts []Conflict }

// Error implements error.
func (e *ConflictError) Error() string {
	msgs := make([]string, 0, len(e.Conflicts))
	for _, c := range e.Conflicts {
		msgs = append(msgs, c.Code)
	}
	return "assignment conflicts: " + strings.Join(msgs, ", ")
}

// ConflictsOf returns the conflicts that refused an assignment, if any.
func ConflictsOf(err error) []Conflict {
	var ce *ConflictError
	if errors.As(err, &ce) {
		return ce.Conflicts
	}
	return nil
}

// CanOverride reports whether u may assign a task of site despite
// blocking conflicts: who plans the site as a project manager, manager or
// tenant admin. A site lead plans day to day but never overrides a
// clearance: the employer's legal duty stays with the office.
func CanOverride(u, site *core.Record) bool {
	if !CanEditSiteDay(u, site) {
		return false
	}
	r := u.GetString("role")
	return r == RoleManager || r == RoleProjectManager || u.GetBool("tenant_admin")
}

// dispatchTask loads a task and its site for an actor who plans it.
func dispatchTask(app core.App, actor *core.Record, taskID string) (*core.Record, *core.Record, error) {
	task, err := app.FindRecordById(CollectionTasks, taskID)
	if err != nil {
		return nil, nil, Errorf(ENotFound, "err.task.not_found")
	}
	site, err := app.FindRecordById(CollectionSites, task.GetString("site"))
	if err != nil || !CanSeeSite(actor, site) {
		return nil, nil, Errorf(ENotFound, "err.task.not_found")
	}
	if !CanEditSiteDay(actor, site) {
		return nil, nil, Errorf(EForbidden, "err.assign.forbidden")
	}
	return task, site, nil
}

// Assign gives a task to a person or a crew, in one transaction. Rules:
//
//   - only who plans the task's site assigns it (CanEditSiteDay);
//   - a new day must be a working day and respect the task's dependencies
//     (MoveTask: successors are rescheduled);
//   - blocking conflicts (missing skill, missing or expired clearance,
//     leave) refuse it with EConflict, unless a project manager, manager
//     or tenant admin gives a reason of at least 10 characters: the
//     override is then recorded in assignment_overrides (and the audit
//     trail) with the conflicts it went through;
//   - warnings (double booking, vehicle taken) are returned, not refused.
func Assign(app core.App, actor *core.Record, in AssignInput, now time.Time) (*AssignResult, error) {
	var out *AssignResult
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		out, err = assignTx(tx, actor, in, now)
		return err
	})
	return out, err
}

func assignTx(tx core.App, actor *core.Record, in AssignInput, now time.Time) (*AssignResult, error) {
	task, site, err := dispatchTask(tx, actor, in.Task)
	if err != nil {
		return nil, err
	}
	if (in.User == "") == (in.Crew == "") {
		return nil, FieldError("user", "err.assign.choose_person_or_crew")
	}
	f := TenantFactsOf(tx)
	cal, loc := f.Calendar(), f.Location()
	if !in.Day.IsZero() {
		if err := workingDayError(cal, "day", in.Day); err != nil {
			return nil, err
		}
	}
	slot := SlotOf(task, loc)
	if slot.Start.IsZero() && in.Day.IsZero() {
		return nil, FieldError("day", "err.assign.task_without_date")
	}
	moved := moveSlot(cal, slot, in.Day)
	roster, err := LoadRoster(tx, minTime(slot.Start, moved.Start), maxTime(slot.End, moved.End))
	if err != nil {
		return nil, err
	}
	var people []string
	if in.User != "" {
		if _, ok := roster.People[in.User]; !ok {
			return nil, FieldError("user", "err.assign.person_not_found")
		}
		people = []string{in.User}
	} else {
		c, ok := roster.Crews[in.Crew]
		if !ok || !c.Active {
			return nil, FieldError("crew", "err.assign.crew_not_found")
		}
		people = c.People()
	}
	conflicts := roster.CheckAll(moved, people)
	reason := strings.TrimSpace(in.Override)
	var blocking []Conflict
	for _, c := range conflicts {
		if c.Blocking() {
			blocking = append(blocking, c)
		}
	}
	if len(blocking) > 0 {
		switch {
		case reason == "":
			return nil, &Error{Code: EConflict, Key: "err.assign.refused", Args: []any{blocking[0].Text()},
				Err: &ConflictError{Conflicts: conflicts}}
		case !CanOverride(actor, site):
			return nil, Errorf(EForbidden, "err.assign.override_forbidden")
		case len([]rune(reason)) < MinOverrideReasonLength:
			return nil, FieldError("override_reason", "err.assign.reason_too_short", MinOverrideReasonLength)
		}
	}
	var move *TaskMove
	if !in.Day.IsZero() && !in.Day.Equal(slot.Start) {
		if move, err = MoveTask(tx, actor, site.Id, task.Id, TaskDatesInput{Start: in.Day}, now); err != nil {
			return nil, err
		}
		// NB: a fresh copy: the moved record's original still has the old
		// dates, and its save would be taken for another move
		if task, err = tx.FindRecordById(CollectionTasks, task.Id); err != nil {
			return nil, err
		}
	}
	if in.User != "" {
		list := slices.DeleteFunc(task.GetStringSlice("assignees"), func(id string) bool { return id == in.From && id != in.User })
		if !slices.Contains(list, in.User) {
			list = append(list, in.User)
		}
		task.Set("assignees", list)
	} else {
		// the crew's people become assignees too: the crew app, the daily
		// plan and the sync permissions work from assignees
		task.Set("crew", in.Crew)
		list := task.GetStringSlice("assignees")
		for _, p := range people {
			if !slices.Contains(list, p) {
				list = append(list, p)
			}
		}
		task.Set("assignees", list)
	}
	if task.GetString("status") == "todo" {
		task.Set("status", "planned")
	}
	setActor(task, actor)
	if err := tx.Save(task); err != nil {
		return nil, err
	}
	res := &AssignResult{Task: task, Conflicts: conflicts, Move: move}
	if len(blocking) > 0 {
		if res.Override, err = newChild(tx, CollectionAssignmentOverrides, map[string]any{"task": task.Id, "user": in.User, "crew": in.Crew,
			"conflicts": blocking, "reason": reason, "by": actor.Id, "at": now.UTC()}, actor); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Unassign takes a person (or the crew) off a task.
func Unassign(app core.App, actor *core.Record, taskID, userID, crewID string) (*core.Record, error) {
	task, _, err := dispatchTask(app, actor, taskID)
	if err != nil {
		return nil, err
	}
	switch {
	case userID != "":
		task.Set("assignees", slices.DeleteFunc(task.GetStringSlice("assignees"), func(id string) bool { return id == userID }))
	case crewID != "" && task.GetString("crew") == crewID:
		var members []string
		if crew, err := app.FindRecordById(CollectionCrews, crewID); err == nil {
			members = append(crew.GetStringSlice("members"), crew.GetString("lead"))
		}
		task.Set("crew", "")
		task.Set("assignees", slices.DeleteFunc(task.GetStringSlice("assignees"), func(id string) bool { return slices.Contains(members, id) }))
	default:
		return nil, FieldError("user", "err.assign.choose_to_remove")
	}
	setActor(task, actor)
	if err := app.Save(task); err != nil {
		return nil, err
	}
	return task, nil
}

// FindTaskOverrides returns the overrides recorded on a task, newest
// first, with their author expanded.
func FindTaskOverrides(app core.App, taskID string) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionAssignmentOverrides, "task = {:t}", "-at", 100, 0, dbx.Params{"t": taskID})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"by", "user", "crew"}, nil)
	return recs, nil
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
