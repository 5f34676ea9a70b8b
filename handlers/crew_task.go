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
func crewTask(e *core.RequestEvent) (*core.Record, *core.Record, error) {
	notFound := domain.Errorf(domain.ENotFound, "Intervention introuvable / job not found")
	task, err := e.App.FindRecordById(domain.CollectionTasks, e.Request.PathValue("id"))
	if err != nil {
		return nil, nil, notFound
	}
	site, err := e.App.FindRecordById(domain.CollectionSites, task.GetString("site"))
	if err != nil || !tenantCtx(e).CanSeeCrewTask(task, site) {
		return nil, nil, notFound
	}
	return task, site, nil
}

// crewTaskShow is GET /m/tasks/{id}: the task, its site, dates, status
// buttons, checklist (its run is created on first open) and links.
func (h *Handlers) crewTaskShow(e *core.RequestEvent) error {
	task, site, err := crewTask(e)
	if err != nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	return h.renderCrewTask(e, task, site, "", http.StatusOK)
}

// crewTaskStatus is POST /m/tasks/{id}/status (the page without
// JavaScript; with it, the change goes through the offline outbox).
func (h *Handlers) crewTaskStatus(e *core.RequestEvent) error {
	task, site, err := crewTask(e)
	if err != nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	if err := domain.SetTaskStatus(e.App, e.Auth, task, e.Request.FormValue("status")); err != nil {
		a := answerOf(e.Request.Context(), err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		task, _ = e.App.FindRecordById(domain.CollectionTasks, task.Id)
		return h.renderCrewTask(e, task, site, a.Message, a.Status)
	}
	return e.Redirect(http.StatusSeeOther, "/m/tasks/"+task.Id)
}

// crewTaskChecklist is POST /m/tasks/{id}/checklist (without JavaScript):
// only the items whose value differs from the one the form was drawn
// with ("o.<id>") are sent, so answers given meanwhile elsewhere stay.
func (h *Handlers) crewTaskChecklist(e *core.RequestEvent) error {
	task, site, err := crewTask(e)
	if err != nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	run, err := domain.FindChecklistRun(e.App, task.Id)
	if err != nil || run == nil {
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
			return h.renderCrewTask(e, task, site, a.Message, a.Status)
		}
	}
	return e.Redirect(http.StatusSeeOther, "/m/tasks/"+task.Id)
}

func (h *Handlers) renderCrewTask(e *core.RequestEvent, task, site *core.Record, formErr string, status int) error {
	ctx := e.Request.Context()
	st := orStatus(task.GetString("status"))
	canWrite := tenantCtx(e).Role != domain.RoleCrew || slices.Contains(task.GetStringSlice("assignees"), e.Auth.Id)
	vm := crew.TaskDetailVM{Shell: h.crewShell(e, "today", task.GetString("title")), CSS: h.assets.Path("css/crew.css"), JS: h.assets.Path("js/checklist.js"),
		ID: task.Id, Title: task.GetString("title"), Status: st, Site: site.GetString("code") + " · " + site.GetString("name"),
		Address: site.GetString("address"), MapHref: mapHref(site), Period: taskPeriod(ctx, task), StatusAction: "/m/tasks/" + task.Id + "/status",
		CanStart: canWrite && slices.Contains([]string{"todo", "planned", "blocked"}, st), CanFinish: canWrite && st == "in_progress", Error: formErr}
	q := "?site=" + url.QueryEscape(site.Id) + "&task=" + url.QueryEscape(task.Id)
	photoHref := "/m/photos?site=" + url.QueryEscape(site.Id) + "&subject=" + url.QueryEscape(task.Id)
	signHref := "/m/tasks/" + task.Id + "/sign"
	vm.Links = []crew.LinkVM{{Key: "photos", Href: photoHref}, {Key: "sign", Href: signHref}, {Key: "consumption", Href: "/m/consumption" + q},
		{Key: "incident", Href: "/m/incident" + q}, {Key: "time", Href: "/m/time"}, {Key: "proof", Href: "/tasks/" + task.Id + "/proof.pdf"}}

	run, err := domain.EnsureChecklistRun(e.App, task, e.Auth.Id)
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
		name := ""
		if tpl, err := e.App.FindRecordById(domain.CollectionChecklistTemplates, run.GetString("template")); err == nil {
			name = tpl.GetString("name")
		}
		vm.Checklist = &crew.ChecklistFormVM{RunID: run.Id, Name: name, Action: "/m/tasks/" + task.Id + "/checklist", Complete: cs.Complete,
			Missing: len(cs.Missing), CanAnswer: canWrite && st != "done" && st != "validated", Items: checkItemVMs(ctx, cs, photos, photoHref, signHref)}
	}
	render(e.Response, e.Request, status, crew.TaskPage(vm))
	return nil
}

// photoOptions lists a task's photos for a photo item ("—" first).
func photoOptions(ctx context.Context, photos []*core.Record) []components.Option {
	out := []components.Option{{Value: "", Label: "—"}}
	for _, p := range photos {
		label := i18n.FormatDateTime(ctx, p.GetDateTime("taken_at").Time())
		if c := p.GetString("caption"); c != "" {
			label += " · " + c
		}
		out = append(out, components.Option{Value: p.Id, Label: label})
	}
	return out
}

// taskPeriod formats a task's planned dates.
func taskPeriod(ctx context.Context, t *core.Record) string {
	s, e := t.GetDateTime("planned_start"), t.GetDateTime("planned_end")
	if s.IsZero() {
		return "—"
	}
	out := civilText(ctx, s.Time())
	if !e.IsZero() && !e.Equal(s) {
		out += " → " + civilText(ctx, e.Time())
	}
	return out
}

// mapHref links a site to OpenStreetMap (its position, or its address).
func mapHref(site *core.Record) string {
	lat, lng := site.GetFloat("lat"), site.GetFloat("lng")
	if lat != 0 || lng != 0 {
		return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=17/%.6f/%.6f", lat, lng, lat, lng)
	}
	if a := site.GetString("address"); a != "" {
		return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(a)
	}
	return ""
}
