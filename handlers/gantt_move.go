package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// wantsJSON reports whether the caller (gantt.js) asked for JSON.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// ganttMove moves or resizes a task (POST /sites/{id}/tasks/{tid}/dates,
// fields start and optional end, YYYY-MM-DD). gantt.js asks for JSON and
// gets the new chart over the page's stream, like every other viewer;
// the plain form redirects back to the Gantt.
func (h *Handlers) ganttMove(e *core.RequestEvent) error {
	siteID := e.Request.PathValue("id")
	start, bad1 := formDate(e.Request.FormValue("start"))
	end, bad2 := formDate(e.Request.FormValue("end"))
	var err error
	if bad1 || bad2 {
		err = domain.FieldError("start", "Date invalide (AAAA-MM-JJ) / invalid date (YYYY-MM-DD)")
	} else {
		_, err = domain.MoveTask(e.App, e.Auth, siteID, e.Request.PathValue("tid"), domain.TaskDatesInput{Start: start, End: end}, h.deps.Clock())
	}
	if wantsJSON(e.Request) {
		if err != nil {
			return h.apiFail(e, err)
		}
		return e.JSON(http.StatusOK, map[string]bool{"ok": true})
	}
	return h.ganttBack(e, err, nil)
}

// ganttBack answers a Gantt form: back to the page when it worked, the
// page with the message on a refusal, the error page otherwise.
func (h *Handlers) ganttBack(e *core.RequestEvent, err error, values map[string]string) error {
	if err == nil {
		return e.Redirect(http.StatusSeeOther, "/sites/"+e.Request.PathValue("id")+"/gantt?toast=saved")
	}
	if a := answerOf(e.Request.Context(), err); a.OnForm {
		return h.renderGantt(e, a.Status, a.Message, values)
	}
	return h.fail(e, err)
}
