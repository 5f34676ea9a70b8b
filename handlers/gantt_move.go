package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// wantsJSON reports whether the caller (gantt.js) asked for JSON.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// movedTaskJSON is a task's schedule after a move: YYYY-MM-DD civil
// dates, the end inclusive, the duration in working days.
type movedTaskJSON struct {
	ID           string `json:"id"`
	Start        string `json:"start"`
	End          string `json:"end"`
	DurationDays int    `json:"duration_days"`
}

// moveJSON is the answer to gantt.js: the moved task and the successors
// moved with it, as the move scheduled them.
type moveJSON struct {
	OK          bool            `json:"ok"`
	Task        movedTaskJSON   `json:"task"`
	Rescheduled []movedTaskJSON `json:"rescheduled"`
}

func newMoveJSON(mv *domain.TaskMove) moveJSON {
	task := func(id string) movedTaskJSON {
		st, _ := mv.Plan.Schedule.Task(id)
		return movedTaskJSON{ID: id, Start: st.EarlyStart.Format(time.DateOnly), End: st.EarlyFinish.Format(time.DateOnly), DurationDays: st.Duration}
	}
	out := moveJSON{OK: true, Task: task(mv.Task.Id), Rescheduled: make([]movedTaskJSON, 0, len(mv.Rescheduled))}
	for _, r := range mv.Rescheduled {
		out.Rescheduled = append(out.Rescheduled, task(r.Id))
	}
	return out
}

// ganttMove moves or resizes a task (POST /sites/{id}/tasks/{tid}/dates,
// fields start and optional end, YYYY-MM-DD). gantt.js asks for JSON and
// gets the moved task and successors as the move scheduled them (the new
// chart comes over the page's stream, like for every other viewer); the
// plain form redirects back to the Gantt.
func (h *Handlers) ganttMove(e *core.RequestEvent) error {
	siteID := e.Request.PathValue("id")
	start, bad1 := formDate(e.Request.FormValue("start"))
	end, bad2 := formDate(e.Request.FormValue("end"))
	var mv *domain.TaskMove
	var err error
	if bad1 || bad2 {
		err = domain.FieldError("start", "err.invalid_date_iso")
	} else {
		mv, err = domain.MoveTask(e.App, e.Auth, siteID, e.Request.PathValue("tid"), domain.TaskDatesInput{Start: start, End: end}, h.deps.Clock())
	}
	if wantsJSON(e.Request) {
		if err != nil {
			return h.apiFail(e, err)
		}
		return e.JSON(http.StatusOK, newMoveJSON(mv))
	}
	return h.ganttBack(e, err, nil, ganttTaskSaved, e.Request.PathValue("tid"))
}

// ganttBack answers a Gantt form: back to the page with the flash toast
// (about taskID, if any) when it worked, the page with the message on a
// refusal, the error page otherwise.
func (h *Handlers) ganttBack(e *core.RequestEvent, err error, values map[string]string, toast, taskID string) error {
	if err == nil {
		return ganttDone(e, toast, taskID)
	}
	if a := answerOf(e.Request.Context(), err); a.OnForm {
		return h.renderGantt(e, a.Status, a.Message, values)
	}
	return h.fail(e, err)
}
