package handlers

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/sites"
)

// siteCosts is GET /sites/{id}/costs: the site's budget versus actual
// curve, progress S-curve versus plan, figures per phase and late tasks,
// from the KPI engine, for who may see its costs (domain.CanSeeSiteKPIs):
// 404 for a site the viewer cannot see (another tenant's included), 403
// for the other roles.
func (h *Handlers) siteCosts(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !domain.CanSeeSiteKPIs(e.Auth, s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	vm, err := h.newSitePageVM(e, s, "costs", nil)
	if err != nil {
		return h.fail(e, err)
	}
	if vm.Costs, err = loadSiteCosts(e, s); err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	render(e.Response, e.Request, http.StatusOK, sites.Page(vm))
	return nil
}

// siteCostsData is what one render of a site's costs tab reads: the
// engine's figures to date, the daily rollup and the tasks.
type siteCostsData struct {
	site  domain.Site
	today time.Time
	k     *domain.SiteKPIs
	days  []domain.KPIDay
	tasks []domain.Task
}

// loadSiteCostsData reads the site's figures to date (ComputeSiteKPIs),
// its rollup (DailyRollup) and tasks, today being the tenant's today.
func loadSiteCostsData(app core.App, s domain.Site, today time.Time) (*siteCostsData, error) {
	k, err := domain.ComputeSiteKPIs(app, s.Id, time.Time{}, today.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	days, err := domain.DailyRollup(app, time.Time{}, today.AddDate(0, 0, 1), s.Id)
	if err != nil {
		return nil, err
	}
	recs, err := domain.FindSiteTasks(app, s.Id)
	if err != nil {
		return nil, err
	}
	return &siteCostsData{site: s, today: today, k: k, days: days, tasks: domain.AsTasks(recs)}, nil
}

// loadSiteCosts reads and formats the costs tab of the request's site,
// with its live stream.
func loadSiteCosts(e *core.RequestEvent, s domain.Site) (sites.CostsVM, error) {
	d, err := loadSiteCostsData(e.App, s, tenantCtx(e).Today())
	if err != nil {
		return sites.CostsVM{}, err
	}
	vm := siteCostsVM(e.Request.Context(), d)
	vm.Stream = "/sites/" + s.Id + "/costs/stream"
	return vm, nil
}

// siteCostsVM formats the costs tab.
func siteCostsVM(ctx context.Context, d *siteCostsData) sites.CostsVM {
	s, today, k, tasks := d.site, d.today, d.k, d.tasks
	from, to := curveRange(s, tasks, d.days, today)
	points := domain.SiteCurves(d.days, tasks, k.Budget, from, to, today)
	vm := sites.CostsVM{GanttHref: "/sites/" + s.Id + "/gantt", ReportsHref: "/reports?site=" + url.QueryEscape(s.Id),
		AsOf: i18n.T(ctx, "costs.as_of", i18n.FormatDate(ctx, today))}
	planNow := 0.0
	for _, p := range points {
		if !p.Day.After(today) {
			planNow = p.PlanProgress
		}
	}
	vm.Figures = []sites.Fact{
		{Label: i18n.T(ctx, "sites.contract"), Value: i18n.FormatEUR(ctx, k.ContractAmount)},
		{Label: i18n.T(ctx, "sites.budget"), Value: i18n.FormatEUR(ctx, k.Budget)},
		{Label: i18n.T(ctx, "costs.actual"), Value: i18n.FormatEUR(ctx, k.Costs.Total)},
		{Label: i18n.T(ctx, "costs.forecast"), Value: i18n.FormatEUR(ctx, k.Forecast)},
		{Label: i18n.T(ctx, "costs.margin"), Value: i18n.FormatEUR(ctx, k.Margin)},
		{Label: i18n.T(ctx, "costs.progress"), Value: i18n.T(ctx, "costs.progress_vs_plan",
			i18n.FormatNumber(ctx, k.Progress, 0), i18n.FormatNumber(ctx, planNow, 0))},
	}
	vm.Cost, vm.Progress, vm.Points = costCharts(ctx, points, k, today)
	for _, p := range k.Phases {
		name := p.Name
		if p.PhaseID == "" {
			name = i18n.T(ctx, "costs.no_phase")
		}
		m := p.Budget - p.Forecast
		vm.Phases = append(vm.Phases, sites.PhaseCostVM{Name: name, Budget: i18n.FormatEUR(ctx, p.Budget),
			Actual: i18n.FormatEUR(ctx, p.Costs.Total), Forecast: i18n.FormatEUR(ctx, p.Forecast),
			Margin: i18n.FormatEUR(ctx, m), Alert: m < 0})
	}
	asof := today.Format(time.DateOnly)
	for _, t := range tasks {
		end := t.PlannedEnd()
		if t.Status() == "done" || t.Status() == "validated" || end.IsZero() || end.Format(time.DateOnly) >= asof {
			continue
		}
		vm.Late = append(vm.Late, sites.LateTaskVM{ID: t.Id, Title: t.Title(), End: i18n.FormatDate(ctx, end),
			Progress: i18n.FormatNumber(ctx, t.Progress(), 0), Href: "/sites/" + s.Id + "/gantt#task-" + t.Id})
	}
	return vm
}

// curveRange is the span of the curves: from the earliest of the site's
// start, its tasks' starts and its first cost to the latest of its
// contract end, its tasks' ends and today.
func curveRange(s domain.Site, tasks []domain.Task, days []domain.KPIDay, today time.Time) (time.Time, time.Time) {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	from, to := day(today), day(today)
	widen := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if t = day(t); t.Before(from) {
			from = t
		} else if t.After(to) {
			to = t
		}
	}
	widen(s.Start())
	widen(s.End())
	for _, t := range tasks {
		widen(t.PlannedStart())
		widen(t.PlannedEnd())
	}
	if len(days) > 0 {
		if d, err := time.Parse(time.DateOnly, days[0].Day); err == nil {
			widen(d)
		}
	}
	return from, to
}
