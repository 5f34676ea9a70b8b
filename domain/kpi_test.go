package domain_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// kpiWorld is the small data set of the KPI tests, every figure computed
// by hand in the comments below (tenant zone Europe/Paris, French
// overtime rules).
type kpiWorld struct {
	tt                   *tenanttest.Tenant
	app                  core.App
	site, p1, p2, t1, t2 string
	w1, w2, mat, vehicle string
}

func paris(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// local parses a Paris wall time "2026-03-02 08:00".
func local(t testing.TB, s string) time.Time {
	v, err := time.ParseInLocation("2006-01-02 15:04", s, paris(t))
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func civil(s string) time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return d
}

// newKPIWorld builds site CH-KPI (budget 10,000 €, contract 12,000 €,
// contract end Friday 6 March 2026) with two phases and two tasks, and
// one week of costs:
//
//	labour (w1 30 €/h, w2 40 €/h; approved time only):
//	  w1 Mon 12 h T1, Tue 12 h T1, Wed 12 h T2 (35 → 36 h: 1 h at +25 %),
//	     Thu 4 h T2 (36 → 40 h: all at +25 %)
//	     = 360 + 360 + (11×30 + 1×37.5) + 4×37.5 = 1,237.50 €, 40 h, 5 h overtime
//	  w2 Mon 8 h T1 = 320 €; Tue 8 h submitted, not approved: not counted
//	  → 1,557.50 €, 48 h; phase 1: 720 + 320 = 1,040 €; phase 2: 517.50 €
//	materials: 8 × 12.50 on T1 (Tue), then the cost rises to 15: 2 × 15 on T2 (Thu) = 130 €
//	vehicle 90 €/day booked Mon 07:00 → Tue 18:00 for T1 = 2 days = 180 €
//	equipment 25 €/day Wed 08:00–17:00, no task = 25 € (no phase)
//	incidents: high, 400 € on T2 (Thu, open); low, 0 € (Wed, resolved)
func newKPIWorld(t *testing.T) *kpiWorld {
	t.Helper()
	tt := tenanttest.New(t)
	w := &kpiWorld{tt: tt, app: tt.App()}
	app := w.app
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	u1, u2 := tt.User(domain.RoleCrew, "w1@acme.test"), tt.User(domain.RoleCrew, "w2@acme.test")
	w.w1, w.w2 = u1.Id, u2.Id
	for id, cost := range map[string]float64{w.w1: 30, w.w2: 40} {
		u, _ := app.FindRecordById("users", id)
		u.Set("hourly_cost", cost)
		if err := app.Save(u); err != nil {
			t.Fatal(err)
		}
	}
	site, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "CH-KPI", Name: "Chantier KPI", Sector: domain.SectorBTP,
		Status: domain.SiteActive, Start: civil("2026-03-02"), End: civil("2026-03-06"), Budget: 10000, ContractAmount: 12000,
		ProjectManager: pm.Id})
	if err != nil {
		t.Fatal(err)
	}
	w.site = site.Id
	for i, ph := range []struct {
		name   string
		budget float64
	}{{"Gros œuvre", 6000}, {"Finitions", 4000}} {
		r, err := domain.AddPhase(app, nil, w.site, domain.PhaseInput{Name: ph.name, Start: civil("2026-03-02"), End: civil("2026-03-13")})
		if err != nil {
			t.Fatal(err)
		}
		r.Set("budget", ph.budget)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			w.p1 = r.Id
		} else {
			w.p2 = r.Id
		}
	}
	workType := tt.Record("work_types", map[string]any{"code": "fondations_kpi", "name": "Fondations", "sector": domain.SectorBTP, "default_days": 2}).Id
	// T1: 2 days × 2 people × 7 h = 28 planned hours, done;
	// T2: 4 days × 1 × 7 h = 28 planned hours, 25 % done, ends Monday 9.
	w.t1 = tt.Record("tasks", map[string]any{"site": w.site, "phase": w.p1, "title": "Fondations", "work_type": workType,
		"planned_start": "2026-03-02", "duration_days": 2, "assignees": []string{w.w1, w.w2}, "status": "done", "progress": 100}).Id
	w.t2 = tt.Record("tasks", map[string]any{"site": w.site, "phase": w.p2, "title": "Enduits",
		"planned_start": "2026-03-04", "duration_days": 4, "assignees": []string{w.w1}, "status": "in_progress", "progress": 25}).Id
	entry := func(user, task, in, out, status string) {
		tt.Record("time_entries", map[string]any{"user": user, "site": w.site, "task": task, "clock_in": local(t, in),
			"clock_out": local(t, out), "status": status, "source": "office"})
	}
	entry(w.w1, w.t1, "2026-03-02 07:00", "2026-03-02 19:00", domain.TimeApproved)
	entry(w.w1, w.t1, "2026-03-03 07:00", "2026-03-03 19:00", domain.TimeApproved)
	entry(w.w1, w.t2, "2026-03-04 07:00", "2026-03-04 19:00", domain.TimeApproved)
	entry(w.w1, w.t2, "2026-03-05 08:00", "2026-03-05 12:00", domain.TimeApproved)
	entry(w.w2, w.t1, "2026-03-02 08:00", "2026-03-02 16:00", domain.TimeApproved)
	entry(w.w2, w.t1, "2026-03-03 08:00", "2026-03-03 16:00", domain.TimeSubmitted)

	mat := tt.Record("materials", map[string]any{"sku": "BET-25", "name": "Béton C25", "unit": "m3", "unit_cost": 12.5})
	w.mat = mat.Id
	move := func(kind string, qty float64, task, when string) {
		in := domain.StockMoveInput{Material: w.mat, Kind: kind, Qty: qty, Site: w.site, Task: task, At: local(t, when)}
		if kind == domain.MoveReceipt {
			in.Location = domain.SiteLocation(w.site)
		}
		if _, err := domain.RecordStockMove(app, nil, in); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	move(domain.MoveReceipt, 20, "", "2026-03-02 07:30")
	move(domain.MoveConsumption, 8, w.t1, "2026-03-03 10:00")
	mat.Set("unit_cost", 15)
	if err := app.Save(mat); err != nil {
		t.Fatal(err)
	}
	move(domain.MoveConsumption, 2, w.t2, "2026-03-05 10:00")

	van := tt.Record("vehicles", map[string]any{"plate": "GH-123-KP", "label": "Fourgon", "kind": "van", "status": "available", "daily_rate": 90})
	w.vehicle = van.Id
	mixer := tt.Record("equipment", map[string]any{"name": "Bétonnière", "code": "EQ-KPI", "status": "available", "daily_rate": 25})
	for _, b := range []domain.ReservationInput{
		{AssetKind: domain.AssetVehicle, Asset: van.Id, Site: w.site, Task: w.t1, From: local(t, "2026-03-02 07:00"), To: local(t, "2026-03-03 18:00")},
		{AssetKind: domain.AssetEquipment, Asset: mixer.Id, Site: w.site, From: local(t, "2026-03-04 08:00"), To: local(t, "2026-03-04 17:00")},
	} {
		if _, err := domain.Reserve(app, nil, b); err != nil {
			t.Fatal(err)
		}
	}
	incident := func(sev, status, when string, impact float64, task string) {
		col, _ := app.FindCollectionByNameOrId("incidents")
		r := core.NewRecord(col)
		r.Load(map[string]any{"site": w.site, "task": task, "kind": "damage", "severity": sev, "status": status,
			"description": "Incident " + sev, "impact_eur": impact})
		dt, _ := types.ParseDateTime(local(t, when))
		r.SetRaw("created", dt)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	incident("high", "open", "2026-03-05 10:00", 400, w.t2)
	incident("low", "resolved", "2026-03-04 10:00", 0, "")
	// checklist of T1: 3 answers, the slump out of its bounds (1 of 3)
	tpl := tt.Record("checklist_templates", map[string]any{"code": "beton-kpi", "name": "Contrôle béton", "items": []map[string]any{
		{"id": "coffrage", "label": "Coffrage vérifié", "type": "check"},
		{"id": "slump", "label": "Affaissement", "type": "measure", "unit": "cm", "min": 5, "max": 10},
		{"id": "epaisseur", "label": "Épaisseur", "type": "measure", "unit": "cm", "min": 18, "max": 22},
	}})
	col, _ := app.FindCollectionByNameOrId("checklist_runs")
	run := core.NewRecord(col)
	run.Load(map[string]any{"task": w.t1, "template": tpl.Id, "answers": map[string]any{"coffrage": true, "slump": 12, "epaisseur": 20}})
	dt, _ := types.ParseDateTime(local(t, "2026-03-05 16:00"))
	run.SetRaw("created", dt)
	run.SetRaw("updated", dt)
	if err := app.Save(run); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestSiteKPIsHandComputed(t *testing.T) {
	t.Parallel()
	w := newKPIWorld(t)
	k, err := domain.ComputeSiteKPIs(w.app, w.site, civil("2026-03-04"), civil("2026-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	money := []struct {
		name      string
		got, want float64
	}{
		{"labour", k.Labour, 1557.5},
		{"material", k.Material, 130},
		{"vehicle", k.Vehicle, 180},
		{"equipment", k.Equipment, 25},
		{"incident", k.Incident, 400},
		// 1,557.50 + 130 + 180 + 25 + 400
		{"actual cost", k.Costs.Total, 2292.5},
		{"hours", k.Costs.Hours, 48},
		{"overtime hours", k.OvertimeHours, 5},
		// period from Wednesday 4: labour 367.50 + 150, material 30, equipment 25, incident 400
		{"period labour", k.Period.Labour, 517.5},
		{"period total", k.Period.Total, 972.5},
		{"period hours", k.Period.Hours, 16},
		{"budget", k.Budget, 10000},
		// progress weighted by duration: (2 × 100 + 4 × 25) / 6 = 50 %
		{"progress", k.Progress, 50},
		{"earned value", k.EarnedValue, 5000},
		{"cost variance", k.CostVariance, 5000 - 2292.5},
		{"budget used %", k.BudgetUsedPct, 22.9},
		// forecast = 2,292.50 + 10,000 × (1 − 50 %) = 7,292.50
		{"forecast", k.Forecast, 7292.5},
		{"margin", k.Margin, 12000 - 7292.5},
		{"margin %", k.MarginPct, 39.2},
		// 12,000 × 50 % − 2,292.50
		{"margin to date", k.MarginToDate, 3707.5},
		{"planned hours", k.Planned, 56},
		// 28 × 100 % + 28 × 25 %
		{"earned hours", k.Earned, 35},
		{"actual hours", k.Actual, 48},
		{"productivity", k.Productivity, 0.729},
	}
	for _, m := range money {
		if m.got != m.want {
			t.Errorf("%s = %v, want %v", m.name, m.got, m.want)
		}
	}
	// T2 ends Monday 9 (4 working days from Wednesday 4): 3 calendar days
	// after the contract end, Friday 6; as of Monday 9 it is not late.
	if k.Finish != "2026-03-09" || k.ContractEnd != "2026-03-06" || k.DelayDays != 3 || k.LateTasks != 0 {
		t.Errorf("schedule: finish %s, contract end %s, delay %d, late %d", k.Finish, k.ContractEnd, k.DelayDays, k.LateTasks)
	}
	if k.ChecklistAnswers != 3 || k.NonConformities != 1 || k.NonConformityRate != 33.3 {
		t.Errorf("checklists: %d answers, %d non-conformities, %v %%", k.ChecklistAnswers, k.NonConformities, k.NonConformityRate)
	}
	if k.Tasks != 2 || k.TasksDone != 1 {
		t.Errorf("tasks %d done %d", k.Tasks, k.TasksDone)
	}
	if k.Incidents["high"] != 1 || k.Incidents["low"] != 1 || k.IncidentsOpen != 1 {
		t.Errorf("incidents %v, open %d", k.Incidents, k.IncidentsOpen)
	}
	phases := map[string]domain.PhaseKPIs{}
	for _, p := range k.Phases {
		phases[p.PhaseID] = p
	}
	// phase 1: labour 1,040 + material 100 + vehicle 180 = 1,320; progress 100 %
	if p := phases[w.p1]; p.Costs.Total != 1320 || p.Budget != 6000 || p.Progress != 100 || p.Forecast != 1320 || p.Planned != 28 {
		t.Errorf("phase 1 = %+v", p)
	}
	// phase 2: 517.50 + 30 + 400 = 947.50; forecast 947.50 + 4,000 × 75 % = 3,947.50
	if p := phases[w.p2]; p.Costs.Total != 947.5 || p.Forecast != 3947.5 || p.OvertimeHours != 5 || p.Earned != 7 {
		t.Errorf("phase 2 = %+v", p)
	}
	if p, ok := phases[""]; !ok || p.Costs.Total != 25 || p.Equipment != 25 {
		t.Errorf("costs of no phase = %+v (%v)", p, ok)
	}
	hours := map[string]domain.TaskHours{}
	for _, th := range k.TaskHours {
		hours[th.TaskID] = th
	}
	// T1: 12 + 12 + 8 approved hours for 28 planned; T2: 16 for 7 earned
	if h := hours[w.t1]; h.Actual != 32 || h.Planned != 28 || h.Productivity != 0.875 {
		t.Errorf("T1 hours = %+v", h)
	}
	if h := hours[w.t2]; h.Actual != 16 || h.Earned != 7 || h.Productivity != 0.438 {
		t.Errorf("T2 hours = %+v", h)
	}
	if len(k.WorkTypes) != 2 {
		t.Errorf("work types = %+v", k.WorkTypes)
	}
}

// TestKPIRollupFollowsWrites: the rollup follows approvals, rate and
// rule changes and deletions, and equals a rebuild from scratch.
func TestKPIRollupFollowsWrites(t *testing.T) {
	t.Parallel()
	w := newKPIWorld(t)
	app := w.app
	labour := func(want float64, step string) {
		t.Helper()
		k, err := domain.ComputeSiteKPIs(app, w.site, time.Time{}, civil("2026-03-10"))
		if err != nil {
			t.Fatal(err)
		}
		if k.Labour != want {
			t.Errorf("%s: labour = %v, want %v", step, k.Labour, want)
		}
	}
	labour(1557.5, "seeded")
	// w2's Tuesday approved: + 8 h × 40
	e, err := app.FindFirstRecordByFilter("time_entries", "status = 'submitted'")
	if err != nil {
		t.Fatal(err)
	}
	e.Set("status", domain.TimeApproved)
	if err := app.Save(e); err != nil {
		t.Fatal(err)
	}
	labour(1877.5, "approved")
	// w1 costs 33 €/h: 1,237.50 × 1.1 + 640
	u, _ := app.FindRecordById("users", w.w1)
	u.Set("hourly_cost", 33)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	labour(2001.25, "hourly cost")
	// a 39 h week: w1's 40 h are 39 normal + 1 at +25 % = 39 × 33 + 41.25
	c, err := domain.FindCompany(app)
	if err != nil {
		t.Fatal(err)
	}
	c.SetOvertimeWeeklyHours(39)
	if err := app.Save(c.Record); err != nil {
		t.Fatal(err)
	}
	labour(1968.25, "overtime rules")
	inc, _ := app.FindFirstRecordByFilter("incidents", "severity = 'high'")
	if err := app.Delete(inc); err != nil {
		t.Fatal(err)
	}
	k, _ := domain.ComputeSiteKPIs(app, w.site, time.Time{}, civil("2026-03-10"))
	if k.Incident != 0 || k.Incidents["high"] != 0 {
		t.Errorf("deleted incident still counted: %v %v", k.Incident, k.Incidents)
	}
	before, err := domain.DailyRollup(app, civil("2026-01-01"), civil("2027-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("DELETE FROM kpi_daily").Execute(); err != nil {
		t.Fatal(err)
	}
	if err := domain.RebuildKPIDaily(app, civil("2026-01-01"), civil("2027-01-01")); err != nil {
		t.Fatal(err)
	}
	after, err := domain.DailyRollup(app, civil("2026-01-01"), civil("2027-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("rollup rows: %d incremental, %d rebuilt", len(before), len(after))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("row %d: incremental %+v, rebuilt %+v", i, before[i], after[i])
		}
	}
}

func TestTenantKPIs(t *testing.T) {
	t.Parallel()
	w := newKPIWorld(t)
	other, err := domain.CreateSite(w.app, nil, domain.SiteInput{Code: "CH-AAA", Name: "Autre chantier", Sector: domain.SectorBTP,
		Status: domain.SitePlanned, Budget: 5000, ContractAmount: 6000})
	if err != nil {
		t.Fatal(err)
	}
	all, err := domain.ComputeTenantKPIs(w.app, civil("2026-03-04"), civil("2026-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Sites) != 2 || all.Sites[0].SiteID != other.Id || all.Sites[1].SiteID != w.site {
		t.Fatalf("sites = %+v", all.Sites)
	}
	one, err := domain.ComputeSiteKPIs(w.app, w.site, civil("2026-03-04"), civil("2026-03-10"))
	if err != nil {
		t.Fatal(err)
	}
	s := all.Sites[1]
	if s.Costs != one.Costs || s.Period != one.Period || s.BudgetKPIs != one.BudgetKPIs || s.Margin != one.Margin || s.DelayDays != one.DelayDays {
		t.Errorf("tenant and site figures differ:\n%+v\n%+v", s, one)
	}
	if s.Phases != nil || s.TaskHours != nil {
		t.Error("tenant KPIs carry site details")
	}
	// the empty site: its budget is its forecast, its margin the contract's 1,000 €
	if all.Budget != 15000 || all.ContractAmount != 18000 || all.Costs.Total != 2292.5 || all.Forecast != 7292.5+5000 ||
		all.Margin != 4707.5+1000 || all.LateSites != 1 || all.Incidents["high"] != 1 || all.Planned != 56 {
		t.Errorf("totals = %+v", all)
	}
	// the tenant's task sums are cached until a task changes: T2 at 50 %
	// earns 28 + 14 hours
	t2, err := w.app.FindRecordById("tasks", w.t2)
	if err != nil {
		t.Fatal(err)
	}
	t2.Set("progress", 50)
	if err := w.app.Save(t2); err != nil {
		t.Fatal(err)
	}
	if again, err := domain.ComputeTenantKPIs(w.app, civil("2026-03-04"), civil("2026-03-10")); err != nil || again.Earned != 42 || again.Sites[1].Progress != 66.7 {
		t.Errorf("after a task change: earned %v, progress %v (%v)", again.Earned, again.Sites[1].Progress, err)
	}
	if _, err := domain.ComputeSiteKPIs(w.app, "nosuchsite00000", time.Time{}, civil("2026-03-10")); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("unknown site: %v", err)
	}
}

// TestKPIDailyHeal: a change no hook saw (a previous binary's write during
// a rollback, a row fixed by hand) is healed by the first read of the
// next day, which rebuilds the last weeks of every site.
func TestKPIDailyHeal(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	crew.Set("hourly_cost", 30)
	if err := app.Save(crew.Record); err != nil {
		t.Fatal(err)
	}
	site := tt.Record("sites", map[string]any{"code": "CH-H", "name": "Chantier", "sector": "btp", "status": "active"})
	in := time.Now().Add(-50 * time.Hour).Truncate(time.Hour)
	tt.Record("time_entries", map[string]any{"user": crew.Id, "site": site.Id, "clock_in": in, "clock_out": in.Add(4 * time.Hour),
		"status": "approved", "source": "office"})
	labour := func() float64 {
		k, err := domain.ComputeSiteKPIs(app, site.Id, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return k.Labour
	}
	if got := labour(); got != 120 {
		t.Fatalf("labour = %v, want 4 h × 30", got)
	}
	if _, err := app.DB().NewQuery(`UPDATE users SET hourly_cost = 40 WHERE id = {:id}`).Bind(map[string]any{"id": crew.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	if got := labour(); got != 120 {
		t.Errorf("an unseen change showed before the heal: %v", got)
	}
	if _, err := app.DB().NewQuery(`UPDATE kpi_meta SET value = '2000-01-01' WHERE key = 'healed'`).Execute(); err != nil {
		t.Fatal(err)
	}
	if got := labour(); got != 160 {
		t.Errorf("after the daily heal: labour = %v, want 4 h × 40", got)
	}
	// a deleted site takes its rollup rows with it
	if err := app.Delete(site); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := app.DB().NewQuery(`SELECT count(*) FROM kpi_daily`).Row(&rows); err != nil || rows != 0 {
		t.Errorf("%d rollup rows after the site's deletion (%v)", rows, err)
	}
}
