package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Task statuses that finish a task: reaching one of them needs the
// task's checklist complete.
func finishedStatuses() []string { return []string{"done", "validated"} }

// FindChecklistRun returns the run of a task, or nil when it has none.
func FindChecklistRun(app core.App, taskID string) (*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionChecklistRuns, "task = {:t}", "created", 1, 0, dbx.Params{"t": taskID})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	return recs[0], nil
}

// TaskChecklistTemplate returns the checklist template of a task's work
// type, or nil when the task has no checklist.
func TaskChecklistTemplate(app core.App, task *core.Record) (*core.Record, error) {
	wtID := task.GetString("work_type")
	if wtID == "" {
		return nil, nil
	}
	wt, err := app.FindRecordById(CollectionWorkTypes, wtID)
	if err != nil || wt.GetString("checklist") == "" {
		return nil, nil
	}
	tpl, err := app.FindRecordById(CollectionChecklistTemplates, wt.GetString("checklist"))
	if err != nil {
		return nil, nil
	}
	return tpl, nil
}

// EnsureChecklistRun returns the task's run, creating it from the work
// type's template when there is none yet (first open, or the task
// starts). It returns nil, nil for a task without a checklist.
func EnsureChecklistRun(app core.App, task *core.Record, actor string) (*core.Record, error) {
	if run, err := FindChecklistRun(app, task.Id); err != nil || run != nil {
		return run, err
	}
	tpl, err := TaskChecklistTemplate(app, task)
	if err != nil || tpl == nil {
		return nil, err
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionChecklistRuns)
	if err != nil {
		return nil, err
	}
	run := core.NewRecord(col)
	run.Set("task", task.Id)
	run.Set("template", tpl.Id)
	SetActor(run, actor)
	if err := app.Save(run); err != nil {
		// NB: a concurrent first open created it (unique index).
		if again, ferr := FindChecklistRun(app, task.Id); ferr == nil && again != nil {
			return again, nil
		}
		return nil, err
	}
	// NB: read back: the hooks set the items snapshot as a Go value that
	// the in-memory record does not serialise like a stored JSON field.
	return FindChecklistRun(app, task.Id)
}

// RunItems returns the items a run was created with.
func RunItems(run *core.Record) []ChecklistItem {
	items, _ := ParseChecklistItems([]byte(run.GetString("items")))
	return items
}

// ChecklistFactsOf loads what satisfies a task's photo and signature
// items: its photos, its latest signature and the latest of each signer
// role.
func ChecklistFactsOf(app core.App, taskID string) (ChecklistFacts, error) {
	f := ChecklistFacts{Photos: map[string]bool{}}
	photos, err := app.FindRecordsByFilter(CollectionPhotos, "subject = {:t}", "", 0, 0, dbx.Params{"t": taskID})
	if err != nil {
		return f, err
	}
	for _, p := range photos {
		f.Photos[p.Id] = true
	}
	sigs, err := app.FindRecordsByFilter(CollectionSignatures, "subject = {:t}", "-signed_at", 0, 0, dbx.Params{"t": taskID})
	if err != nil {
		return f, err
	}
	f.Signatures = map[string]*ChecklistAnswer{}
	for i, s := range sigs { // latest first
		role := s.GetString("signer_role")
		a := &ChecklistAnswer{Value: s.Id, ByName: s.GetString("signer_name") + " (" + role + ")",
			At: s.GetDateTime("signed_at").Time().UTC().Format(time.RFC3339)}
		if i == 0 {
			f.Signature = a
		}
		if f.Signatures[role] == nil {
			f.Signatures[role] = a
		}
	}
	return f, nil
}

// ChecklistRunStatus evaluates a run against the task's current photos
// and signatures.
func ChecklistRunStatus(app core.App, run *core.Record) (ChecklistStatus, error) {
	facts, err := ChecklistFactsOf(app, run.GetString("task"))
	if err != nil {
		return ChecklistStatus{}, err
	}
	return EvaluateChecklist(RunItems(run), ParseChecklistAnswers([]byte(run.GetString("answers"))), facts), nil
}

// CheckTaskCompletion refuses to finish (done or validated) a task whose
// checklist misses required items, listing them. A task whose work type
// has a checklist but no run yet misses every required item.
func CheckTaskCompletion(app core.App, task *core.Record) error {
	run, err := FindChecklistRun(app, task.Id)
	if err != nil {
		return err
	}
	if run == nil {
		tpl, err := TaskChecklistTemplate(app, task)
		if err != nil || tpl == nil {
			return err
		}
		t, _ := TemplateOf(tpl)
		st := EvaluateChecklist(t.Items, nil, ChecklistFacts{})
		if st.Complete {
			return nil
		}
		return ErrChecklistIncomplete(st.Missing)
	}
	st, err := ChecklistRunStatus(app, run)
	if err != nil {
		return err
	}
	if !st.Complete {
		return ErrChecklistIncomplete(st.Missing)
	}
	return nil
}

// actorOfID names an actor for an answer: the user's id and name, or the
// bare actor ("system", a worker) when it is not a user.
func actorOfID(app core.App, id string) ChecklistActor {
	if u, err := app.FindRecordById(CollectionUsers, id); err == nil {
		return ChecklistActor{ID: u.Id, Name: u.GetString("name")}
	}
	return ChecklistActor{ID: id, Name: id}
}
