package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

var taskFormFields = []string{"title", "description", "phase", "work_type", "start", "end", "duration", "pinned", "crew", "vehicle"}

// taskFormOptions turns the domain's choices into select options (with
// an empty choice for the single ones).
func taskFormOptions(e *core.RequestEvent, siteID string) (map[string][]components.Option, error) {
	ch, err := domain.FindTaskChoices(e.App, siteID)
	if err != nil {
		return nil, err
	}
	none := i18n.T(e.Request.Context(), "task.form.none")
	out := map[string][]components.Option{}
	for _, f := range []string{"phase", "work_type", "crew", "vehicle", "assignees", "equipment"} {
		if f != "assignees" && f != "equipment" {
			out[f] = []components.Option{{Value: "", Label: none}}
		}
		for _, c := range ch[f] {
			out[f] = append(out[f], components.Option{Value: c.ID, Label: c.Label})
		}
	}
	return out, nil
}

// renderTaskForm renders the task form of a site (tid "" for a new one).
func (h *Handlers) renderTaskForm(e *core.RequestEvent, status int, tid string, form components.Form, multi map[string][]string) error {
	site, err := h.loadSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !tenantCtx(e).CanEditSiteDay(site) {
		return h.fail(e, domain.Errorf(domain.EForbidden, "err.planning.forbidden"))
	}
	ctx := e.Request.Context()
	s := domain.Site{Record: site}
	title := i18n.T(ctx, "task.form.new")
	if tid != "" {
		title = i18n.T(ctx, "task.form.edit")
	}
	gantt := "/sites/" + site.Id + "/gantt"
	vm := planning.TaskFormVM{Page: h.planningPage(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"},
		layouts.Crumb{Label: s.Code() + " " + s.Name(), Href: "/sites/" + site.Id}, layouts.Crumb{Label: "Gantt", Href: gantt}, layouts.Crumb{Label: title}),
		SiteID: site.Id, TaskID: tid, BackHref: gantt, Form: form, Multi: multi}
	if vm.Options, err = taskFormOptions(e, site.Id); err != nil {
		return h.fail(e, err)
	}
	vm.Duration = h.taskDurationHint(e, site, form, multi)
	if tid != "" {
		if t, err := domain.FindTask(e.App, tid); err == nil {
			if d, ok := domain.FindUrgentDeclaration(e.App, t); ok {
				vm.Urgent = i18n.T(ctx, "task.urgent.by", d.By, i18n.FormatDate(ctx, d.At), d.Reason)
			}
			if !t.UrgentWorks() && domain.TaskNeedsUrgentWorks(e.App, t, h.deps.Clock()) {
				vm.UrgentHref = "/sites/" + site.Id + "/tasks/" + tid + "/urgent"
			}
		}
	}
	render(e.Response, e.Request, status, planning.TaskFormPage(vm))
	return nil
}

// taskNew renders an empty task form (GET /sites/{id}/tasks/new).
func (h *Handlers) taskNew(e *core.RequestEvent) error {
	v := map[string]string{"duration": "1", "start": tenantCtx(e).DayStart().Format(time.DateOnly)}
	return h.renderTaskForm(e, http.StatusOK, "", components.Form{Values: v}, nil)
}

// taskEdit renders the form of a task (GET /sites/{id}/tasks/{tid}/edit).
func (h *Handlers) taskEdit(e *core.RequestEvent) error {
	t, err := domain.FindTask(e.App, e.Request.PathValue("tid"))
	if err != nil || t.SiteID() != e.Request.PathValue("id") {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.task.not_found"))
	}
	date := func(d time.Time) string {
		if d.IsZero() {
			return ""
		}
		return d.Format(time.DateOnly)
	}
	v := map[string]string{"title": t.Title(), "description": t.Description(), "phase": t.PhaseID(), "work_type": t.WorkTypeID(),
		"start": date(t.PlannedStart()), "end": date(t.PlannedEnd()), "duration": strconv.Itoa(int(t.DurationDays() + 0.5)),
		"pinned": strconv.FormatBool(t.Pinned()), "crew": t.CrewID(), "vehicle": t.VehicleID()}
	return h.renderTaskForm(e, http.StatusOK, t.Id, components.Form{Values: v},
		map[string][]string{"assignees": t.AssigneeIDs(), "equipment": t.EquipmentIDs()})
}

// taskSave creates (POST /sites/{id}/tasks/new) or updates (POST
// /sites/{id}/tasks/{tid}) a task through domain.SaveTask; a refusal
// comes back on the form with the message beside its field.
func (h *Handlers) taskSave(e *core.RequestEvent) error {
	siteID, tid := e.Request.PathValue("id"), e.Request.PathValue("tid")
	v := formValues(e, taskFormFields...)
	_ = e.Request.ParseForm()
	multi := map[string][]string{"assignees": e.Request.Form["assignees"], "equipment": e.Request.Form["equipment"]}
	if p80, err := strconv.Atoi(e.Request.PostFormValue("use_p80")); err == nil && p80 >= 1 && p80 <= 1000 {
		v["duration"] = strconv.Itoa(p80) // "Utiliser P80": the form back with it, nothing saved
		return h.renderTaskForm(e, http.StatusOK, tid, components.Form{Values: v}, multi)
	}
	in := domain.TaskForm{Title: v["title"], Description: v["description"], PhaseID: v["phase"], WorkType: v["work_type"],
		Pinned: v["pinned"] == "true", CrewID: v["crew"], Assignees: multi["assignees"], VehicleID: v["vehicle"], Equipment: multi["equipment"]}
	var err error
	start, bad1 := formDate(v["start"])
	end, bad2 := formDate(v["end"])
	in.Start, in.End = start, end
	if d := strings.TrimSpace(v["duration"]); d != "" {
		in.Duration, err = strconv.Atoi(d)
	}
	switch {
	case bad1:
		err = domain.FieldError("start", "err.invalid_date_iso")
	case bad2:
		err = domain.FieldError("end", "err.invalid_date_iso")
	case err != nil:
		err = domain.FieldError("duration", "err.planning.duration_whole")
	default:
		var saved domain.Task
		if saved, err = domain.SaveTask(e.App, e.Auth, siteID, tid, in); err == nil {
			h.recordTaskPrediction(e, saved.Id)
			toast := ganttTaskSaved
			if tid == "" {
				toast = ganttTaskCreated
			}
			return ganttDone(e, toast, saved.Id)
		}
	}
	errs, status, ok := formErrors(e.Request.Context(), err)
	if !ok {
		return h.fail(e, err)
	}
	return h.renderTaskForm(e, status, tid, components.Form{Values: v, Errors: errs}, multi)
}

// taskRename renames a task (POST /sites/{id}/tasks/{tid}/rename, field
// title) and goes back to the Gantt.
func (h *Handlers) taskRename(e *core.RequestEvent) error {
	_, err := domain.RenameTask(e.App, e.Auth, e.Request.PathValue("id"), e.Request.PathValue("tid"), e.Request.FormValue("title"))
	return h.ganttBack(e, err, nil, ganttTaskSaved, e.Request.PathValue("tid"))
}

// taskDelete deletes a task (POST /sites/{id}/tasks/{tid}/delete); a task
// with work recorded is refused with the reason (409).
func (h *Handlers) taskDelete(e *core.RequestEvent) error {
	return h.ganttBack(e, domain.DeleteTask(e.App, e.Auth, e.Request.PathValue("id"), e.Request.PathValue("tid")), nil, ganttTaskDeleted, e.Request.PathValue("tid"))
}
