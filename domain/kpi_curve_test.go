package domain

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// TestSiteCurves: the actual cost is the rollup added up by day (days
// before the range in the first point, none after the as-of day); the
// planned progress spreads each task's weight (duration, at least 1) over
// its calendar days; the planned value is budget × planned progress.
func TestSiteCurves(t *testing.T) {
	col := core.NewBaseCollection("tasks")
	task := func(start, end string, days float64) Task {
		r := core.NewRecord(col)
		r.Set("planned_start", start+" 00:00:00.000Z")
		r.Set("planned_end", end+" 00:00:00.000Z")
		r.Set("duration_days", days)
		return Task{r}
	}
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	rollup := []KPIDay{
		{Day: "2026-02-27", LabourCost: 100},                   // before the range
		{Day: "2026-03-02", LabourCost: 200, MaterialCost: 50}, // 350
		{Day: "2026-03-02", PhaseID: "p", IncidentCost: 25},    // 375
		{Day: "2026-03-04", VehicleCost: 10, EquipmentCost: 5}, // 390
	}
	// A: 2 days of weight 2 over 03-02..03-03; B: weight 1 (duration 0)
	// over 03-04..03-05 → 1/3 per day of A, 1/6 per day of B
	tasks := []Task{task("2026-03-02", "2026-03-03", 2), task("2026-03-04", "2026-03-05", 0), {core.NewRecord(col)}}
	got := SiteCurves(rollup, tasks, 6000, d("2026-03-02"), d("2026-03-05"), d("2026-03-04"))
	want := []CurvePoint{
		{Day: d("2026-03-02"), PlanProgress: 33.3, Planned: 1998, Actual: 375, HasActual: true},
		{Day: d("2026-03-03"), PlanProgress: 66.7, Planned: 4002, Actual: 375, HasActual: true},
		{Day: d("2026-03-04"), PlanProgress: 83.3, Planned: 4998, Actual: 390, HasActual: true},
		{Day: d("2026-03-05"), PlanProgress: 100, Planned: 6000, Actual: 390},
	}
	if len(got) != len(want) {
		t.Fatalf("%d points, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if pts := SiteCurves(nil, nil, 1000, d("2026-03-02"), d("2026-03-02"), d("2026-03-02")); len(pts) != 1 || pts[0].PlanProgress != 0 || pts[0].Planned != 0 {
		t.Errorf("no task, no cost: %+v", pts)
	}
}
