package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

// incidentFields are the office form's fields.
var incidentFields = []string{"kind", "severity", "description", "assigned_to", "task", "impact_days", "impact_eur"}

// incidentValues are the form values of a stored incident.
func incidentValues(inc domain.Incident) map[string]string {
	return map[string]string{"kind": inc.Kind(), "severity": inc.Severity(), "description": inc.Description(),
		"assigned_to": inc.AssignedToID(), "task": inc.TaskID(),
		"impact_days": strconv.FormatFloat(inc.ImpactDays(), 'f', -1, 64), "impact_eur": strconv.FormatFloat(inc.ImpactEUR(), 'f', -1, 64)}
}

// incidentPage renders the office page of an incident; form and
// closeForm carry typed-in values and errors (nil values: the stored ones).
func (h *Handlers) incidentPage(e *core.RequestEvent, s domain.Site, inc domain.Incident, form, closeForm components.Form, status int) error {
	ctx := e.Request.Context()
	if form.Values == nil {
		form.Values = incidentValues(inc)
	}
	title := i18n.T(ctx, "crew2.incident.kind."+inc.Kind())
	vm := sites.IncidentPageVM{
		Shell: h.shell(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"},
			layouts.Crumb{Label: s.Code(), Href: "/sites/" + s.Id + "/incidents"}, layouts.Crumb{Label: title}),
		SiteID: s.Id, ID: inc.Id, Kind: inc.Kind(), Severity: inc.Severity(), Status: orOpen(inc.Status()),
		Reported: i18n.FormatDateTime(ctx, inc.Created()), By: nameOr(inc.ExpandedReportedBy()), Resolution: inc.Resolution(),
		Closed: inc.Status() == "closed" || inc.Status() == "resolved", CanManage: domain.CanManageIncident(e.Auth, s.Record),
		Form: form, CloseForm: closeForm,
	}
	if key := e.Request.URL.Query().Get("toast"); key == "incident_saved" || key == "incident_closed" {
		vm.Shell.Toasts = []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(ctx, "toast."+key)}}
	}
	for _, k := range domain.IncidentKinds() {
		vm.Kinds = append(vm.Kinds, components.Option{Value: k, Label: i18n.T(ctx, "crew2.incident.kind."+k)})
	}
	for _, sev := range domain.IncidentSeverities() {
		vm.Severities = append(vm.Severities, components.Option{Value: sev, Label: i18n.T(ctx, "crew2.severity."+sev)})
	}
	if vm.CanManage {
		people, err := domain.FindActiveUsers(e.App)
		if err != nil {
			return h.fail(e, err)
		}
		vm.People = []components.Option{{Value: "", Label: i18n.T(ctx, "incidents.nobody")}}
		for _, u := range people {
			vm.People = append(vm.People, components.Option{Value: u.Id, Label: u.Name()})
		}
		tasks, err := domain.FindSiteTasks(e.App, s.Id)
		if err != nil {
			return h.fail(e, err)
		}
		vm.Tasks = []components.Option{{Value: "", Label: i18n.T(ctx, "incidents.no_task")}}
		for _, t := range domain.AsTasks(tasks) {
			vm.Tasks = append(vm.Tasks, components.Option{Value: t.Id, Label: t.Title()})
		}
	}
	render(e.Response, e.Request, status, sites.IncidentPage(vm))
	return nil
}

// orOpen shows an incident without a status as open.
func orOpen(status string) string {
	if status == "" {
		return "open"
	}
	return status
}

// siteIncident loads the site and the incident of the path.
func (h *Handlers) siteIncident(e *core.RequestEvent) (domain.Site, domain.Incident, error) {
	s, err := h.viewSite(e)
	if err != nil {
		return s, domain.Incident{}, err
	}
	inc, err := domain.FindSiteIncident(e.App, s.Id, e.Request.PathValue("iid"))
	return s, inc, err
}

// officeIncidentShow is GET /sites/{id}/incidents/{iid}.
func (h *Handlers) officeIncidentShow(e *core.RequestEvent) error {
	s, inc, err := h.siteIncident(e)
	if err != nil {
		return h.fail(e, err)
	}
	return h.incidentPage(e, s, inc, components.Form{}, components.Form{}, http.StatusOK)
}

// incidentAction runs one office action on the incident of the path and
// answers: back to the page with a toast, the form again with its errors
// (400), or the error page (403, 404, 409).
func (h *Handlers) incidentAction(close bool, run func(e *core.RequestEvent, id string, v map[string]string, errs map[string]string) error, names ...string) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, inc, err := h.siteIncident(e)
		if err != nil {
			return h.fail(e, err)
		}
		v, errs := formValues(e, names...), map[string]string{}
		if err := run(e, inc.Id, v, errs); err != nil && !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
		if len(errs) == 0 {
			key := "incident_saved"
			if close {
				key = "incident_closed"
			}
			return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/incidents/"+inc.Id+"?toast="+key)
		}
		form, closeForm := components.Form{Values: v, Errors: errs}, components.Form{}
		if close {
			form, closeForm = components.Form{}, form
		}
		return h.incidentPage(e, s, inc, form, closeForm, http.StatusBadRequest)
	}
}

// incidentUpdate is POST /sites/{id}/incidents/{iid}: qualify, assign,
// edit, set the impact.
func (h *Handlers) incidentUpdate(e *core.RequestEvent, id string, v, errs map[string]string) error {
	in := domain.IncidentEdit{Kind: v["kind"], Severity: v["severity"], Description: v["description"], AssignedTo: v["assigned_to"], Task: v["task"]}
	for name, dst := range map[string]*float64{"impact_days": &in.ImpactDays, "impact_eur": &in.ImpactEUR} {
		if v[name] == "" {
			continue
		}
		f, err := strconv.ParseFloat(v[name], 64)
		if err != nil {
			errs[name] = i18n.T(e.Request.Context(), "form.bad_number")
		}
		*dst = f
	}
	if len(errs) > 0 {
		return nil
	}
	_, err := domain.UpdateIncident(e.App, e.Auth, id, in, h.deps.Clock())
	return err
}

// incidentClose is POST /sites/{id}/incidents/{iid}/close.
func (h *Handlers) incidentClose(e *core.RequestEvent, id string, v, _ map[string]string) error {
	_, err := domain.CloseIncident(e.App, e.Auth, id, v["resolution"])
	return err
}

// incidentReopen is POST /sites/{id}/incidents/{iid}/reopen.
func (h *Handlers) incidentReopen(e *core.RequestEvent, id string, _, _ map[string]string) error {
	_, err := domain.ReopenIncident(e.App, e.Auth, id)
	return err
}

// dashboardIncidents lists the open incidents of the user's sites on the
// dashboard, gravest first (a high-severity safety incident is never
// crowded out by milder ones).
func dashboardIncidents(e *core.RequestEvent) ([]home.IncidentVM, error) {
	list, err := domain.FindOpenIncidents(e.App, e.Auth, 20)
	if err != nil {
		return nil, err
	}
	out := make([]home.IncidentVM, 0, len(list))
	for _, inc := range list {
		vm := home.IncidentVM{ID: inc.Id, Kind: inc.Kind(), Severity: inc.Severity(), Description: inc.Description(),
			Href: "/sites/" + inc.SiteID() + "/incidents/" + inc.Id}
		what := i18n.T(e.Request.Context(), "crew2.incident.kind."+inc.Kind())
		if s, ok := inc.ExpandedSite(); ok {
			what = onSite(e.Request.Context(), domain.SiteLabel(s.Record), what)
		}
		vm.Text = what
		if u, ok := inc.ExpandedAssignedTo(); ok {
			vm.Assignee = u.Name()
		}
		out = append(out, vm)
	}
	return out, nil
}
