package domain

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// DICTValidity is how long a DT-DICT receipt allows works to start.
const DICTValidity = 3

// KeyExcavationRefused is the message key of the excavation gate's
// refusal: the crew app matches it (SyncResult.Reason) to offer the
// urgent-works declaration.
const KeyExcavationRefused = "err.task.excavation_refused"

// IsExcavationRefusal reports whether err is the excavation gate's
// refusal.
func IsExcavationRefusal(err error) bool {
	var de *Error
	return errors.As(err, &de) && de.Key == KeyExcavationRefused
}

// startedStatuses are the task statuses that mean work began on site.
func startedStatuses() []string { return []string{"in_progress", "done", "validated"} }

// CheckExcavationGate is the public-works safety gate: a task whose work
// type is flagged "excavation" cannot start (in progress, done or
// validated) unless its site has a current DT-DICT receipt still valid
// at now (validity 3 months from upload unless set), or the task is
// declared urgent works with a reason of MinUrgentReason characters or more (article R554-32 of the French
// environment code allows urgent works without DICT, with a notice).
func CheckExcavationGate(app core.App, task *core.Record, now time.Time) error {
	if !contains(startedStatuses(), task.GetString("status")) {
		return nil
	}
	wtID := task.GetString("work_type")
	if wtID == "" {
		return nil
	}
	wt, err := app.FindRecordById(CollectionWorkTypes, wtID)
	if err != nil || !wt.GetBool("excavation") {
		return nil
	}
	if task.GetBool("urgent_works") {
		if utf8.RuneCountInString(strings.TrimSpace(task.GetString("urgent_reason"))) < MinUrgentReason {
			return FieldError("urgent_reason", "err.task.urgent_reason", MinUrgentReason)
		}
		return nil
	}
	n, err := app.CountRecords(CollectionDocuments,
		dbx.HashExp{"site": task.GetString("site"), "kind": "dict", "current": true},
		dbx.NewExp("valid_until >= {:now}", dbx.Params{"now": DBTime(now)}))
	if err != nil {
		return err
	}
	if n == 0 {
		return FieldError("status", KeyExcavationRefused)
	}
	return nil
}

// excavationGate runs CheckExcavationGate on task saves (REST API, sync
// and domain code alike).
func excavationGate(e *core.RecordEvent) error {
	if err := CheckExcavationGate(e.App, e.Record, time.Now()); err != nil {
		return err
	}
	return e.Next()
}
