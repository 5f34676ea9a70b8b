package domain

import (
	"math"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ComputeSiteKPIs returns a site's KPIs for the period [from, to) (civil
// dates of the tenant's zone, to exclusive; a zero from is the site's
// start, a zero to tomorrow: today included) with their details per phase, task and work type. ENotFound for
// an unknown site. Costs come from the daily rollup (flushed first), so
// they agree with ComputeTenantKPIs and DailyRollup to the cent.
func ComputeSiteKPIs(app core.App, siteID string, from, to time.Time) (*SiteKPIs, error) {
	if _, err := FindSite(app, siteID); err != nil {
		return nil, err
	}
	sites, err := computeKPIs(app, []string{siteID}, from, to, true)
	if err != nil {
		return nil, err
	}
	return &sites[0], nil
}

// ComputeTenantKPIs returns every site's KPIs for the period [from, to)
// (without the details of ComputeSiteKPIs), sorted by site code, and
// their totals: the manager dashboard's figures. A handful of aggregate
// queries whatever the history (see docs/performance.md for the
// benchmark at 50 sites and a year).
func ComputeTenantKPIs(app core.App, from, to time.Time) (*TenantKPIs, error) {
	sites, err := computeKPIs(app, nil, from, to, false)
	if err != nil {
		return nil, err
	}
	return sumTenantKPIs(from, to, sites), nil
}

// sumTenantKPIs adds sites' figures up into tenant figures.
func sumTenantKPIs(from, to time.Time, sites []SiteKPIs) *TenantKPIs {
	t := &TenantKPIs{From: civilString(from), To: civilString(to), Sites: sites, Incidents: map[string]int{}}
	var planned, earned, actual float64
	for _, s := range sites {
		for _, c := range []struct{ to, from *Costs }{{&t.Costs, &s.Costs}, {&t.Period, &s.Period}} {
			c.to.Labour += c.from.Labour
			c.to.Material += c.from.Material
			c.to.Vehicle += c.from.Vehicle
			c.to.Equipment += c.from.Equipment
			c.to.Incident += c.from.Incident
			c.to.Hours += c.from.Hours
			c.to.OvertimeHours += c.from.OvertimeHours
		}
		t.Budget += s.Budget
		t.ContractAmount += s.ContractAmount
		t.Forecast += s.Forecast
		t.Margin += s.Margin
		planned, earned, actual = planned+s.Planned, earned+s.Earned, actual+s.Actual
		if s.DelayDays > 0 {
			t.LateSites++
		}
		for k, n := range s.Incidents {
			t.Incidents[k] += n
		}
		t.IncidentsOpen += s.IncidentsOpen
	}
	t.Costs.round()
	t.Period.round()
	t.Budget, t.ContractAmount, t.Forecast, t.Margin = roundCents(t.Budget), roundCents(t.ContractAmount), roundCents(t.Forecast), roundCents(t.Margin)
	t.HoursKPIs = hoursOf(planned, earned, actual)
	return t
}

// kpiSite is a site row of the computation.
type kpiSite struct {
	ID, Code, Name, Status string
	Budget                 float64 `db:"budget"`
	Contract               float64 `db:"contract_amount"`
	Start, End             string
}

// taskAgg is tasks added up per site, phase and work type.
type taskAgg struct {
	Site, Phase      string
	WorkType         string  `db:"work_type"`
	N                int     `db:"n"`
	Done             int     `db:"done"`
	Late             int     `db:"late"`
	Planned          float64 `db:"planned"`
	Earned           float64 `db:"earned"`
	Weight           float64 `db:"weight"`
	WeightedProgress float64 `db:"wprog"`
	Finish           string  `db:"finish"`
}

// taskProgress is a task's progress in SQL: 100 once done or validated.
const taskProgress = `(CASE WHEN t.status IN ('done', 'validated') THEN 100.0 ELSE MIN(MAX(t.progress, 0), 100) END)`

// taskPlanned is a task's planned hours in SQL ({:dh}: daily hours). The
// assignees are counted by their commas (ids have none): parsing the JSON
// of 10,000 tasks cost more than the rest of the tenant's figures.
const taskPlanned = `(MAX(t.duration_days, 0) * MAX(1, CASE WHEN t.assignees IN ('', '[]', 'null') THEN 0
	ELSE length(t.assignees) - length(replace(t.assignees, ',', '')) + 1 END) * {:dh})`

func computeKPIs(app core.App, siteIDs []string, from, to time.Time, detail bool) ([]SiteKPIs, error) {
	if err := FlushKPIDaily(app); err != nil {
		return nil, err
	}
	f := TenantFactsOf(app)
	loc, cal := f.Location(), f.Calendar()
	if to.IsZero() {
		to = f.Today(time.Now()).AddDate(0, 0, 1)
	}
	asof := to.AddDate(0, 0, -1)
	p := dbx.Params{"lo": civilString(from), "hi": civilString(to), "asof": DBTime(asof), "dh": f.Overtime().DailyHours()}
	if from.IsZero() {
		p["lo"] = ""
	}
	fromI := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	toI := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	p["fromI"], p["toI"] = DBTime(fromI), DBTime(toI)
	if from.IsZero() {
		p["fromI"] = ""
	}

	var sites []kpiSite
	if err := app.DB().NewQuery(siteFilter(`SELECT id, code, name, status, budget, contract_amount, start, "end" FROM sites WHERE 1=1`, "id", siteIDs, p) +
		` ORDER BY code, id`).Bind(p).All(&sites); err != nil {
		return nil, err
	}
	var sums []struct {
		Site, Phase string
		H           float64 `db:"hours"`
		O           float64 `db:"overtime_hours"`
		L           float64 `db:"labour_cost"`
		M           float64 `db:"material_cost"`
		V           float64 `db:"vehicle_cost"`
		E           float64 `db:"equipment_cost"`
		I           float64 `db:"incident_cost"`
		PL          float64 `db:"pl"`
		PM          float64 `db:"pm"`
		PV          float64 `db:"pv"`
		PE          float64 `db:"pe"`
		PI          float64 `db:"pi"`
		PH          float64 `db:"ph"`
		PO          float64 `db:"po"`
	}
	if err := app.DB().NewQuery(siteFilter(`SELECT site, phase,
		SUM(hours) AS hours, SUM(overtime_hours) AS overtime_hours, SUM(labour_cost) AS labour_cost,
		SUM(material_cost) AS material_cost, SUM(vehicle_cost) AS vehicle_cost, SUM(equipment_cost) AS equipment_cost,
		SUM(incident_cost) AS incident_cost,
		SUM(CASE WHEN day >= {:lo} THEN labour_cost ELSE 0 END) AS pl, SUM(CASE WHEN day >= {:lo} THEN material_cost ELSE 0 END) AS pm,
		SUM(CASE WHEN day >= {:lo} THEN vehicle_cost ELSE 0 END) AS pv, SUM(CASE WHEN day >= {:lo} THEN equipment_cost ELSE 0 END) AS pe,
		SUM(CASE WHEN day >= {:lo} THEN incident_cost ELSE 0 END) AS pi, SUM(CASE WHEN day >= {:lo} THEN hours ELSE 0 END) AS ph,
		SUM(CASE WHEN day >= {:lo} THEN overtime_hours ELSE 0 END) AS po
		FROM kpi_daily WHERE day < {:hi}`, "site", siteIDs, p) + ` GROUP BY site, phase`).Bind(p).All(&sums); err != nil {
		return nil, err
	}
	tasks, err := loadTaskAggs(app, siteIDs, p)
	if err != nil {
		return nil, err
	}
	var baselines []struct{ Site, Finish string }
	if err := app.DB().NewQuery(siteFilter(`SELECT site, finish FROM plan_baselines WHERE finish != ''`, "site", siteIDs, p) +
		` ORDER BY taken_at, created`).Bind(p).All(&baselines); err != nil {
		return nil, err
	}
	var incidents []struct {
		Site, Severity string
		N              int `db:"n"`
		Open           int `db:"open"`
	}
	if err := app.DB().NewQuery(siteFilter(`SELECT site, severity, SUM(created >= {:fromI} AND created < {:toI}) AS n,
		SUM(status IN ('open', 'in_progress')) AS open FROM incidents WHERE site != ''`, "site", siteIDs, p) +
		` GROUP BY site, severity`).Bind(p).All(&incidents); err != nil {
		return nil, err
	}
	var checks []struct {
		Site string
		N    int `db:"n"`
		NC   int `db:"nc"`
	}
	if err := app.DB().NewQuery(siteFilter(`SELECT t.site, count(*) AS n,
		SUM(COALESCE(json_extract(j.value, '$.out_of_bounds'), 0) = 1) AS nc
		FROM checklist_runs cr JOIN tasks t ON t.id = cr.task, json_each(cr.answers) j
		WHERE json_valid(cr.answers) AND json_type(cr.answers) = 'object' AND cr.updated >= {:fromI} AND cr.updated < {:toI}`,
		"t.site", siteIDs, p) + ` GROUP BY t.site`).Bind(p).All(&checks); err != nil {
		return nil, err
	}

	out := make([]SiteKPIs, 0, len(sites))
	index := map[string]int{}
	for i, s := range sites {
		index[s.ID] = i
		out = append(out, SiteKPIs{SiteID: s.ID, Code: s.Code, Name: s.Name, Status: s.Status, From: p["lo"].(string),
			To: civilString(to), ContractAmount: roundCents(s.Contract), Incidents: map[string]int{},
			ContractEnd: civilString(CivilDate(ParseDBTime(s.End), loc))})
		if out[i].From == "" {
			out[i].From = civilString(CivilDate(ParseDBTime(s.Start), loc))
		}
	}
	phaseCosts := map[string]map[string]*Costs{}
	for _, r := range sums {
		i, ok := index[r.Site]
		if !ok {
			continue
		}
		day := KPIDay{LabourCost: r.L, MaterialCost: r.M, VehicleCost: r.V, EquipmentCost: r.E, IncidentCost: r.I, Hours: r.H, OvertimeHours: r.O}
		out[i].Costs.add(day)
		out[i].Period.add(KPIDay{LabourCost: r.PL, MaterialCost: r.PM, VehicleCost: r.PV, EquipmentCost: r.PE, IncidentCost: r.PI, Hours: r.PH, OvertimeHours: r.PO})
		if detail {
			if phaseCosts[r.Site] == nil {
				phaseCosts[r.Site] = map[string]*Costs{}
			}
			c := &Costs{}
			c.add(day)
			phaseCosts[r.Site][r.Phase] = c
		}
	}
	type siteTasks struct {
		n, done, late                  int
		planned, earned, weight, wprog float64
		finish                         string
	}
	agg := map[string]*siteTasks{}
	for _, t := range tasks {
		a := agg[t.Site]
		if a == nil {
			a = &siteTasks{}
			agg[t.Site] = a
		}
		a.n, a.done, a.late = a.n+t.N, a.done+t.Done, a.late+t.Late
		a.planned, a.earned, a.weight, a.wprog = a.planned+t.Planned, a.earned+t.Earned, a.weight+t.Weight, a.wprog+t.WeightedProgress
		if t.Finish > a.finish {
			a.finish = t.Finish
		}
	}
	lastBaseline := map[string]string{}
	for _, b := range baselines {
		lastBaseline[b.Site] = b.Finish
	}
	for _, r := range incidents {
		if i, ok := index[r.Site]; ok {
			if r.N > 0 {
				out[i].Incidents[r.Severity] += r.N
			}
			out[i].IncidentsOpen += r.Open
		}
	}
	for _, c := range checks {
		if i, ok := index[c.Site]; ok {
			out[i].ChecklistAnswers, out[i].NonConformities = c.N, c.NC
			if c.N > 0 {
				out[i].NonConformityRate = math.Round(float64(c.NC)/float64(c.N)*1000) / 10
			}
		}
	}
	var phases map[string][]Phase
	if detail {
		var err error
		if phases, err = findPhasesOf(app, siteIDs); err != nil {
			return nil, err
		}
	}
	for i := range out {
		s := &out[i]
		a := agg[s.SiteID]
		if a == nil {
			a = &siteTasks{}
		}
		progress := 0.0
		switch {
		case sites[i].Status == SiteDone:
			progress = 100
		case a.weight > 0:
			progress = a.wprog / a.weight
		}
		s.Costs.round()
		s.Period.round()
		s.BudgetKPIs = budgetOf(sites[i].Budget, progress, s.Costs.Total)
		s.Margin = roundCents(sites[i].Contract - s.Forecast)
		if sites[i].Contract > 0 {
			s.MarginPct = math.Round(s.Margin/sites[i].Contract*1000) / 10
		}
		s.MarginToDate = roundCents(sites[i].Contract*s.Progress/100 - s.Costs.Total)
		s.HoursKPIs = hoursOf(a.planned, a.earned, s.Costs.Hours)
		s.Tasks, s.TasksDone, s.LateTasks = a.n, a.done, a.late
		finish := CivilDate(ParseDBTime(a.finish), loc)
		if a.late > 0 && finish.Before(asof) {
			finish = asof
		}
		s.Finish = civilString(finish)
		if end := CivilDate(ParseDBTime(sites[i].End), loc); !end.IsZero() && finish.After(end) {
			s.DelayDays = int(finish.Sub(end).Hours()/24 + 0.5)
		}
		if b := CivilDate(ParseDBTime(lastBaseline[s.SiteID]), loc); !b.IsZero() {
			s.BaselineFinish = civilString(b)
			s.ScheduleVarianceDays = Slip(cal, b, finish)
		}
		if detail {
			if err := siteDetails(app, s, phases[s.SiteID], phaseCosts[s.SiteID], tasks, p); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
