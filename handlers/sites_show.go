package handlers

import (
	"encoding/json"
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
	return []string{"overview", "phases", "gantt", "documents", "team", "resources", "incidents", "photos", "history"}
}

// siteShow renders one tab of a site page.
func (h *Handlers) siteShow(tab string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, err := h.loadSite(e)
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
func (h *Handlers) newSitePageVM(e *core.RequestEvent, s *core.Record, tab string, errs map[string]string) (sites.PageVM, error) {
	ctx := e.Request.Context()
	now := h.deps.Clock()
	_ = e.App.ExpandRecord(s, []string{"client", "project_manager", "site_lead", "team"}, nil)
	title := s.GetString("code") + " " + s.GetString("name")
	vm := sites.PageVM{
		Shell: h.shell(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"}, layouts.Crumb{Label: s.GetString("code")}),
		ID:    s.Id, Code: s.GetString("code"), Name: s.GetString("name"), Status: s.GetString("status"), Sector: s.GetString("sector"),
		Tab: tab, CanEdit: tenantCtx(e).CanEditSite(s), CanDay: tenantCtx(e).CanEditSiteDay(s), Errors: errs,
	}
	vm.Shell.Toasts = h.flashToasts(e)
	for _, t := range siteTabs() {
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
		err = h.fillPhasesTab(e, &vm, phases, now)
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
	default:
		vm.Overview = siteOverview(e, s, phases)
	}
	return vm, err
}

func siteOverview(e *core.RequestEvent, s *core.Record, phases []*core.Record) sites.OverviewVM {
	ctx := e.Request.Context()
	o := sites.OverviewVM{Client: expandedName(s, "client"), Address: s.GetString("address"), Period: period(ctx, s),
		Budget: i18n.FormatEUR(ctx, s.GetFloat("budget")), Contract: i18n.FormatEUR(ctx, s.GetFloat("contract_amount")),
		PM: expandedName(s, "project_manager"), Lead: expandedName(s, "site_lead"), Notes: s.GetString("notes"),
		Progress: i18n.FormatNumber(ctx, domain.SiteProgress(phases), 0) + " %", Coords: "—"}
	if s.GetFloat("lat") != 0 || s.GetFloat("lng") != 0 {
		o.Coords = fmt.Sprintf("%.5f, %.5f (%s %d m)", s.GetFloat("lat"), s.GetFloat("lng"), i18n.T(ctx, "sites.geofence"), s.GetInt("geofence_m"))
	}
	sf := map[string]string{}
	_ = s.UnmarshalJSONField("sector_fields", &sf)
	for _, k := range []string{"voltage", "networks", "dict_ref"} {
		if v := sf[k]; v != "" {
			o.SectorFields = append(o.SectorFields, sites.Fact{Label: i18n.T(ctx, "sites."+k), Value: v})
		}
	}
	return o
}

func (h *Handlers) fillPhasesTab(e *core.RequestEvent, vm *sites.PageVM, phases []*core.Record, now time.Time) error {
	for i, p := range phases {
		vm.Phases.Phases = append(vm.Phases.Phases, sites.PhaseVM{ID: p.Id, Name: p.GetString("name"),
			Start: dateValue(p.GetDateTime("start").Time()), End: dateValue(p.GetDateTime("end").Time()),
			Status: p.GetString("status"), Progress: strconv.Itoa(int(p.GetFloat("progress"))), First: i == 0, Last: i == len(phases)-1})
	}
	ms, err := domain.FindMilestones(e.App, vm.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		reached := m.GetDateTime("reached_at").Time()
		vm.Phases.Milestones = append(vm.Phases.Milestones, sites.MilestoneVM{ID: m.Id, Name: m.GetString("name"),
			Due: i18n.FormatDate(e.Request.Context(), m.GetDateTime("due").Time()), Reached: !reached.IsZero(),
			State: domain.MilestoneState(m.GetDateTime("due").Time(), reached, now, tenantCtx(e).Location())})
	}
	return nil
}

func fillTeamTab(e *core.RequestEvent, vm *sites.PageVM, s *core.Record) {
	ctx := e.Request.Context()
	seen := map[string]bool{}
	add := func(u *core.Record, why string) {
		if u == nil || seen[u.Id] {
			return
		}
		seen[u.Id] = true
		vm.Team = append(vm.Team, sites.PersonVM{Name: u.GetString("name"), Role: i18n.T(ctx, "role."+u.GetString("role")), Phone: u.GetString("phone"), Why: why})
	}
	add(s.ExpandedOne("project_manager"), i18n.T(ctx, "role.project_manager"))
	add(s.ExpandedOne("site_lead"), i18n.T(ctx, "role.site_lead"))
	for _, u := range s.ExpandedAll("team") {
		add(u, i18n.T(ctx, "sites.team_member"))
	}
}

// fillHistoryTab lists the audit events of the site and of its phases,
// milestones and documents, newest first.
func (h *Handlers) fillHistoryTab(e *core.RequestEvent, vm *sites.PageVM, s *core.Record) error {
	events, err := domain.FindSiteHistory(e.App, s.Id, 200)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, ev := range events {
		actor := ev.Actor
		if _, ok := names[actor]; !ok {
			names[actor] = actor
			if u, err := e.App.FindRecordById(domain.CollectionUsers, actor); err == nil {
				names[actor] = u.GetString("name")
			}
		}
		diff, _ := json.Marshal(ev.Diff)
		vm.History = append(vm.History, sites.EventVM{At: i18n.FormatDateTime(e.Request.Context(), ev.Time()), Actor: names[actor],
			Action: i18n.T(e.Request.Context(), "audit."+ev.Action), What: ev.Collection, Diff: string(diff)})
	}
	return nil
}

// fillResourcesTab lists the vehicles and tools booked for the site and
// the cost of the materials consumed on it.
func fillResourcesTab(e *core.RequestEvent, vm *sites.PageVM, s *core.Record) error {
	ctx := e.Request.Context()
	bookings, err := domain.FindSiteBookings(e.App, s.Id)
	if err != nil {
		return err
	}
	for _, b := range bookings {
		p := domain.ReservationPeriod(b)
		asset := "—"
		if v := b.ExpandedOne("vehicle"); v != nil {
			asset = v.GetString("label") + " (" + v.GetString("plate") + ")"
		} else if eq := b.ExpandedOne("equipment"); eq != nil {
			asset = eq.GetString("name")
		}
		vm.Res.Bookings = append(vm.Res.Bookings, sites.BookingVM{Asset: asset,
			Period: i18n.FormatDateTime(ctx, p.From) + " → " + i18n.FormatDateTime(ctx, p.To), Who: expandedName(b, "user")})
	}
	cons, err := domain.ConsumptionBySite(e.App)
	if err != nil {
		return err
	}
	vm.Res.ConsumptionCost = i18n.FormatEUR(ctx, 0)
	for _, c := range cons {
		if c.SiteID == s.Id {
			vm.Res.ConsumptionCost, vm.Res.ConsumptionMoves = i18n.FormatEUR(ctx, c.Cost), c.Moves
		}
	}
	return nil
}

// fillIncidentsTab lists the incidents reported on the site, newest first.
func fillIncidentsTab(e *core.RequestEvent, vm *sites.PageVM, s *core.Record) error {
	ctx := e.Request.Context()
	recs, err := domain.FindSiteIncidents(e.App, s.Id)
	if err != nil {
		return err
	}
	for _, r := range recs {
		impact := ""
		if d, eur := r.GetFloat("impact_days"), r.GetFloat("impact_eur"); d > 0 || eur > 0 {
			impact = "· " + i18n.T(ctx, "sites.incident_impact", i18n.FormatNumber(ctx, d, 1), i18n.FormatEUR(ctx, eur))
		}
		vm.Incidents = append(vm.Incidents, sites.IncidentVM{Kind: r.GetString("kind"), Severity: r.GetString("severity"),
			Status: r.GetString("status"), Description: r.GetString("description"),
			Reported: i18n.FormatDateTime(ctx, r.GetDateTime("created").Time()), By: expandedName(r, "reported_by"), Impact: impact})
	}
	return nil
}
