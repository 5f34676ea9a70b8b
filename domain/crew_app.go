package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Signatures the crew app offers on a task (SignatureOffer).
const (
	// SignNone: no signature is offered (the work is under way with more
	// than signatures left to do, or the task is cancelled).
	SignNone = ""
	// SignEnd: the end-of-work report (PV de fin de travaux), once the work
	// is done, or in progress when only the checklist's signatures are
	// missing (a checklist may require the client's signature to finish).
	SignEnd = "end"
	// SignStart: before the work starts, only an explicit start-of-work
	// report (PV de début de travaux), never the end-of-work one.
	SignStart = "start"
)

// SignatureOffer says which signature the crew app offers on a task in
// status, given the required checklist items still missing (nil when
// the task has no checklist). Asking a client to sign before the work is
// done would have them approve work they have not seen.
func SignatureOffer(status string, missing []ChecklistItem, hasChecklist bool) string {
	switch status {
	case TaskDone, TaskValidated:
		return SignEnd
	case TaskTodo, TaskPlanned, TaskBlocked, "":
		return SignStart
	case TaskInProgress:
		if !hasChecklist || len(missing) == 0 {
			return SignNone
		}
		for _, it := range missing {
			if it.Type != ItemSignature {
				return SignNone
			}
		}
		return SignEnd
	}
	return SignNone
}

// SignatureOfferOf is SignatureOffer for a stored task, its checklist
// evaluated as it stands.
func SignatureOfferOf(app core.App, task *core.Record) (string, error) {
	run, err := FindChecklistRun(app, task.Id)
	if err != nil || run == nil {
		return SignatureOffer(task.GetString("status"), nil, false), err
	}
	st, err := ChecklistRunStatus(app, run)
	if err != nil {
		return SignNone, err
	}
	return SignatureOffer(task.GetString("status"), st.Missing, true), nil
}

// OpenEntrySince returns the user's open time entry as the clock-in page
// tells it (when, on which site), ok false when none is open.
func OpenEntrySince(app core.App, userID string) (TimeEntry, bool) {
	r := FindOpenTimeEntry(app, userID)
	if r == nil {
		return TimeEntry{}, false
	}
	_ = app.ExpandRecord(r, []string{"site"}, nil)
	return TimeEntry{r}, true
}

// CheckClockInSwitch refuses a clock-in while an entry is open unless the
// user confirmed the change of site: clocking in closes the open entry,
// which must never happen behind their back. loc is the display zone.
func CheckClockInSwitch(app core.App, userID string, confirmed bool, loc *time.Location) error {
	open, ok := OpenEntrySince(app, userID)
	if !ok || confirmed {
		return nil
	}
	site := "—"
	if s, ok := open.ExpandedSite(); ok {
		site = s.Code() + " · " + s.Name()
	}
	return &Error{Code: EConflict, Field: "switch", Key: "err.time.open_entry", Args: []any{open.ClockIn().In(loc).Format("15:04"), site}}
}
