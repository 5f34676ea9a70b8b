package domain

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/fieldops360/fieldops/catalog"
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

// taskStatusLabel names a status in the messages (catalogue key).
func taskStatusLabel(s string) catalog.Text {
	switch s {
	case TaskPlanned, TaskInProgress, TaskBlocked, TaskDone, TaskValidated:
		return catalog.New("err.task.status." + s)
	}
	return catalog.New("err.task.status.todo")
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
	key := "err.task.transition"
	if to == TaskValidated {
		key = "err.task.validate_done_only"
	}
	return FieldError("status", key, taskStatusLabel(from), taskStatusLabel(to))
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
