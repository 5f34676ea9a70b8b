package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// errPlanForbidden is returned to users who may see but not plan a site.
func errPlanForbidden() *Error {
	return Errorf(EForbidden, "Vous ne pouvez pas modifier le planning de ce chantier / you may not change this site's schedule")
}

// planSite loads a site the actor may plan: its project manager, managers
// and its site lead (CanEditSiteDay), as the tasks API rules allow.
func planSite(app core.App, actor *core.Record, siteID string) (*core.Record, error) {
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil || !CanSeeSite(actor, site) {
		return nil, Errorf(ENotFound, "Chantier introuvable / site not found")
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
		return nil, Errorf(ENotFound, "Tâche introuvable / task not found")
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
		return FieldError(field, "Le %s est férié (%s) : choisissez un jour travaillé / %s is a public holiday (%s): choose a working day", date, h, date, h)
	}
	return FieldError(field, "Le %s n'est pas un jour travaillé / %s is not a working day", date, date)
}

// TaskDatesInput moves (Start) or resizes (End) a task on the Gantt.
type TaskDatesInput struct {
	Start time.Time // new planned start, a civil date
	End   time.Time // new planned end (inclusive); zero keeps the duration
}

// MoveTask validates and saves new dates of a task, then returns the
// site's recomputed plan (successors moved by auto-scheduling).
// Business rules: only who may plan the site (CanEditSiteDay) moves its
// tasks; start and end fall on working days of the tenant's calendar;
// a task never starts before its predecessors allow, pinned or not.
func MoveTask(app core.App, actor *core.Record, siteID, taskID string, in TaskDatesInput, now time.Time) (*SitePlan, error) {
	if _, err := planSite(app, actor, siteID); err != nil {
		return nil, err
	}
	task, err := siteTask(app, siteID, taskID)
	if err != nil {
		return nil, err
	}
	cal := TenantFactsOf(app).Calendar()
	if in.Start.IsZero() {
		return nil, FieldError("start", "Indiquez la date de début / give the start date")
	}
	if err := workingDayError(cal, "start", in.Start); err != nil {
		return nil, err
	}
	dur := int(task.GetFloat("duration_days") + 0.5)
	if !in.End.IsZero() {
		if in.End.Before(in.Start) {
			return nil, FieldError("end", "La fin doit suivre le début / the end must not be before the start")
		}
		if err := workingDayError(cal, "end", in.End); err != nil {
			return nil, err
		}
		dur = cal.WorkingDaysBetween(in.Start, in.End)
	}
	if dur < 1 {
		dur = 1
	}
	// dependencies: pin a copy at the new date; a conflict means a
	// predecessor forbids it.
	probe := task.Clone()
	probe.Load(map[string]any{"planned_start": dateOnly(in.Start), "duration_days": dur, "pinned": true})
	plan, err := loadSitePlan(app, siteID, now, planOverrides{task: probe})
	if err != nil {
		return nil, err
	}
	if st, _ := plan.Schedule.Task(taskID); st.Conflict {
		probe.Set("pinned", false)
		if plan, err = loadSitePlan(app, siteID, now, planOverrides{task: probe}); err != nil {
			return nil, err
		}
		st, _ = plan.Schedule.Task(taskID)
		date := st.EarlyStart.Format("02/01/2006")
		title := task.GetString("title")
		return nil, FieldError("start", "« %s » ne peut pas commencer avant le %s à cause de ses dépendances / %q cannot start before %s because of its dependencies", title, date, title, date)
	}
	task.Load(map[string]any{"planned_start": dateOnly(in.Start), "duration_days": dur, "planned_end": dateOnly(cal.AddWorkingDays(in.Start, dur-1))})
	setActor(task, actor)
	if err := app.Save(task); err != nil {
		return nil, err
	}
	return LoadSitePlan(app, siteID, now)
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
		return nil, FieldError("title", "Le titre est obligatoire / the title is required")
	case in.Start.IsZero():
		return nil, FieldError("start", "Indiquez la date de début / give the start date")
	case in.Duration < 1 || in.Duration > 1000:
		return nil, FieldError("duration", "Durée entre 1 et 1 000 jours ouvrés / duration between 1 and 1,000 working days")
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
		return nil, FieldError("type", "Type de lien %q inconnu (FS, SS, FF ou SF) / unknown link type %q (FS, SS, FF or SF)", in.Type, in.Type)
	}
	if _, err := siteTask(app, siteID, in.From); err != nil {
		return nil, FieldError("from", "Choisissez la tâche qui précède / choose the preceding task")
	}
	if _, err := siteTask(app, siteID, in.To); err != nil {
		return nil, FieldError("to", "Choisissez la tâche qui suit / choose the following task")
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
		return Errorf(ENotFound, "Lien introuvable / link not found")
	}
	if _, err := siteTask(app, siteID, l.GetString("from")); err != nil {
		return Errorf(ENotFound, "Lien introuvable / link not found")
	}
	setActor(l, actor)
	return app.Delete(l)
}
