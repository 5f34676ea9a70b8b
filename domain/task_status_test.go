package domain

import (
	"strings"
	"testing"
)

func TestCheckTaskTransition(t *testing.T) {
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{"", TaskPlanned, true},
		{TaskTodo, TaskTodo, true},
		{TaskPlanned, TaskInProgress, true},
		{TaskPlanned, TaskDone, true}, // done in one go
		{TaskInProgress, TaskDone, true},
		{TaskInProgress, TaskBlocked, true},
		{TaskBlocked, TaskInProgress, true},
		{TaskDone, TaskValidated, true},
		{TaskDone, TaskInProgress, true}, // reopened
		{TaskValidated, TaskDone, true},  // correction
		{TaskPlanned, TaskValidated, false},
		{TaskInProgress, TaskValidated, false},
		{TaskBlocked, TaskDone, false},
		{TaskValidated, TaskInProgress, false},
		{TaskValidated, TaskTodo, false},
		{TaskDone, TaskTodo, false},
	} {
		err := CheckTaskTransition(c.from, c.to)
		if (err == nil) != c.ok {
			t.Errorf("%q → %q: err %v, want ok=%v", c.from, c.to, err, c.ok)
		}
		if key := ErrorText(err).Key; err != nil && (ErrorCode(err) != EInvalid || (key != "err.task.transition" && key != "err.task.validate_done_only")) {
			t.Errorf("%q → %q: %v is not a status field error", c.from, c.to, err)
		}
	}
	if msg := ErrorMessage(CheckTaskTransition(TaskPlanned, TaskValidated)); !strings.Contains(msg, "Seule une tâche terminée peut être validée") {
		t.Errorf("validation message: %q", msg)
	}
}
