package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	planningvm "github.com/fieldops360/fieldops/views/planning"
)

// dashboard is the manager's home: headline figures across all sites.
func (h *Handlers) dashboard(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	c, err := domain.DashboardCounts(e.App, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	num := func(n int) string { return i18n.FormatNumber(ctx, float64(n), 0) }
	vm := home.DashboardVM{
		Shell: h.shell(e, "dashboard", i18n.T(ctx, "nav.dashboard"), layouts.Crumb{Label: i18n.T(ctx, "nav.dashboard")}),
		KPIs: []home.KPIVM{
			{Key: "active_sites", Value: num(c.ActiveSites)}, {Key: "people", Value: num(c.People)},
			{Key: "open_incidents", Value: num(c.OpenIncidents)}, {Key: "tasks_week", Value: num(c.TasksThisWeek)},
		},
	}
	if vm.Onboarding, err = h.onboardingVM(e); err != nil {
		return h.fail(e, err)
	}
	vm.Shell.Toasts = onboardingToasts(e)
	alerts, err := domain.FindAlerts(e.App, h.deps.Clock(), "")
	if err != nil {
		return h.fail(e, err)
	}
	for _, a := range alerts {
		href := ""
		switch {
		case a.SiteID != "" && a.Kind == "document":
			href = "/sites/" + a.SiteID + "/documents"
		case a.SiteID != "":
			href = "/sites/" + a.SiteID + "/phases"
		case a.UserID != "":
			href = "/people/" + a.UserID
		}
		text := i18n.T(ctx, "alert."+a.Kind+"."+a.Detail, a.Title, i18n.FormatDate(ctx, a.Due))
		vm.Alerts = append(vm.Alerts, home.AlertVM{Level: a.Level, Href: href, Text: onSite(ctx, a.Site, text)})
	}
	if vm.Incidents, err = dashboardIncidents(e); err != nil {
		return h.fail(e, err)
	}
	board, err := loadKPIBoard(e.App, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	vm.Board = kpiBoardVM(ctx, board, e.Auth)
	render(e.Response, e.Request, http.StatusOK, home.DashboardPage(vm))
	return nil
}

// onSite prefixes an alert with the site it concerns ("Chantier CH-7 ·
// Gymnase : …"); an alert about no site is left as is.
func onSite(ctx context.Context, site, text string) string {
	if site == "" {
		return text
	}
	return i18n.T(ctx, "alert.on_site", site, text)
}

// taskVMs formats tasks for the role home pages.
func taskVMs(e *core.RequestEvent, recs []domain.Task) []home.TaskVM {
	ctx := e.Request.Context()
	out := make([]home.TaskVM, 0, len(recs))
	for _, t := range recs {
		vm := home.TaskVM{Title: t.Title(), Status: t.Status(),
			Period: i18n.FormatDate(ctx, t.PlannedStart()) + " → " + i18n.FormatDate(ctx, t.PlannedEnd())}
		if s, ok := t.ExpandedSite(); ok {
			vm.Site = s.Code() + " " + s.Name()
		}
		var names []string
		for _, u := range t.ExpandedAssignees() {
			names = append(names, u.Name())
		}
		vm.Assigned = strings.Join(names, ", ")
		if vm.Status == "" {
			vm.Status = "todo"
		}
		out = append(out, vm)
	}
	return out
}

// planning is the project manager's home: every open site's tasks with
// their early dates, float and critical flag, each linking to its Gantt.
// It stays live (planningStream).
func (h *Handlers) planning(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	sites, err := loadPlannedSites(e.App, h.deps.Clock(), func(s *core.Record) bool { return domain.CanSeeSite(e.Auth, s) })
	if err != nil {
		return h.fail(e, err)
	}
	vm := planningBody(ctx, sites, e.Auth, tenantCtx(e).Today())
	vm.Page = h.planningPage(e, "planning", i18n.T(ctx, "nav.planning"), layouts.Crumb{Label: i18n.T(ctx, "nav.planning")})
	render(e.Response, e.Request, http.StatusOK, planningvm.PlanningPage(vm))
	return nil
}

// today is the site lead's daily plan: today's jobs grouped per person
// and per vehicle, with the unassigned ones, printable.
func (h *Handlers) today(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	today := tenantCtx(e).DayStart()
	from := today
	// ?date=YYYY-MM-DD shows another day (an invalid date shows today)
	if d, err := time.ParseInLocation(time.DateOnly, e.Request.URL.Query().Get("date"), today.Location()); err == nil {
		from = d
	}
	found, err := domain.FindTasksBetween(e.App, from, from.AddDate(0, 0, 1), "")
	if err != nil {
		return h.fail(e, err)
	}
	recs := domain.AsTasks(found)
	vm := home.TodayVM{Shell: h.shell(e, "today", i18n.T(ctx, "nav.today"), layouts.Crumb{Label: i18n.T(ctx, "nav.today")}), Date: i18n.FormatDate(ctx, from)}
	cal := tenantCtx(e).Calendar()
	prev, next := cal.AddWorkingDays(from, -1), cal.AddWorkingDays(from, 1)
	vm.PrevHref, vm.NextHref = "/today?date="+prev.Format(time.DateOnly), "/today?date="+next.Format(time.DateOnly)
	if !from.Equal(today) {
		vm.TodayHref = "/today"
	}
	people, vehicles := map[string]int{}, map[string]int{}
	for i, t := range recs {
		tv := taskVMs(e, recs[i:i+1])[0]
		if site := t.SiteID(); site != "" { // every figure leads to its record
			tv.RecordHref, tv.SiteHref = "/sites/"+site+"/gantt#task-"+t.Id, "/sites/"+site
		}
		assignees := t.ExpandedAssignees()
		if len(assignees) == 0 {
			vm.Unassigned = append(vm.Unassigned, tv)
		}
		for _, u := range assignees {
			k, ok := people[u.Id]
			if !ok {
				k = len(vm.People)
				people[u.Id] = k
				vm.People = append(vm.People, home.GroupVM{Title: u.Name(), Subtitle: i18n.T(ctx, "role."+u.Role()) + " · " + u.Phone(), Href: "/people/" + u.Id})
			}
			vm.People[k].Tasks = append(vm.People[k].Tasks, tv)
		}
		if v, ok := t.ExpandedVehicle(); ok {
			k, ok := vehicles[v.Id]
			if !ok {
				k = len(vm.Vehicles)
				vehicles[v.Id] = k
				vm.Vehicles = append(vm.Vehicles, home.GroupVM{Title: v.Label(), Subtitle: v.Plate(), Href: "/vehicles/" + v.Id})
			}
			vm.Vehicles[k].Tasks = append(vm.Vehicles[k].Tasks, tv)
		}
	}
	vm.ISODate, vm.Validate = from.Format(time.DateOnly), todayToValidate(e, recs)
	if vm.Logs, err = todayDailyLogs(e, from); err != nil {
		return h.fail(e, err)
	}
	if n := e.Request.URL.Query().Get("validated"); n != "" {
		if k, err := strconv.Atoi(n); err == nil {
			vm.Shell.Toasts = append(vm.Shell.Toasts, components.ToastVM{ID: "toast-validated", Kind: "success", Text: i18n.T(ctx, "task.validate.done", k)})
		}
	}
	render(e.Response, e.Request, http.StatusOK, home.TodayPage(vm))
	return nil
}

// crewHome is the crew app's home: my tasks today and the next days.
func (h *Handlers) crewHome(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	from := tenantCtx(e).DayStart()
	found, err := domain.FindTasksBetween(e.App, from, from.AddDate(0, 0, 3), e.Auth.Id)
	if err != nil {
		return h.fail(e, err)
	}
	recs := domain.AsTasks(found)
	tasks := taskVMs(e, recs)
	for i := range tasks {
		tasks[i].Href = "/m/tasks/" + recs[i].Id
		if domain.SignatureOffer(recs[i].Status(), nil, false) == domain.SignEnd {
			tasks[i].SignHref = "/m/tasks/" + recs[i].Id + "/sign" // once the work is done
		}
		tasks[i].ProofHref = "/tasks/" + recs[i].Id + "/proof.pdf"
	}
	render(e.Response, e.Request, http.StatusOK, home.CrewHomePage(home.TaskListVM{
		Shell:  h.crewShell(e, "today", i18n.T(ctx, "crew.today")),
		TestID: "crew-home", TitleKey: "crew.my_tasks", Intro: i18n.T(ctx, "crew.hello", authUser(e).Name()), Tasks: tasks,
	}))
	return nil
}
