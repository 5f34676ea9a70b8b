package domain

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Task statuses, in workflow order.
const (
	TaskTodo       = "todo"
	TaskPlanned    = "planned"
	TaskInProgress = "in_progress"
	TaskBlocked    = "blocked"
	TaskDone       = "done"
	TaskValidated  = "validated"
)

// taskTransitions is the status workflow: todo → planned → in_progress →
// done → validated, with blocked reachable from the open statuses. A job
// done in one go may be finished without having been started; a blocked
// job is unblocked before it is finished; only a done job is validated,
// and a validated one only goes back to done (a correction).
var taskTransitions = map[string][]string{
	TaskTodo:       {TaskPlanned, TaskInProgress, TaskBlocked, TaskDone},
	TaskPlanned:    {TaskTodo, TaskInProgress, TaskBlocked, TaskDone},
	TaskInProgress: {TaskPlanned, TaskBlocked, TaskDone},
	TaskBlocked:    {TaskTodo, TaskPlanned, TaskInProgress},
	TaskDone:       {TaskInProgress, TaskValidated},
	TaskValidated:  {TaskDone},
}

// taskStatusLabel names a status in French and English.
func taskStatusLabel(s string) string {
	switch s {
	case TaskPlanned:
		return "planifiée / planned"
	case TaskInProgress:
		return "en cours / in progress"
	case TaskBlocked:
		return "bloquée / blocked"
	case TaskDone:
		return "terminée / done"
	case TaskValidated:
		return "validée / validated"
	}
	return "à faire / to do"
}

// CheckTaskTransition refuses a status change the workflow does not allow.
func CheckTaskTransition(from, to string) error {
	if from == "" {
		from = TaskTodo
	}
	if to == "" {
		to = TaskTodo
	}
	if from == to || slices.Contains(taskTransitions[from], to) {
		return nil
	}
	f, t := taskStatusLabel(from), taskStatusLabel(to)
	fr, en := frPart(f), enPart(f)
	tfr, ten := frPart(t), enPart(t)
	msg := "Une tâche %s ne peut pas passer à « %s »"
	if to == TaskValidated {
		msg = "Seule une tâche terminée peut être validée : celle-ci est %s (« %s » demandé)"
	}
	return FieldError("status", msg+" / a %s task cannot become %s", fr, tfr, en, ten)
}

// bindTaskStatusHooks enforces the status workflow on every path (domain,
// REST API, sync): a refused change is an EInvalid error (HTTP 400).
func bindTaskStatusHooks(app core.App) {
	app.OnRecordUpdateExecute(CollectionTasks).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsTaskStatus", Func: func(e *core.RecordEvent) error {
		if err := CheckTaskTransition(e.Record.Original().GetString("status"), e.Record.GetString("status")); err != nil {
			return err
		}
		return e.Next()
	}})
}
