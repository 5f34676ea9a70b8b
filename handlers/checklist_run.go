package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// checklistRunShow is GET /tasks/{id}/checklist: the office's read-only
// view of a task's checklist with who answered what and when (404 unless
// the user may see the task's site). Opening it never creates the run.
func (h *Handlers) checklistRunShow(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	task, site, err := visibleTask(e)
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	title := task.Title()
	siteTitle := site.Code() + " " + site.Name()
	vm := planning.ChecklistRunVM{Page: h.planningPage(e, "sites", i18n.T(ctx, "cl.run_title", title),
		layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"}, layouts.Crumb{Label: siteTitle, Href: "/sites/" + site.Id},
		layouts.Crumb{Label: title}), TaskTitle: title, Site: siteTitle, Status: orStatus(task.Status()),
		PhotosHref: "/sites/" + site.Id + "/photos?task=" + task.Id, ProofHref: "/tasks/" + task.Id + "/proof.pdf"}
	run, err := domain.FindChecklistRun(e.App, task.Id)
	if err != nil {
		return h.fail(e, err)
	}
	if run != nil {
		st, err := domain.ChecklistRunStatus(e.App, run)
		if err != nil {
			return h.fail(e, err)
		}
		if vm.Template, err = domain.FindChecklistRunTemplateName(e.App, domain.ChecklistRun{Record: run}); err != nil {
			return h.fail(e, err)
		}
		vm.HasRun, vm.Complete, vm.Missing, vm.NonConformities = true, st.Complete, len(st.Missing), len(st.NonConformities)
		vm.Rows = runRowVMs(ctx, st)
	}
	render(e.Response, e.Request, http.StatusOK, planning.ChecklistRunPage(vm))
	return nil
}

// visibleTask loads the {id} task and its site when the user may see
// that site; any other case is "not found".
func visibleTask(e *core.RequestEvent) (domain.Task, domain.Site, error) {
	task, site, err := domain.FindVisibleTask(e.App, e.Auth, e.Request.PathValue("id"))
	if domain.ErrorCode(err) == domain.ENotFound {
		return task, site, domain.Errorf(domain.ENotFound, "err.job.not_found")
	}
	return task, site, err
}

// orStatus defaults a blank task status to "todo".
func orStatus(s string) string {
	if s == "" {
		return "todo"
	}
	return s
}
