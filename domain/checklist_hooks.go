package domain

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// bindChecklistHooks enforces the checklist rules on every save, through
// the REST API, the sync endpoint and domain code alike:
//
//   - a template is validated (ValidateChecklist) and stored with stable
//     item ids;
//   - a run belongs to one task (one run per task), snapshots its
//     template's items when created, merges the answers it is given and
//     stamps each changed answer with who and when; `complete` is always
//     computed here, never taken from the client;
//   - a task starting (in_progress) gets its run;
//   - a task cannot be finished (done or validated) while its run misses
//     required items: the refusal (HTTP 400 on the REST API and per sync
//     operation) lists them;
//   - a signature on a task refreshes its run's `complete`.
//
// It must be bound after the audit hooks, so that it runs inside the
// audited transaction. The REST API's actor and the messages of its
// refusals come from bindWriteHooks.
func bindChecklistHooks(app core.App) {
	bind := func(id string, h *hook.TaggedHook[*core.RecordEvent], fn func(*core.RecordEvent) error) {
		h.Bind(&hook.Handler[*core.RecordEvent]{Id: id, Func: fn})
	}
	bind("fieldopsChecklistTemplateCreate", app.OnRecordCreateExecute(CollectionChecklistTemplates), templateSaved)
	bind("fieldopsChecklistTemplateUpdate", app.OnRecordUpdateExecute(CollectionChecklistTemplates), templateSaved)
	bind("fieldopsChecklistRunCreate", app.OnRecordCreateExecute(CollectionChecklistRuns), runSaved)
	bind("fieldopsChecklistRunUpdate", app.OnRecordUpdateExecute(CollectionChecklistRuns), runSaved)
	bind("fieldopsChecklistTaskCreate", app.OnRecordCreateExecute(CollectionTasks), taskChecklist)
	bind("fieldopsChecklistTaskUpdate", app.OnRecordUpdateExecute(CollectionTasks), taskChecklist)
	bind("fieldopsChecklistSignature", app.OnRecordCreateExecute(CollectionSignatures), signatureChecklist)
	bind("fieldopsChecklistPhoto", app.OnRecordCreateExecute(CollectionPhotos), photoChecklist)
}

// templateSaved validates a template and stores its canonical items.
func templateSaved(e *core.RecordEvent) error {
	r := e.Record
	items, err := ParseChecklistItems([]byte(r.GetString("items")))
	if err != nil {
		return err
	}
	if err := ValidateChecklist(r.GetString("name"), r.GetString("code"), items); err != nil {
		return err
	}
	r.Set("items", items)
	return e.Next()
}

// runSaved keeps a run tied to its task and template, merges and stamps
// its answers and computes `complete`.
func runSaved(e *core.RecordEvent) error {
	r, tx := e.Record, e.App
	orig := r.Original()
	var stored map[string]ChecklistAnswer
	if r.IsNew() {
		task, err := tx.FindRecordById(CollectionTasks, r.GetString("task"))
		if err != nil {
			return FieldError("task", "err.job.not_found")
		}
		if other, err := FindChecklistRun(tx, task.Id); err != nil {
			return err
		} else if other != nil {
			return FieldError("task", "err.checklist.job_has_one", other.Id)
		}
		tpl, err := TaskChecklistTemplate(tx, task)
		if err != nil {
			return err
		}
		if id := r.GetString("template"); tpl == nil && id != "" {
			tpl, _ = tx.FindRecordById(CollectionChecklistTemplates, id)
		}
		if tpl == nil {
			return FieldError("template", "err.checklist.none_for_job")
		}
		t, err := TemplateOf(tpl)
		if err != nil {
			return err
		}
		r.Set("template", tpl.Id)
		r.Set("items", t.Items)
	} else {
		r.Set("task", orig.GetString("task"))
		r.Set("template", orig.GetString("template"))
		r.Set("items", orig.Get("items"))
		stored = ParseChecklistAnswers([]byte(orig.GetString("answers")))
	}
	items := RunItems(r)
	facts, err := ChecklistFactsOf(tx, r.GetString("task"))
	if err != nil {
		return err
	}
	var incoming map[string]json.RawMessage
	if raw := r.GetString("answers"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &incoming); err != nil {
			return FieldError("answers", "err.checklist.unreadable_answers")
		}
	}
	answers, err := MergeAnswers(items, stored, incoming, actorOfID(tx, ActorOf(r)), time.Now(), func(id string) bool { return facts.Photos[id] })
	if err != nil {
		return err
	}
	complete := EvaluateChecklist(items, answers, facts).Complete
	if !complete && !r.IsNew() && orig.GetBool("complete") {
		// NB: a finished task keeps a complete checklist.
		if task, err := tx.FindRecordById(CollectionTasks, r.GetString("task")); err == nil && contains(finishedStatuses(), task.GetString("status")) {
			return FieldError("answers", "err.checklist.finished_required")
		}
	}
	r.Set("answers", answers)
	r.Set("complete", complete)
	return e.Next()
}

// taskChecklist refuses to finish a task with an incomplete checklist and
// creates the run of a task that starts.
func taskChecklist(e *core.RecordEvent) error {
	r := e.Record
	status, before := r.GetString("status"), ""
	if o := r.Original(); !r.IsNew() && o != nil {
		before = o.GetString("status")
	}
	if contains(finishedStatuses(), status) && !contains(finishedStatuses(), before) {
		if err := CheckTaskCompletion(e.App, r); err != nil {
			return err
		}
	}
	if err := e.Next(); err != nil {
		return err
	}
	if status == "in_progress" && before != "in_progress" {
		_, err := EnsureChecklistRun(e.App, r, ActorOf(r))
		return err
	}
	return nil
}

// signatureChecklist refreshes `complete` of the signed task's run.
func signatureChecklist(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	run, err := FindChecklistRun(e.App, e.Record.GetString("subject"))
	if err != nil || run == nil {
		return err
	}
	st, err := ChecklistRunStatus(e.App, run)
	if err != nil || st.Complete == run.GetBool("complete") {
		return err
	}
	SetActor(run, ActorOf(e.Record))
	return e.App.Save(run)
}

// photoChecklist links a photo that names a "photo required" item of its
// task's checklist (photos.checklist_item) to that item, as its author's
// answer (a later photo of the same item replaces the earlier one). The
// photo is kept whatever happens to the link: a proof is never refused
// because of the checklist.
func photoChecklist(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	item := e.Record.GetString("checklist_item")
	if item == "" {
		return nil
	}
	run, err := FindChecklistRun(e.App, e.Record.GetString("subject"))
	if err != nil || run == nil {
		return nil
	}
	for _, it := range RunItems(run) {
		if it.ID != item || it.Type != ItemPhoto {
			continue
		}
		raw, _ := json.Marshal(map[string]any{item: e.Record.Id})
		run.Set("answers", json.RawMessage(raw))
		SetActor(run, e.Record.GetString("by"))
		if err := e.App.Save(run); err != nil {
			e.App.Logger().Warn("photo not linked to its checklist item", "photo", e.Record.Id, "item", item, "error", err)
		}
		return nil
	}
	return nil
}
