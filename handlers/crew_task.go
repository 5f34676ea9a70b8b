package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// crewTask loads the {id} task and its site for the crew app: 404 unless
// the user may see it there (domain.CanSeeCrewTask).
func crewTask(e *core.RequestEvent) (domain.Task, domain.Site, error) {
	task, site, err := domain.FindCrewTask(e.App, e.Auth, e.Request.PathValue("id"))
	if domain.ErrorCode(err) == domain.ENotFound {
		return task, site, domain.Errorf(domain.ENotFound, "err.job.not_found")
	}
	return task, site, err
}

// crewTaskShow is GET /m/tasks/{id}: the task, its site, dates, status
// buttons, checklist (its run is created on first open) and links.
func (h *Handlers) crewTaskShow(e *core.RequestEvent) error {
	task, site, err := crewTask(e)
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	return h.renderCrewTask(e, task, site, nil, http.StatusOK)
}

// crewTaskStatus is POST /m/tasks/{id}/status (the page without
// JavaScript; with it, the change goes through the offline outbox).
func (h *Handlers) crewTaskStatus(e *core.RequestEvent) error {
	task, site, err := crewTask(e)
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	if err := domain.SetTaskStatus(e.App, e.Auth, task.Record, e.Request.FormValue("status")); err != nil {
		a := answerOf(e.Request.Context(), err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		fresh, ferr := domain.FindTask(e.App, task.Id)
		if ferr != nil {
			return h.fail(e, ferr)
		}
		return h.renderCrewTask(e, fresh, site, err, a.Status)
	}
	return e.Redirect(http.StatusSeeOther, "/m/tasks/"+task.Id)
}

// crewTaskChecklist is POST /m/tasks/{id}/checklist (without JavaScript):
// only the items whose value differs from the one the form was drawn
// with ("o.<id>") are sent, so answers given meanwhile elsewhere stay.
func (h *Handlers) crewTaskChecklist(e *core.RequestEvent) error {
	task, site, err := crewTask(e)
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	run, err := domain.FindChecklistRun(e.App, task.Id)
	if err != nil {
		return h.fail(e, err)
	}
	if run == nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	_ = e.Request.ParseForm()
	f := e.Request.PostForm
	answers := map[string]any{}
	for _, it := range domain.RunItems(run) {
		now, was := f.Get("a."+it.ID), f.Get("o."+it.ID)
		if now == was {
			continue
		}
		if now == "" {
			answers[it.ID] = nil
		} else {
			answers[it.ID] = now
		}
	}
	if len(answers) > 0 {
		if err := domain.SaveChecklistAnswers(e.App, e.Auth, run, answers); err != nil {
			a := answerOf(e.Request.Context(), err)
			if !a.OnForm {
				return h.fail(e, err)
			}
			return h.renderCrewTask(e, task, site, err, a.Status)
		}
	}
	return e.Redirect(http.StatusSeeOther, "/m/tasks/"+task.Id)
}

// renderCrewTask renders the crew task page, with the message of a
// refusal (refused: a form-level domain error, nil for none).
func (h *Handlers) renderCrewTask(e *core.RequestEvent, task domain.Task, site domain.Site, refused error, status int) error {
	ctx := e.Request.Context()
	st := orStatus(task.Status())
	canWrite := tenantCtx(e).Role != domain.RoleCrew || slices.Contains(task.AssigneeIDs(), e.Auth.Id)
	vm := crew.TaskDetailVM{Shell: h.crewShell(e, "today", task.Title()), CSS: h.assets.Path("css/crew.css"), JS: h.assets.Path("js/checklist.js"),
		ID: task.Id, Title: task.Title(), Status: st, Site: site.Code() + " · " + site.Name(),
		Address: site.Address(), MapHref: mapHref(site), Period: taskPeriod(ctx, task), StatusAction: "/m/tasks/" + task.Id + "/status",
		CanStart: canWrite && slices.Contains([]string{"todo", "planned", "blocked"}, st), CanFinish: canWrite && st == "in_progress"}
	if refused != nil {
		vm.Error = answerOf(ctx, refused).Message
	}
	if vm.CanStart && domain.TaskNeedsUrgentWorks(e.App, task, h.deps.Clock()) {
		vm.Urgent = h.urgentOffer(e, task, site)
		vm.Urgent.Shown = domain.IsExcavationRefusal(refused)
	}
	q := "?site=" + url.QueryEscape(site.Id) + "&task=" + url.QueryEscape(task.Id)
	photoHref := "/m/photos?site=" + url.QueryEscape(site.Id) + "&subject=" + url.QueryEscape(task.Id)
	offer, err := domain.SignatureOfferOf(e.App, task.Record)
	if err != nil {
		return h.fail(e, err)
	}
	signHref := ""
	vm.Links = []crew.LinkVM{{Key: "photos", Href: photoHref}}
	switch offer {
	case domain.SignEnd:
		signHref = "/m/tasks/" + task.Id + "/sign"
		vm.Links = append(vm.Links, crew.LinkVM{Key: "sign_end", Href: signHref})
	case domain.SignStart:
		vm.Links = append(vm.Links, crew.LinkVM{Key: "sign_start", Href: "/m/tasks/" + task.Id + "/sign?pv=start"})
	}
	vm.Links = append(vm.Links, crew.LinkVM{Key: "consumption", Href: "/m/consumption" + q}, crew.LinkVM{Key: "incident", Href: "/m/incident" + q},
		crew.LinkVM{Key: "time", Href: "/m/time"}, crew.LinkVM{Key: "proof", Href: "/tasks/" + task.Id + "/proof.pdf"})

	run, err := domain.EnsureChecklistRun(e.App, task.Record, e.Auth.Id)
	if err != nil {
		return h.fail(e, err)
	}
	if run != nil {
		cs, err := domain.ChecklistRunStatus(e.App, run)
		if err != nil {
			return h.fail(e, err)
		}
		photos, err := domain.FindTaskPhotos(e.App, task.Id, 50)
		if err != nil {
			return h.fail(e, err)
		}
		name, err := domain.FindChecklistRunTemplateName(e.App, domain.ChecklistRun{Record: run})
		if err != nil {
			return h.fail(e, err)
		}
		vm.Checklist = &crew.ChecklistFormVM{RunID: run.Id, Name: name, Action: "/m/tasks/" + task.Id + "/checklist", Complete: cs.Complete,
			Missing: len(cs.Missing), CanAnswer: canWrite && st != "done" && st != "validated", Items: checkItemVMs(ctx, cs, domain.AsPhotos(photos), photoHref, signHref)}
	}
	render(e.Response, e.Request, status, crew.TaskPage(vm))
	return nil
}

// photoOptions lists a task's photos for a photo item ("—" first).
func photoOptions(ctx context.Context, photos []domain.Photo) []components.Option {
	out := []components.Option{{Value: "", Label: "—"}}
	for _, p := range photos {
		label := i18n.FormatDateTime(ctx, p.TakenAt())
		if c := p.Caption(); c != "" {
			label += " · " + c
		}
		out = append(out, components.Option{Value: p.Id, Label: label})
	}
	return out
}

// taskPeriod formats a task's planned dates.
func taskPeriod(ctx context.Context, t domain.Task) string {
	s, e := t.PlannedStart(), t.PlannedEnd()
	if s.IsZero() {
		return "—"
	}
	out := civilText(ctx, s)
	if !e.IsZero() && !e.Equal(s) {
		out += " → " + civilText(ctx, e)
	}
	return out
}

// mapHref links a site to OpenStreetMap (its position, or its address).
func mapHref(site domain.Site) string {
	lat, lng := site.Lat(), site.Lng()
	if lat != 0 || lng != 0 {
		return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f", lat, lng, lat, lng)
	}
	if a := site.Address(); a != "" {
		return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(a)
	}
	return ""
}
