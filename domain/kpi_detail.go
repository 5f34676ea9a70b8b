package domain

import (
	"fmt"
	"sort"
	"sync"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// findPhasesOf returns the phases of sites by site id, in position order.
func findPhasesOf(app core.App, siteIDs []string) (map[string][]Phase, error) {
	p := dbx.Params{}
	filter := ""
	for i, id := range siteIDs {
		k := "s" + itoa(i)
		p[k] = id
		if filter != "" {
			filter += " || "
		}
		filter += "site = {:" + k + "}"
	}
	recs, err := app.FindRecordsByFilter(CollectionPhases, filter, "position,created", 0, 0, p)
	if err != nil {
		return nil, err
	}
	out := map[string][]Phase{}
	for _, r := range AsPhases(recs) {
		out[r.SiteID()] = append(out[r.SiteID()], r)
	}
	return out, nil
}

// siteDetails fills a site's per-phase, per-task and per-work-type
// figures (aggregates of tasks: the rows of computeKPIs).
func siteDetails(app core.App, s *SiteKPIs, phases []Phase, costs map[string]*Costs, tasks []taskAgg, p dbx.Params) error {
	type phaseTasks struct{ planned, earned, weight, wprog float64 }
	if costs == nil { // a site without any cost yet (issue #20: its phaseless tasks are merged below)
		costs = map[string]*Costs{}
	}
	byPhase := map[string]*phaseTasks{}
	for _, t := range tasks {
		if t.Site != s.SiteID {
			continue
		}
		a := byPhase[t.Phase]
		if a == nil {
			a = &phaseTasks{}
			byPhase[t.Phase] = a
		}
		a.planned, a.earned, a.weight, a.wprog = a.planned+t.Planned, a.earned+t.Earned, a.weight+t.Weight, a.wprog+t.WeightedProgress
	}
	phaseOf := func(id, name string, budget, progress float64) PhaseKPIs {
		c := Costs{}
		if costs[id] != nil {
			c = *costs[id]
		}
		c.round()
		a := byPhase[id]
		if a == nil {
			a = &phaseTasks{}
		}
		if a.weight > 0 {
			progress = a.wprog / a.weight
		}
		return PhaseKPIs{PhaseID: id, Name: name, Costs: c, BudgetKPIs: budgetOf(budget, progress, c.Total),
			HoursKPIs: hoursOf(a.planned, a.earned, c.Hours)}
	}
	known := map[string]bool{}
	for _, ph := range phases {
		known[ph.Id] = true
		s.Phases = append(s.Phases, phaseOf(ph.Id, ph.Name(), ph.Budget(), ph.Progress()))
	}
	// costs and tasks of no phase (or of a deleted one)
	orphan := map[string]bool{}
	for id := range costs {
		if !known[id] {
			orphan[id] = true
		}
	}
	for id := range byPhase {
		if !known[id] {
			orphan[id] = true
		}
	}
	if len(orphan) > 0 {
		merged, mergedTasks := &Costs{}, &phaseTasks{}
		for _, id := range sortedKeys(orphan) {
			if c := costs[id]; c != nil {
				merged.Labour, merged.Material, merged.Vehicle = merged.Labour+c.Labour, merged.Material+c.Material, merged.Vehicle+c.Vehicle
				merged.Equipment, merged.Incident = merged.Equipment+c.Equipment, merged.Incident+c.Incident
				merged.Hours, merged.OvertimeHours = merged.Hours+c.Hours, merged.OvertimeHours+c.OvertimeHours
			}
			if a := byPhase[id]; a != nil {
				mergedTasks.planned, mergedTasks.earned = mergedTasks.planned+a.planned, mergedTasks.earned+a.earned
				mergedTasks.weight, mergedTasks.wprog = mergedTasks.weight+a.weight, mergedTasks.wprog+a.wprog
			}
		}
		costs[""], byPhase[""] = merged, mergedTasks
		s.Phases = append(s.Phases, phaseOf("", "", 0, 0))
	}
	return taskDetails(app, s, p)
}

// taskDetails fills the planned versus actual hours per task and per
// work type of a site (approved hours recorded before the period's end).
func taskDetails(app core.App, s *SiteKPIs, p dbx.Params) error {
	q := dbx.Params{"site": s.SiteID, "toI": p["toI"], "dh": p["dh"]}
	var rows []struct {
		ID, Title, Status string
		WorkType          string  `db:"work_type"`
		WorkTypeName      string  `db:"wt_name"`
		Progress          float64 `db:"prog"`
		Planned           float64 `db:"planned"`
		Actual            float64 `db:"actual"`
	}
	err := app.DB().NewQuery(`SELECT t.id, t.title, t.status, t.work_type, COALESCE(w.name, '') AS wt_name,
		` + taskProgress + ` AS prog, ` + taskPlanned + ` AS planned, COALESCE(h.actual, 0) AS actual
		FROM tasks t LEFT JOIN work_types w ON w.id = t.work_type
		LEFT JOIN (SELECT task, SUM((unixepoch(clock_out, 'subsec') - unixepoch(clock_in, 'subsec')) / 3600.0) AS actual FROM time_entries
			WHERE site = {:site} AND status = 'approved' AND clock_out != '' AND clock_in < {:toI} AND task != '' GROUP BY task) h
			ON h.task = t.id
		WHERE t.site = {:site} ORDER BY t.planned_start, t.title, t.id`).Bind(q).All(&rows)
	if err != nil {
		return err
	}
	types := map[string]*WorkTypeKPIs{}
	for _, r := range rows {
		earned := r.Planned * r.Progress / 100
		s.TaskHours = append(s.TaskHours, TaskHours{TaskID: r.ID, Title: r.Title, WorkTypeID: r.WorkType, Status: r.Status,
			Progress: r.Progress, HoursKPIs: hoursOf(r.Planned, earned, r.Actual)})
		w := types[r.WorkType]
		if w == nil {
			w = &WorkTypeKPIs{WorkTypeID: r.WorkType, Name: r.WorkTypeName}
			types[r.WorkType] = w
		}
		w.Tasks++
		w.Planned, w.Earned, w.Actual = w.Planned+r.Planned, w.Earned+earned, w.Actual+r.Actual
	}
	for _, id := range sortedKeys(types) {
		w := types[id]
		w.HoursKPIs = hoursOf(w.Planned, w.Earned, w.Actual)
		s.WorkTypes = append(s.WorkTypes, *w)
	}
	sort.SliceStable(s.WorkTypes, func(i, j int) bool { return s.WorkTypes[i].Name < s.WorkTypes[j].Name })
	return nil
}

// loadTaskAggs adds tasks up per site, phase and work type (p: the
// computation's parameters). Every site's (siteIDs empty) are cached in
// the app until a task changes (taskAggCache): 10,000 tasks cost SQLite
// ~15 ms, more than every other figure of the tenant together.
func loadTaskAggs(app core.App, siteIDs []string, p dbx.Params) ([]taskAgg, error) {
	c := taskAggCacheOf(app)
	key := fmt.Sprint(p["asof"], "|", p["dh"])
	cacheable := len(siteIDs) == 0 && !app.IsTransactional()
	c.mu.Lock()
	gen := c.gen
	if cacheable && c.rows != nil && c.key == key {
		rows := c.rows
		c.mu.Unlock()
		return rows, nil
	}
	c.mu.Unlock()
	var rows []taskAgg
	if err := app.DB().NewQuery(`SELECT site, phase, work_type, count(*) AS n, SUM(done) AS done,
		SUM(NOT done AND planned_end != '' AND planned_end < {:asof}) AS late,
		SUM(planned) AS planned, SUM(planned * prog / 100) AS earned, SUM(weight) AS weight, SUM(weight * prog) AS wprog,
		COALESCE(MAX(planned_end), '') AS finish
		FROM (` + siteFilter(`SELECT t.site, t.phase, t.work_type, t.planned_end, t.status IN ('done', 'validated') AS done,
			`+taskPlanned+` AS planned, `+taskProgress+` AS prog, MAX(t.duration_days, 1) AS weight
			FROM tasks t WHERE 1=1`, "t.site", siteIDs, p) + `) GROUP BY site, phase, work_type`).Bind(p).All(&rows); err != nil {
		return nil, err
	}
	if cacheable {
		c.mu.Lock()
		if c.gen == gen { // no task committed meanwhile
			c.rows, c.key = rows, key
		}
		c.mu.Unlock()
	}
	return rows, nil
}

// taskAggCache is a tenant app's cached task sums (loadTaskAggs); gen
// counts the task changes committed.
type taskAggCache struct {
	mu   sync.Mutex
	gen  uint64
	key  string
	rows []taskAgg
}

const taskAggKey = "fieldops.kpiTaskAggs"

func taskAggCacheOf(app core.App) *taskAggCache {
	return app.Store().GetOrSet(taskAggKey, func() any { return &taskAggCache{} }).(*taskAggCache)
}

// invalidate drops the cached sums once a task change is committed.
func (c *taskAggCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.rows = nil
	c.mu.Unlock()
}
