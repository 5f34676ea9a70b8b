package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// errPlanForbidden is returned to users who may see but not plan a site.
func errPlanForbidden() *Error {
	return Errorf(EForbidden, "err.planning.forbidden")
}

// planSite loads a site the actor may plan: its project manager, managers
// and its site lead (CanEditSiteDay), as the tasks API rules allow.
func planSite(app core.App, actor *core.Record, siteID string) (*core.Record, error) {
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil || !CanSeeSite(actor, site) {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	if !CanEditSiteDay(actor, site) {
		return nil, errPlanForbidden()
	}
	return site, nil
}

// siteTask returns a task of the site, or ENotFound.
func siteTask(app core.App, siteID, taskID string) (*core.Record, error) {
	t, err := app.FindRecordById(CollectionTasks, taskID)
	if err != nil || t.GetString("site") != siteID {
		return nil, Errorf(ENotFound, "err.task.not_found")
	}
	return t, nil
}

// workingDayError refuses a non-working date, naming the holiday.
func workingDayError(cal *WorkCalendar, field string, d time.Time) error {
	if cal.IsWorkingDay(d) {
		return nil
	}
	date := d.Format("02/01/2006")
	if h := cal.HolidayName(d); h != "" {
		return FieldError(field, "err.planning.holiday", date, h)
	}
	return FieldError(field, "err.planning.not_working_day", date)
}

// TaskDatesInput moves (Start) or resizes (End) a task on the Gantt.
type TaskDatesInput struct {
	Start time.Time // new planned start, a civil date
	End   time.Time // new planned end (inclusive); zero keeps the duration
}

// TaskMove is what MoveTask computed and saved.
type TaskMove struct {
	Task        *core.Record   // the moved task, as saved
	Rescheduled []*core.Record // its successors moved by auto-scheduling, as saved
	Plan        *SitePlan      // the site's schedule after the move
}

// MoveTask validates and saves new dates of a task and moves its
// successors (auto-scheduling), in one transaction, computing the site's
// schedule once; it returns the moved task, the successors and the plan.
// Business rules: only who may plan the site (CanEditSiteDay) moves its
// tasks; the dates follow NormalizeTaskDates for a strict move (start
// and end on working days of the tenant's calendar, a move keeps the
// duration); a task never starts before its predecessors allow, pinned
// or not.
func MoveTask(app core.App, actor *core.Record, siteID, taskID string, in TaskDatesInput, now time.Time) (*TaskMove, error) {
	var mv *TaskMove
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		mv, err = moveTask(tx, actor, siteID, taskID, in, now)
		return err
	})
	return mv, err
}

func moveTask(tx core.App, actor *core.Record, siteID, taskID string, in TaskDatesInput, now time.Time) (*TaskMove, error) {
	if _, err := planSite(tx, actor, siteID); err != nil {
		return nil, err
	}
	return shiftTask(tx, actor.Id, siteID, taskID, in, now, nil)
}

// shiftTask is MoveTask once the actor (an id for the audit trail) was
// allowed to plan the site; pull gives successors a requested start for
// this schedule (see pullBackStarts).
func shiftTask(tx core.App, actorID, siteID, taskID string, in TaskDatesInput, now time.Time, pull map[string]time.Time) (*TaskMove, error) {
	task, err := siteTask(tx, siteID, taskID)
	if err != nil {
		return nil, err
	}
	f := TenantFactsOf(tx)
	cal, loc := f.Calendar(), f.Location()
	stored := taskDatesOf(task, loc)
	dates, err := NormalizeTaskDates(cal, TaskDatesChange{TaskDates: TaskDates{Start: in.Start, End: in.End, Duration: stored.Duration},
		EndSet: !in.End.IsZero(), Stored: stored, Strict: true})
	if err != nil {
		return nil, err
	}
	// dependencies: schedule a copy at the new dates, not pinned; a later
	// early start means a predecessor forbids the move. Otherwise this is
	// the schedule of the task as saved (pinned or not, it starts on its
	// date).
	probe := task.Clone()
	setTaskDates(probe, dates)
	probe.Set("pinned", false)
	plan, err := loadSitePlan(tx, siteID, now, planOverrides{task: probe, starts: pull})
	if err != nil {
		return nil, err
	}
	if st, _ := plan.Schedule.Task(taskID); st.EarlyStart.After(dates.Start) {
		date := st.EarlyStart.Format("02/01/2006")
		title := task.GetString("title")
		return nil, FieldError("start", "err.planning.before_dependencies", title, date)
	}
	setTaskDates(task, dates)
	plan.Tasks[taskID] = task
	if i, ok := plan.Schedule.index[taskID]; ok {
		plan.Schedule.Tasks[i].Pinned = task.GetBool("pinned")
	}
	changed := planningChanged(task)
	if actorID != "" {
		SetActor(task, actorID)
	}
	if err := saveScheduled(tx, task); err != nil {
		return nil, err
	}
	mv := &TaskMove{Task: task, Plan: plan}
	if changed { // as the save hook: an unchanged task moves nothing
		if mv.Rescheduled, err = reschedule(tx, plan, ActorOf(task), taskID, plan.Successors(taskID)); err != nil {
			return nil, err
		}
	}
	return mv, nil
}

// TaskInput is the quick "add a task" form of the Gantt.
type TaskInput struct {
	Title    string
	Start    time.Time
	Duration int
}

// CreateTask adds a planned task to a site.
func CreateTask(app core.App, actor *core.Record, siteID string, in TaskInput) (*core.Record, error) {
	if _, err := planSite(app, actor, siteID); err != nil {
		return nil, err
	}
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		return nil, FieldError("title", "err.planning.title_required")
	case in.Start.IsZero():
		return nil, FieldError("start", "err.planning.start_required")
	case in.Duration < 1 || in.Duration > 1000:
		return nil, FieldError("duration", "err.planning.duration_range")
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionTasks)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"site": siteID, "title": in.Title, "planned_start": dateOnly(in.Start), "duration_days": in.Duration, "status": "planned"})
	setActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// TaskLinkInput is a dependency to add between two tasks of a site.
type TaskLinkInput struct {
	From, To string
	Type     string
	Lag      int
}

// AddTaskLink adds a dependency (the planning hooks refuse cycles,
// self-links and links across sites, and reschedule the successor).
func AddTaskLink(app core.App, actor *core.Record, siteID string, in TaskLinkInput) (*core.Record, error) {
	if _, err := planSite(app, actor, siteID); err != nil {
		return nil, err
	}
	if !ValidLinkType(in.Type) {
		return nil, FieldError("type", "err.planning.unknown_link_type", in.Type)
	}
	if _, err := siteTask(app, siteID, in.From); err != nil {
		return nil, FieldError("from", "err.planning.choose_predecessor")
	}
	if _, err := siteTask(app, siteID, in.To); err != nil {
		return nil, FieldError("to", "err.planning.choose_successor")
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionTaskLinks)
	if err != nil {
		return nil, err
	}
	l := core.NewRecord(col)
	l.Load(map[string]any{"from": in.From, "to": in.To, "type": in.Type, "lag_days": in.Lag})
	setActor(l, actor)
	if err := app.Save(l); err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteTaskLink removes a dependency of a site.
func DeleteTaskLink(app core.App, actor *core.Record, siteID, linkID string) error {
	if _, err := planSite(app, actor, siteID); err != nil {
		return err
	}
	l, err := app.FindRecordById(CollectionTaskLinks, linkID)
	if err != nil {
		return Errorf(ENotFound, "err.planning.link_not_found")
	}
	if _, err := siteTask(app, siteID, l.GetString("from")); err != nil {
		return Errorf(ENotFound, "err.planning.link_not_found")
	}
	setActor(l, actor)
	return app.Delete(l)
}
