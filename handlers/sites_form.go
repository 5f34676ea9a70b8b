package handlers

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

// formDate parses an <input type=date> value ("" → zero); bad is set
// when the value is not a date.
func formDate(v string) (t time.Time, bad bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	t, err := time.Parse("2006-01-02", v)
	return t, err != nil
}

// formFloat parses a French or English decimal ("12 500,50" or
// "12500.5"); NaN, infinities and numbers beyond domain.MaxAmount are
// bad input, not numbers.
func formFloat(v string) (float64, bool) {
	v = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", ",", ".").Replace(strings.TrimSpace(v))
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	return f, err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > domain.MaxAmount
}

// dateValue is the value of a date input for a date field. Date fields
// are stored at midnight UTC (formDate), so their civil date does not
// depend on the tenant's zone.
func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return domain.CivilDate(t, time.UTC).Format(time.DateOnly)
}

// parseSiteForm reads the site form into the domain input and the view
// model (typed values kept); parse errors are returned per field.
func parseSiteForm(e *core.RequestEvent, vm *sites.FormVM) (domain.SiteInput, map[string]string) {
	ctx := e.Request.Context()
	v := e.Request.FormValue
	*vm = sites.FormVM{Shell: vm.Shell, ID: vm.ID, Code: v("code"), Name: v("name"), Sector: v("sector"), Status: v("status"),
		Client: v("client"), Address: v("address"), Lat: v("lat"), Lng: v("lng"), Geofence: v("geofence_m"),
		Start: v("start"), End: v("end"), Budget: v("budget"), ContractAmount: v("contract_amount"),
		PM: v("project_manager"), Lead: v("site_lead"), Notes: v("notes"), Template: v("template"),
		Voltage: v("voltage"), Networks: v("networks"), DICTRef: v("dict_ref")}
	errs := map[string]string{}
	in := domain.SiteInput{Code: vm.Code, Name: vm.Name, Sector: vm.Sector, Status: vm.Status, Client: vm.Client,
		Address: vm.Address, ProjectManager: vm.PM, SiteLead: vm.Lead, Notes: vm.Notes, Template: vm.Template,
		SectorFields: map[string]string{}}
	bad := i18n.T(ctx, "form.bad_number")
	var b bool
	if in.Start, b = formDate(vm.Start); b {
		errs["start"] = i18n.T(ctx, "form.bad_date")
	}
	if in.End, b = formDate(vm.End); b {
		errs["end"] = i18n.T(ctx, "form.bad_date")
	}
	if in.Budget, b = formFloat(vm.Budget); b {
		errs["budget"] = bad
	}
	if in.ContractAmount, b = formFloat(vm.ContractAmount); b {
		errs["contract_amount"] = bad
	}
	if vm.Lat != "" || vm.Lng != "" {
		lat, b1 := formFloat(vm.Lat)
		lng, b2 := formFloat(vm.Lng)
		if b1 {
			errs["lat"] = bad
		}
		if b2 {
			errs["lng"] = bad
		}
		if vm.Lat != "" {
			in.Lat = &lat
		}
		if vm.Lng != "" {
			in.Lng = &lng
		}
	}
	if vm.Geofence != "" {
		g, err := strconv.Atoi(strings.TrimSpace(vm.Geofence))
		if err != nil {
			errs["geofence_m"] = bad
		}
		in.GeofenceM = g
	}
	for k, val := range map[string]string{"voltage": vm.Voltage, "networks": vm.Networks, "dict_ref": vm.DICTRef} {
		if val = strings.TrimSpace(val); val != "" {
			in.SectorFields[k] = val
		}
	}
	return in, errs
}

// fillSiteFormOptions sets the select options of the site form.
func fillSiteFormOptions(e *core.RequestEvent, vm *sites.FormVM) error {
	ctx := e.Request.Context()
	vm.Sectors, vm.Statuses = sectorOptions(ctx), statusOptions(ctx)
	var err error
	if vm.PMs, err = peopleOptions(ctx, e.App, domain.RoleProjectManager, domain.RoleManager); err != nil {
		return err
	}
	if vm.Leads, err = peopleOptions(ctx, e.App, domain.RoleSiteLead, domain.RoleProjectManager); err != nil {
		return err
	}
	vm.Clients = []components.Option{{Value: "", Label: "—"}}
	clients, err := domain.FindClients(e.App)
	if err != nil {
		return err
	}
	for _, c := range clients {
		vm.Clients = append(vm.Clients, components.Option{Value: c.Id, Label: c.Name()})
	}
	vm.Templates = []components.Option{{Value: "", Label: i18n.T(ctx, "sites.no_template")}}
	tpls, err := domain.FindSiteTemplates(e.App)
	if err != nil {
		return err
	}
	for _, t := range tpls {
		vm.Templates = append(vm.Templates, components.Option{Value: t.Code(), Label: t.Name() + " (" + i18n.T(ctx, "sector."+t.Sector()) + ")"})
	}
	vm.Voltages = []components.Option{{Value: "", Label: "—"}, {Value: "TBT", Label: "TBT"}, {Value: "BT", Label: "BT"}, {Value: "HTA", Label: "HTA"}, {Value: "HTB", Label: "HTB"}}
	return nil
}

func (h *Handlers) siteFormShell(e *core.RequestEvent, title string) layouts.ShellVM {
	ctx := e.Request.Context()
	return h.shell(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"}, layouts.Crumb{Label: title})
}

// sitesNew renders an empty site form.
func (h *Handlers) sitesNew(e *core.RequestEvent) error {
	tc := tenantCtx(e)
	if !tc.CanCreateSite() {
		return h.errorPage(e, http.StatusForbidden)
	}
	vm := sites.FormVM{Shell: h.siteFormShell(e, i18n.T(e.Request.Context(), "sites.new")), Sector: tc.Company.Sector, Status: domain.SitePlanned, Geofence: "150"}
	if tc.Role == domain.RoleProjectManager {
		vm.PM = e.Auth.Id
	}
	if err := fillSiteFormOptions(e, &vm); err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, sites.FormPage(vm))
	return nil
}

// sitesCreate creates a site (from a template when chosen).
func (h *Handlers) sitesCreate(e *core.RequestEvent) error {
	if !tenantCtx(e).CanCreateSite() {
		return h.errorPage(e, http.StatusForbidden)
	}
	vm := sites.FormVM{Shell: h.siteFormShell(e, i18n.T(e.Request.Context(), "sites.new"))}
	in, errs := parseSiteForm(e, &vm)
	if len(errs) == 0 {
		site, err := domain.CreateSite(e.App, e.Auth, in)
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/sites/"+site.Id+"?toast=site_created")
		}
		if !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	if err := fillSiteFormOptions(e, &vm); err != nil {
		return h.fail(e, err)
	}
	vm.Errors = errs
	render(e.Response, e.Request, http.StatusBadRequest, sites.FormPage(vm))
	return nil
}

// fieldErr stores an invalid-input error in errs (keyed by field) and
// reports whether it was one: the forms that use it answer 400, so other
// errors go to fail.
func fieldErr(e *core.RequestEvent, err error, errs map[string]string) bool {
	a := answerOf(e.Request.Context(), err)
	if !a.OnForm || a.Status != http.StatusBadRequest {
		return false
	}
	errs[a.Field] = a.Message
	return true
}

// viewSite finds the site of the {id} path value the user may see.
func (h *Handlers) viewSite(e *core.RequestEvent) (domain.Site, error) {
	return domain.FindSiteFor(e.App, e.Auth, e.Request.PathValue("id"))
}

// loadSite is viewSite for the handlers that still hold plain records.
func (h *Handlers) loadSite(e *core.RequestEvent) (*core.Record, error) {
	s, err := h.viewSite(e)
	return s.Record, err
}

// sitesEdit renders the edit form of a site.
func (h *Handlers) sitesEdit(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !tenantCtx(e).CanEditSite(s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	sf := s.SectorFieldValues()
	vm := sites.FormVM{Shell: h.siteFormShell(e, s.Code()), ID: s.Id, Code: s.Code(), Name: s.Name(),
		Sector: s.Sector(), Status: s.Status(), Client: s.ClientID(), Address: s.Address(),
		Geofence: strconv.Itoa(s.GeofenceM()), Start: dateValue(s.Start()), End: dateValue(s.End()),
		Budget: strconv.FormatFloat(s.Budget(), 'f', -1, 64), ContractAmount: strconv.FormatFloat(s.ContractAmount(), 'f', -1, 64),
		PM: s.ProjectManagerID(), Lead: s.SiteLeadID(), Notes: s.Notes(),
		Voltage: sf["voltage"], Networks: sf["networks"], DICTRef: sf["dict_ref"]}
	if !(s.Lat() == 0 && s.Lng() == 0) {
		vm.Lat, vm.Lng = strconv.FormatFloat(s.Lat(), 'f', -1, 64), strconv.FormatFloat(s.Lng(), 'f', -1, 64)
	}
	if err := fillSiteFormOptions(e, &vm); err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, sites.FormPage(vm))
	return nil
}

// sitesUpdate saves the edit form.
func (h *Handlers) sitesUpdate(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !tenantCtx(e).CanEditSite(s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	vm := sites.FormVM{Shell: h.siteFormShell(e, s.Code()), ID: s.Id}
	in, errs := parseSiteForm(e, &vm)
	in.Team = s.TeamIDs()
	if len(errs) == 0 {
		if _, err := domain.UpdateSite(e.App, e.Auth, s.Id, in); err == nil {
			return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"?toast=site_saved")
		} else if !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	if err := fillSiteFormOptions(e, &vm); err != nil {
		return h.fail(e, err)
	}
	vm.Errors = errs
	render(e.Response, e.Request, http.StatusBadRequest, sites.FormPage(vm))
	return nil
}
