package handlers

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
)

// kpiBoardStream is the live stream of the KPI board (/kpis/stream).
const kpiBoardStream = "/kpis/stream"

// kpiBoardData is what one render pass of the KPI board reads: the
// engine's figures of the month to date, the sites (for who may see
// them) and the field capacity of the period.
type kpiBoardData struct {
	kpis          *domain.TenantKPIs
	sites         map[string]*core.Record
	from, today   time.Time
	capacityHours float64
}

// loadKPIBoard reads the figures of the month to date (from the 1st to
// today included, tenant's zone) with the KPI engine.
func loadKPIBoard(app core.App, now time.Time) (*kpiBoardData, error) {
	f := domain.TenantFactsOf(app)
	today := f.Today(now)
	from := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, today.Location())
	k, err := domain.ComputeTenantKPIs(app, from, today.AddDate(0, 0, 1))
	if err != nil {
		return nil, err
	}
	recs, err := domain.FindAllSites(app)
	if err != nil {
		return nil, err
	}
	d := &kpiBoardData{kpis: k, sites: map[string]*core.Record{}, from: from, today: today}
	for _, r := range recs {
		d.sites[r.Id] = r
	}
	users, err := domain.FindActiveUsers(app)
	if err != nil {
		return nil, err
	}
	field := 0
	for _, u := range users {
		if u.Role() == domain.RoleCrew || u.Role() == domain.RoleSiteLead {
			field++
		}
	}
	d.capacityHours = float64(field*f.Calendar().WorkingDaysBetween(from, today)) * f.Overtime().DailyHours()
	return d, nil
}

// kpiBoardAudience groups viewers who see the same sites' figures:
// managers and tenant admins every site, a project manager theirs.
func kpiBoardAudience(viewer *core.Record) string {
	u := domain.User{Record: viewer}
	if viewer == nil || !u.Active() {
		return "none"
	}
	if u.Role() == domain.RoleManager || u.TenantAdmin() {
		return "all"
	}
	if u.Role() == domain.RoleProjectManager {
		return "pm:" + viewer.Id
	}
	return "none"
}

// kpiBoardVM formats the board for viewer: only the sites whose costs
// they may see (domain.CanSeeSiteKPIs), each figure linking to the
// records behind it.
func kpiBoardVM(ctx context.Context, d *kpiBoardData, viewer *core.Record) home.KPIBoardVM {
	vm := home.KPIBoardVM{Stream: kpiBoardStream,
		Period: i18n.T(ctx, "kpi.period", i18n.FormatDate(ctx, d.from), i18n.FormatDate(ctx, d.today))}
	var margin, budget, actual, hours float64
	late, sev := 0, map[string]int{}
	week := d.today.Format(time.DateOnly)
	for _, s := range d.kpis.Sites {
		rec := d.sites[s.SiteID]
		if !domain.CanSeeSiteKPIs(viewer, rec) {
			continue
		}
		base := "/sites/" + s.SiteID
		costs := base + "/costs" // budget versus actual, per phase
		row := home.KPIRowVM{ID: s.SiteID, Label: s.Code + " " + s.Name, Href: base,
			Margin:    home.KPICellVM{Value: i18n.FormatEUR(ctx, s.Margin), Href: costs, Alert: s.Margin < 0},
			Burn:      home.KPICellVM{Value: "—", Href: costs},
			Progress:  i18n.FormatNumber(ctx, s.Progress, 0) + "\u00a0%",
			Delay:     home.KPICellVM{Value: i18n.T(ctx, "kpi.days", s.DelayDays), Href: base + "/gantt", Alert: s.DelayDays > 0},
			LateTasks: home.KPICellVM{Value: i18n.FormatNumber(ctx, float64(s.LateTasks), 0), Href: base + "/gantt", Alert: s.LateTasks > 0},
			Incidents: home.KPICellVM{Value: severities(s.Incidents), Href: base + "/incidents", Alert: s.Incidents["critical"]+s.Incidents["high"] > 0},
			Hours:     home.KPICellVM{Value: i18n.FormatHours(ctx, s.Period.Hours), Href: "/timesheets?week=" + week + "&site=" + url.QueryEscape(s.SiteID)},
		}
		if s.Budget > 0 {
			row.Burn.Value, row.Burn.Alert = i18n.FormatNumber(ctx, s.BudgetUsedPct, 0)+"\u00a0%", s.BudgetUsedPct > 100
		}
		vm.Rows = append(vm.Rows, row)
		margin, budget, actual, hours = margin+s.Margin, budget+s.Budget, actual+s.Costs.Total, hours+s.Period.Hours
		if s.DelayDays > 0 {
			late++
		}
		for k, n := range s.Incidents {
			sev[k] += n
		}
	}
	burn := "—"
	if budget > 0 {
		burn = i18n.FormatNumber(ctx, actual/budget*100, 0) + "\u00a0%"
	}
	util := "—"
	if d.capacityHours > 0 {
		util = i18n.FormatNumber(ctx, hours/d.capacityHours*100, 0) + "\u00a0%"
	}
	vm.Figures = []home.KPIFigureVM{
		{Key: "margin", Value: i18n.FormatEUR(ctx, margin), Href: "#kpi-board", Alert: margin < 0},
		{Key: "budget_burn", Value: burn, Href: "#kpi-board", Alert: budget > 0 && actual > budget},
		{Key: "late_sites", Value: i18n.FormatNumber(ctx, float64(late), 0), Href: "#kpi-board", Alert: late > 0},
		{Key: "incidents_severity", Value: severities(sev)},
		{Key: "utilisation", Value: util, Href: "/timesheets?week=" + week},
	}
	return vm
}

// severities writes incident counts as "critical / high / medium / low".
func severities(n map[string]int) string {
	out := ""
	for i, k := range []string{"critical", "high", "medium", "low"} {
		if i > 0 {
			out += " / "
		}
		out += strconv.Itoa(n[k])
	}
	return out
}
