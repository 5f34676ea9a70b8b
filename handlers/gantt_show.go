package handlers

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// ganttShow renders a site's Gantt (GET /sites/{id}/gantt).
func (h *Handlers) ganttShow(e *core.RequestEvent) error {
	return h.renderGantt(e, http.StatusOK, "", nil)
}

// renderGantt renders the Gantt page, with a form error and the typed-in
// values after a refused form.
func (h *Handlers) renderGantt(e *core.RequestEvent, status int, formErr string, values map[string]string) error {
	site, err := h.loadSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	plan, err := domain.LoadSitePlan(e.App, site.Id, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	ctx := e.Request.Context()
	title := domain.Site{Record: site}.Code() + " " + domain.Site{Record: site}.Name()
	canEdit := tenantCtx(e).CanEditSiteDay(site)
	streamURL := "/sites/" + site.Id + "/gantt/stream"
	var baselineID string
	var base *domain.Baseline
	if b, ok := ganttBaseline(e, site.Id); ok {
		base, baselineID, streamURL = &b, b.ID, streamURL+"?baseline="+url.QueryEscape(b.ID)
	}
	chart := newChartVM(ctx, plan, tenantCtx(e).Today(), canEdit, base)
	vm := planning.GanttVM{
		Page: h.planningPage(e, "sites", i18n.T(ctx, "plan.gantt.title", title),
			layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"}, layouts.Crumb{Label: title, Href: "/sites/" + site.Id},
			layouts.Crumb{Label: "Gantt"}),
		SiteID: site.Id, SiteTitle: title, SiteHref: "/sites/" + site.Id, StreamURL: streamURL,
		Chart: chart, CanEdit: canEdit, CanPlanning: tenantCtx(e).CanOpen("planning"), FormError: formErr, Values: values,
		Baselines: baselineOptions(ctx, e.App, site.Id, plan.Location), BaselineID: baselineID,
	}
	vm.Page.Shell.Toasts = ganttToasts(e, site.Id, base)
	vm.Risk = h.ganttRisk(e, plan)
	for _, t := range sortedTasks(plan) {
		vm.Tasks = append(vm.Tasks, components.Option{Value: t.ID, Label: t.Title})
	}
	render(e.Response, e.Request, status, planning.GanttPage(vm))
	return nil
}
