package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// renderIncident renders the crew's incident report form.
func (h *Handlers) renderIncident(e *core.RequestEvent, form components.Form, status int) error {
	ctx := e.Request.Context()
	sites, err := crewSiteOptions(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm := crew.IncidentVM{Shell: h.crewShell(e, "time", i18n.T(ctx, "crew2.incident.title")), CSS: h.assets.Path("css/crew.css"),
		Form: form, Sites: sites}
	vm.Shell.Toasts = crewFlash(e)
	vm.Kinds = []components.Option{{Value: "", Label: "—"}}
	for _, k := range domain.IncidentKinds() {
		vm.Kinds = append(vm.Kinds, components.Option{Value: k, Label: i18n.T(ctx, "crew2.incident.kind."+k)})
	}
	vm.Severities = []components.Option{{Value: "", Label: "—"}}
	for _, s := range domain.IncidentSeverities() {
		vm.Severities = append(vm.Severities, components.Option{Value: s, Label: i18n.T(ctx, "crew2.severity."+s)})
	}
	render(e.Response, e.Request, status, crew.IncidentPage(vm))
	return nil
}

// incidentShow is GET /m/incident.
func (h *Handlers) incidentShow(e *core.RequestEvent) error {
	return h.renderIncident(e, components.Form{Values: map[string]string{"site": e.Request.URL.Query().Get("site")}}, http.StatusOK)
}

// incidentReport is POST /m/incident: the incident is saved and published
// to the live views of the site lead and project manager.
func (h *Handlers) incidentReport(e *core.RequestEvent) error {
	v := crewValues(e, "site", "task", "kind", "severity", "description")
	_, err := domain.ReportIncident(e.App, e.Auth, domain.IncidentInput{Site: v["site"], Task: v["task"], Kind: v["kind"],
		Severity: v["severity"], Description: v["description"], Fix: crewFix(e, "")})
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderIncident(e, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/m/incident?toast=incident")
}
