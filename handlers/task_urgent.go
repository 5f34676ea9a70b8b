package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// UrgentWorksHref is the page that declares urgent works on a task: the
// DT-DICT refusal links to it for who may declare them
// (domain.CanDeclareUrgentWorks).
func UrgentWorksHref(siteID, taskID string) string {
	return "/sites/" + siteID + "/tasks/" + taskID + "/urgent"
}

// renderUrgent renders the urgent-works declaration of a task.
func (h *Handlers) renderUrgent(e *core.RequestEvent, status int, form components.Form) error {
	site, err := h.loadSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	t, err := domain.FindTask(e.App, e.Request.PathValue("tid"))
	if err != nil || t.SiteID() != site.Id {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.task.not_found"))
	}
	if !domain.CanDeclareUrgentWorks(e.Auth, site) {
		return h.fail(e, domain.Errorf(domain.EForbidden, "err.task.urgent_forbidden"))
	}
	ctx := e.Request.Context()
	title := i18n.T(ctx, "task.urgent.title")
	action, back := UrgentWorksHref(site.Id, t.Id), "/sites/"+site.Id+"/tasks/"+t.Id+"/edit"
	if b := urgentBack(e, t.Id); b != "" { // from the crew app: back there
		action, back = action+"?back="+b, b
	}
	vm := planning.UrgentVM{Page: h.planningPage(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"},
		layouts.Crumb{Label: t.Title(), Href: "/sites/" + site.Id + "/tasks/" + t.Id + "/edit"}, layouts.Crumb{Label: title}),
		Action: action, TaskTitle: t.Title(), BackHref: back, Form: form}
	render(e.Response, e.Request, status, planning.UrgentPage(vm))
	return nil
}

// urgentShow renders the declaration form (GET .../tasks/{tid}/urgent).
func (h *Handlers) urgentShow(e *core.RequestEvent) error {
	return h.renderUrgent(e, http.StatusOK, components.Form{})
}

// urgentDeclare declares urgent works (POST .../tasks/{tid}/urgent, field
// urgent_reason); back to the task's form once declared, or to the crew
// task page it came from (?back=/m/tasks/{tid}).
func (h *Handlers) urgentDeclare(e *core.RequestEvent) error {
	siteID, tid := e.Request.PathValue("id"), e.Request.PathValue("tid")
	v := formValues(e, "urgent_reason")
	if _, err := domain.DeclareUrgentWorks(e.App, e.Auth, siteID, tid, v["urgent_reason"]); err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderUrgent(e, status, components.Form{Values: v, Errors: errs})
	}
	if b := urgentBack(e, tid); b != "" {
		return e.Redirect(http.StatusSeeOther, b)
	}
	return e.Redirect(http.StatusSeeOther, "/sites/"+siteID+"/tasks/"+tid+"/edit?toast=saved")
}

// tasksValidate validates done tasks (POST /today/validate, one or more
// fields task, and back = the daily plan's date), then goes back to the
// daily plan with the count; a refusal shows its message.
func (h *Handlers) tasksValidate(e *core.RequestEvent) error {
	_ = e.Request.ParseForm()
	ids := e.Request.Form["task"]
	if len(ids) == 0 {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.task.validate_none"))
	}
	n, err := domain.ValidateTasks(e.App, e.Auth, ids)
	if err != nil {
		return h.fail(e, err)
	}
	back := "/today?validated=" + strconv.Itoa(n)
	if d := e.Request.FormValue("date"); d != "" {
		if _, bad := formDate(d); !bad {
			back += "&date=" + d
		}
	}
	return e.Redirect(http.StatusSeeOther, back)
}
