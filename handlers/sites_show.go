package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

// siteTabs are the tabs of a site page, in order.
func siteTabs() []string {
	return []string{"overview", "phases", "gantt", "documents", "team", "resources", "costs", "incidents", "log", "photos", "acceptance", "history"}
}

// siteShow renders one tab of a site page.
func (h *Handlers) siteShow(tab string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, err := h.viewSite(e)
		if err != nil {
			return h.fail(e, err)
		}
		vm, err := h.newSitePageVM(e, s, tab, nil)
		if err != nil {
			return h.fail(e, err)
		}
		render(e.Response, e.Request, http.StatusOK, sites.Page(vm))
		return nil
	}
}

// newSitePageVM builds the site page model for a tab; errs are form
// errors to show (status 400 re-renders).
func (h *Handlers) newSitePageVM(e *core.RequestEvent, s domain.Site, tab string, errs map[string]string) (sites.PageVM, error) {
	ctx := e.Request.Context()
	now := h.deps.Clock()
	title := s.Code() + " " + s.Name()
	vm := sites.PageVM{
		Shell: h.shell(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"}, layouts.Crumb{Label: s.Code()}),
		ID:    s.Id, Code: s.Code(), Name: s.Name(), Status: s.Status(), Sector: s.Sector(),
		Tab: tab, CanEdit: tenantCtx(e).CanEditSite(s.Record), CanDay: tenantCtx(e).CanEditSiteDay(s.Record), Errors: errs,
	}
	if err := domain.ExpandSiteRelations(e.App, s); err != nil {
		return vm, err
	}
	vm.Shell.Toasts = h.flashToasts(e, s.Code()+" · "+s.Name())
	for _, t := range siteTabs() {
		if t == "costs" && !domain.CanSeeSiteKPIs(e.Auth, s.Record) {
			continue
		}
		href := "/sites/" + s.Id
		if t != "overview" {
			href += "/" + t
		}
		vm.Tabs = append(vm.Tabs, components.Tab{Key: t, Label: i18n.T(ctx, "sites.tab."+t), Href: href, Active: t == tab})
	}
	alerts, err := domain.FindAlerts(e.App, now, s.Id)
	if err != nil {
		return vm, err
	}
	for _, a := range alerts {
		vm.Alerts = append(vm.Alerts, sites.AlertVM{Level: a.Level, Text: i18n.T(ctx, "alert."+a.Kind+"."+a.Detail, a.Title, i18n.FormatDate(ctx, a.Due))})
	}
	phases, err := domain.FindPhases(e.App, s.Id)
	if err != nil {
		return vm, err
	}
	switch tab {
	case "phases":
		err = h.fillPhasesTab(e, &vm, domain.AsPhases(phases), now)
	case "documents":
		err = h.fillDocumentsTab(e, &vm, now)
	case "team":
		fillTeamTab(e, &vm, s)
	case "history":
		err = h.fillHistoryTab(e, &vm, s)
	case "resources":
		err = fillResourcesTab(e, &vm, s)
	case "incidents":
		err = fillIncidentsTab(e, &vm, s)
	case "log":
		err = h.fillDailyLogTab(e, &vm, s)
	default:
		vm.Overview = siteOverview(e, s, phases)
	}
	return vm, err
}

func siteOverview(e *core.RequestEvent, s domain.Site, phases []*core.Record) sites.OverviewVM {
	ctx := e.Request.Context()
	o := sites.OverviewVM{Client: nameOr(s.ExpandedClient()), Address: s.Address(), Period: period(ctx, s.Start(), s.End()),
		Budget: i18n.FormatEUR(ctx, s.Budget()), Contract: i18n.FormatEUR(ctx, s.ContractAmount()),
		PM: nameOr(s.ExpandedProjectManager()), Lead: nameOr(s.ExpandedSiteLead()), Notes: s.Notes(),
		Progress: i18n.FormatNumber(ctx, domain.SiteProgress(phases), 0) + " %", Coords: "—"}
	if s.Lat() != 0 || s.Lng() != 0 {
		o.Coords = fmt.Sprintf("%.5f, %.5f (%s %d m)", s.Lat(), s.Lng(), i18n.T(ctx, "sites.geofence"), s.GeofenceM())
	}
	sf := s.SectorFieldValues()
	for _, k := range []string{"voltage", "networks", "dict_ref"} {
		if v := sf[k]; v != "" {
			o.SectorFields = append(o.SectorFields, sites.Fact{Label: i18n.T(ctx, "sites."+k), Value: v})
		}
	}
	return o
}

func (h *Handlers) fillPhasesTab(e *core.RequestEvent, vm *sites.PageVM, phases []domain.Phase, now time.Time) error {
	for i, p := range phases {
		vm.Phases.Phases = append(vm.Phases.Phases, sites.PhaseVM{ID: p.Id, Name: p.Name(),
			Start: dateValue(p.Start()), End: dateValue(p.End()),
			Status: p.Status(), Progress: strconv.Itoa(int(p.Progress())), First: i == 0, Last: i == len(phases)-1,
			Budget: amountValue(e.Request.Context(), p.Budget())})
	}
	vm.Phases.CanRates = domain.CanEditRates(e.Auth)
	ms, err := domain.FindMilestones(e.App, vm.ID)
	if err != nil {
		return err
	}
	for _, m := range domain.AsMilestones(ms) {
		reached := m.ReachedAt()
		vm.Phases.Milestones = append(vm.Phases.Milestones, sites.MilestoneVM{ID: m.Id, Name: m.Name(),
			Due: i18n.FormatDate(e.Request.Context(), m.Due()), Reached: !reached.IsZero(),
			State: domain.MilestoneState(m.Due(), reached, now, tenantCtx(e).Location())})
	}
	return nil
}

func fillTeamTab(e *core.RequestEvent, vm *sites.PageVM, s domain.Site) {
	ctx := e.Request.Context()
	seen := map[string]bool{}
	add := func(u domain.User, ok bool, why string) {
		if !ok || seen[u.Id] {
			return
		}
		seen[u.Id] = true
		vm.Team = append(vm.Team, sites.PersonVM{Name: u.Name(), Role: i18n.T(ctx, "role."+u.Role()), Phone: u.Phone(), Why: why})
	}
	pm, ok := s.ExpandedProjectManager()
	add(pm, ok, i18n.T(ctx, "role.project_manager"))
	lead, ok := s.ExpandedSiteLead()
	add(lead, ok, i18n.T(ctx, "role.site_lead"))
	for _, u := range s.ExpandedTeam() {
		add(u, true, i18n.T(ctx, "sites.team_member"))
	}
}

// fillResourcesTab lists the vehicles and tools booked for the site and
// the cost of the materials consumed on it.
func fillResourcesTab(e *core.RequestEvent, vm *sites.PageVM, s domain.Site) error {
	ctx := e.Request.Context()
	bookings, err := domain.FindSiteBookings(e.App, s.Id)
	if err != nil {
		return err
	}
	for _, b := range domain.AsReservations(bookings) {
		p := domain.ReservationPeriod(b.Record)
		asset := "—"
		if v, ok := b.ExpandedVehicle(); ok {
			asset = v.Label() + " (" + v.Plate() + ")"
		} else if eq, ok := b.ExpandedEquipment(); ok {
			asset = eq.Name()
		}
		vm.Res.Bookings = append(vm.Res.Bookings, sites.BookingVM{Asset: asset,
			Period: i18n.FormatDateTime(ctx, p.From) + " → " + i18n.FormatDateTime(ctx, p.To), Who: nameOr(b.ExpandedUser())})
	}
	costs, err := domain.FindSiteCosts(e.App, s.Id)
	if err != nil {
		return err
	}
	vm.Res.ConsumptionCost, vm.Res.ConsumptionMoves = i18n.FormatEUR(ctx, costs.Consumption), costs.Moves
	if domain.CanSeeCosts(e.Auth) { // incident impacts in euros are confidential (#14)
		vm.Res.IncidentCost, vm.Res.TotalCost = i18n.FormatEUR(ctx, costs.Incidents), i18n.FormatEUR(ctx, costs.Total)
	}
	return nil
}

// fillIncidentsTab lists the incidents reported on the site, newest first.
func fillIncidentsTab(e *core.RequestEvent, vm *sites.PageVM, s domain.Site) error {
	ctx := e.Request.Context()
	recs, err := domain.FindSiteIncidents(e.App, s.Id)
	if err != nil {
		return err
	}
	for _, r := range domain.AsIncidents(recs) {
		impact := ""
		if d, eur := r.ImpactDays(), r.ImpactEUR(); d > 0 || eur > 0 {
			impact = "· " + i18n.T(ctx, "sites.incident_impact", i18n.FormatNumber(ctx, d, 1), i18n.FormatEUR(ctx, eur))
		}
		vm.Incidents = append(vm.Incidents, sites.IncidentVM{Kind: r.Kind(), Severity: r.Severity(),
			Status: orOpen(r.Status()), Description: r.Description(), Href: "/sites/" + s.Id + "/incidents/" + r.Id,
			Reported: i18n.FormatDateTime(ctx, r.Created()), By: nameOr(r.ExpandedReportedBy()), Impact: impact})
	}
	return nil
}
