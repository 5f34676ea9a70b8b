package handlers

import (
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// formValues keeps the typed-in values of a refused form.
func formValues(e *core.RequestEvent, names ...string) map[string]string {
	v := make(map[string]string, len(names))
	for _, n := range names {
		v[n] = e.Request.FormValue(n)
	}
	return v
}

// ganttTaskAdd adds a task from the Gantt's form (POST /sites/{id}/tasks).
func (h *Handlers) ganttTaskAdd(e *core.RequestEvent) error {
	v := formValues(e, "title", "start", "duration")
	var created *core.Record
	start, bad := formDate(v["start"])
	dur, err := strconv.Atoi(strings.TrimSpace(v["duration"]))
	switch {
	case bad:
		err = domain.FieldError("start", "err.invalid_date_iso")
	case err != nil:
		err = domain.FieldError("duration", "err.planning.duration_whole")
	default:
		created, err = domain.CreateTask(e.App, e.Auth, e.Request.PathValue("id"), domain.TaskInput{Title: v["title"], Start: start, Duration: dur})
	}
	if err != nil {
		return h.ganttBack(e, err, v, "", "")
	}
	return ganttDone(e, ganttTaskCreated, created.Id)
}

// ganttLinkAdd adds a dependency (POST /sites/{id}/links).
func (h *Handlers) ganttLinkAdd(e *core.RequestEvent) error {
	v := formValues(e, "from", "to", "type", "lag")
	lag, err := strconv.Atoi(strings.TrimSpace(v["lag"]))
	if strings.TrimSpace(v["lag"]) == "" {
		lag, err = 0, nil
	}
	if err != nil {
		err = domain.FieldError("lag", "err.planning.lag_whole")
	} else {
		_, err = domain.AddTaskLink(e.App, e.Auth, e.Request.PathValue("id"), domain.TaskLinkInput{From: v["from"], To: v["to"], Type: v["type"], Lag: lag})
	}
	return h.ganttBack(e, err, v, ganttLinkAdded, "")
}

// ganttLinkDelete removes a dependency (POST /sites/{id}/links/{lid}/delete).
func (h *Handlers) ganttLinkDelete(e *core.RequestEvent) error {
	return h.ganttBack(e, domain.DeleteTaskLink(e.App, e.Auth, e.Request.PathValue("id"), e.Request.PathValue("lid")), nil, ganttLinkDeleted, "")
}
