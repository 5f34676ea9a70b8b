package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TaskForm is the full task form of the office (create and edit): what
// the planner chooses. Dates: a start and either an end (inclusive) or a
// duration in working days; the save hooks apply NormalizeTaskDates, the
// scheduler (CPM, successors) and the gates (DT-DICT, checklists).
type TaskForm struct {
	Title, Description string
	PhaseID, WorkType  string
	Start, End         time.Time // End zero: the duration decides
	Duration           int       // 0 with an End: derived from the dates
	Pinned             bool
	CrewID             string
	Assignees          []string
	VehicleID          string
	Equipment          []string
}

// validate checks the form's own fields and that every reference exists
// (the phase on this site); field errors name the form's fields.
func (in *TaskForm) validate(app core.App, siteID string) error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	switch {
	case in.Title == "":
		return FieldError("title", "err.planning.title_required")
	case utf8.RuneCountInString(in.Title) > 200:
		return FieldError("title", "err.task.title_long")
	case in.Start.IsZero():
		return FieldError("start", "err.planning.start_required")
	case !in.End.IsZero() && in.End.Before(in.Start):
		return FieldError("end", "err.end_before_start")
	case in.End.IsZero() && (in.Duration < 1 || in.Duration > 1000):
		return FieldError("duration", "err.planning.duration_range")
	}
	if in.PhaseID != "" {
		if p, err := FindPhase(app, in.PhaseID); err != nil || p.SiteID() != siteID {
			return FieldError("phase", "err.task.unknown_choice")
		}
	}
	refs := []struct{ field, col, id string }{{"work_type", CollectionWorkTypes, in.WorkType}, {"crew", CollectionCrews, in.CrewID}, {"vehicle", CollectionVehicles, in.VehicleID}}
	for _, id := range in.Assignees {
		refs = append(refs, struct{ field, col, id string }{"assignees", CollectionUsers, id})
	}
	for _, id := range in.Equipment {
		refs = append(refs, struct{ field, col, id string }{"equipment", CollectionEquipment, id})
	}
	for _, r := range refs {
		if r.id == "" {
			continue
		}
		if _, err := app.FindRecordById(r.col, r.id); err != nil {
			return FieldError(r.field, "err.task.unknown_choice")
		}
	}
	return nil
}

// apply writes the form on a task record; an end gives the duration in
// working days of the tenant's calendar.
func (in TaskForm) apply(app core.App, r *core.Record) {
	if !in.End.IsZero() {
		in.Duration = max(TenantFactsOf(app).Calendar().WorkingDaysBetween(in.Start, in.End), 1)
	}
	r.Load(map[string]any{"title": in.Title, "description": in.Description, "phase": in.PhaseID, "work_type": in.WorkType,
		"planned_start": dateOnly(in.Start), "pinned": in.Pinned, "crew": in.CrewID, "assignees": in.Assignees,
		"vehicle": in.VehicleID, "equipment": in.Equipment})
	r.Set("duration_days", in.Duration)
}

// SaveTask creates (taskID "") or updates a task of a site from the
// office form. Business rules: only who may plan the site
// (CanEditSiteDay: managers, its project manager, its site lead) writes
// its tasks; the save goes through the task hooks (dates on working days,
// successors rescheduled, DT-DICT gate, checklist run) and is audited
// with the actor.
func SaveTask(app core.App, actor *core.Record, siteID, taskID string, in TaskForm) (Task, error) {
	if _, err := planSite(app, actor, siteID); err != nil {
		return Task{}, err
	}
	if err := in.validate(app, siteID); err != nil {
		return Task{}, err
	}
	var r *core.Record
	if taskID == "" {
		col, err := app.FindCachedCollectionByNameOrId(CollectionTasks)
		if err != nil {
			return Task{}, err
		}
		r = core.NewRecord(col)
		r.Load(map[string]any{"site": siteID, "status": TaskPlanned})
	} else {
		var err error
		if r, err = siteTask(app, siteID, taskID); err != nil {
			return Task{}, err
		}
	}
	in.apply(app, r)
	setActor(r, actor)
	if err := app.Save(r); err != nil {
		return Task{}, SaveError(err)
	}
	return Task{r}, nil
}

// RenameTask changes only the title of a task (same rules as SaveTask).
func RenameTask(app core.App, actor *core.Record, siteID, taskID, title string) (Task, error) {
	if _, err := planSite(app, actor, siteID); err != nil {
		return Task{}, err
	}
	r, err := siteTask(app, siteID, taskID)
	if err != nil {
		return Task{}, err
	}
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return Task{}, FieldError("title", "err.planning.title_required")
	case utf8.RuneCountInString(title) > 200:
		return Task{}, FieldError("title", "err.task.title_long")
	}
	r.Set("title", title)
	setActor(r, actor)
	return Task{r}, SaveError(app.Save(r))
}

// TaskWorkRecorded reports whether work was recorded on a task: a time
// entry, a checklist run, a photo or a signature.
func TaskWorkRecorded(app core.App, taskID string) (bool, error) {
	for _, q := range []struct {
		col string
		exp dbx.Expression
	}{
		{CollectionTimeEntries, dbx.HashExp{"task": taskID}},
		{CollectionChecklistRuns, dbx.HashExp{"task": taskID}}, // a run opens when the work starts
		{CollectionPhotos, dbx.HashExp{"subject": taskID}},
		{CollectionSignatures, dbx.HashExp{"subject": taskID}},
	} {
		n, err := app.CountRecords(q.col, q.exp)
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// DeleteTask deletes a task of a site with its links (same rules as
// SaveTask); a task on which work was recorded (TaskWorkRecorded) is
// refused with a conflict: it is evidence, mark it done or blocked.
func DeleteTask(app core.App, actor *core.Record, siteID, taskID string) error {
	if _, err := planSite(app, actor, siteID); err != nil {
		return err
	}
	return app.RunInTransaction(func(tx core.App) error {
		r, err := siteTask(tx, siteID, taskID)
		if err != nil {
			return err
		}
		worked, err := TaskWorkRecorded(tx, taskID)
		if err != nil {
			return err
		}
		if worked {
			return Errorf(EConflict, "err.task.delete_worked", r.GetString("title"))
		}
		setActor(r, actor)
		return tx.Delete(r)
	})
}
