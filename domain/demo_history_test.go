package domain_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSeedDemoHistory: the demo's year of history gives every site of
// the past year realistic figures, and the rollup built at the end equals
// a rebuild from the records.
func TestSeedDemoHistory(t *testing.T) {
	t.Parallel()
	app := tenanttest.New(t).App()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	if err := domain.SeedDemoWith(app, now, domain.DemoOptions{History: true, Derive: imaging.Derive, Thumb: imaging.ThumbnailJPEG}); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo seed with history: %v", time.Since(start))
	for c, min := range map[string]int64{"sites": 9, "time_entries": 1500, "reservations": 60, "incidents": 10, "checklist_runs": 15} {
		if n, _ := app.CountRecords(c); n < min {
			t.Errorf("%s = %d, want at least %d", c, n, min)
		}
	}
	if n, _ := app.CountRecords("stock_moves", dbx.HashExp{"kind": "consumption"}); n < 100 {
		t.Errorf("%d consumptions", n)
	}
	to := civil("2026-11-30")
	k, err := domain.ComputeTenantKPIs(app, to.AddDate(-1, 0, 0), to)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tenant: cost %.0f € (labour %.0f, material %.0f, vehicles %.0f, tools %.0f, incidents %.0f), %.0f h (%.0f overtime), margin %.0f €, late sites %d, incidents %v",
		k.Costs.Total, k.Labour, k.Material, k.Vehicle, k.Equipment, k.Incident, k.Costs.Hours, k.OvertimeHours, k.Margin, k.LateSites, k.Incidents)
	if k.Labour < 100000 || k.Material < 10000 || k.Vehicle == 0 || k.Equipment == 0 || k.Incident == 0 || k.OvertimeHours == 0 {
		t.Errorf("tenant costs look empty: %+v", k.Costs)
	}
	worked := 0
	for _, s := range k.Sites {
		if s.Status == domain.SitePlanned {
			if s.Labour != 0 {
				t.Errorf("%s (planned) labour %v", s.Code, s.Labour)
			}
			continue
		}
		worked++
		if s.Labour == 0 || s.Actual == 0 {
			t.Errorf("%s: no labour", s.Code)
		}
		if s.Status == domain.SiteDone && s.Progress != 100 {
			t.Errorf("%s: done at %v %%", s.Code, s.Progress)
		}
	}
	if worked < 7 {
		t.Errorf("%d sites with costs", worked)
	}
	before, _ := domain.DailyRollup(app, to.AddDate(-2, 0, 0), to)
	if err := domain.RebuildKPIDaily(app, to.AddDate(-2, 0, 0), to); err != nil {
		t.Fatal(err)
	}
	after, _ := domain.DailyRollup(app, to.AddDate(-2, 0, 0), to)
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("rollup: %d rows, %d after a rebuild", len(before), len(after))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("row %d: %+v, rebuilt %+v", i, before[i], after[i])
		}
	}
	// photos across the year and the last weeks' daily logs: the reports
	// of an active site's last working day show both
	photos, _ := app.CountRecords("photos")
	if pending, _ := app.CountRecords("photos", dbx.HashExp{"derived": ""}); pending != 0 {
		t.Errorf("%d of %d photos left unprocessed", pending, photos)
	}
	logs, _ := app.CountRecords(domain.CollectionDailyLogs)
	t.Logf("%d photos, %d daily logs", photos, logs)
	if photos < 60 || photos > 400 || logs < 60 {
		t.Errorf("%d photos and %d daily logs, want a modest number of each (60–400 photos, 60+ logs)", photos, logs)
	}
	var months int
	_ = app.DB().NewQuery(`SELECT count(DISTINCT substr(taken_at, 1, 7)) FROM photos`).Row(&months)
	if months < 10 {
		t.Errorf("photos over %d months, want the whole year", months)
	}
	lastDay := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC) // Friday, the last working day before now
	var withBoth int
	for _, s := range k.Sites {
		if s.Status != domain.SiteActive {
			continue
		}
		d, err := domain.DailyReportData(app, s.SiteID, lastDay.Add(12*time.Hour), nil)
		if err != nil {
			t.Fatal(err)
		}
		if d.Log != nil && d.Log.Weather != "" && d.Log.HasTemperature && d.Log.Author != "" && len(d.Photos) > 0 && len(d.Crew) > 0 {
			withBoth++
		}
	}
	if withBoth == 0 {
		t.Error("no active site's daily report of the last working day has weather, photos and crew")
	}
	if rep, _ := domain.VerifyAuditChain(app); !rep.OK {
		t.Errorf("audit chain after the history: %+v", rep)
	}
}

// TestDemoHistoryDurations: the demo's history gives the duration model
// enough completed tasks per work type, and a trained model is promoted
// and explains its prediction (issue #23).
func TestDemoHistoryDurations(t *testing.T) {
	t.Parallel()
	app := tenanttest.New(t).App()
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	if err := domain.SeedDemoWith(app, now, domain.DemoOptions{History: true}); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo seed with history: %v", time.Since(start))
	obs, err := domain.LoadDurationObs(app)
	if err != nil {
		t.Fatal(err)
	}
	perType := map[string]int{}
	for _, o := range obs {
		perType[o.WorkType]++
	}
	t.Logf("%d completed tasks with time, per work type %v", len(obs), perType)
	if len(obs) < 100 || len(perType) < 10 {
		t.Fatalf("%d completed tasks over %d work types", len(obs), len(perType))
	}
	model, _, ok, err := domain.ActiveDurationModel(app)
	if err != nil || !ok {
		t.Fatalf("no active model after the seed: %v", err)
	}
	m := model.ModelMetrics()
	t.Logf("model v%d: %+v (%s)", model.Version(), m, model.Decision())
	if model.Version() != 1 || m.N < 20 || m.P80Coverage < 0.5 {
		t.Errorf("demo model: version %d metrics %+v", model.Version(), m)
	}
	acc, err := domain.LoadDurationAccuracy(app, now)
	t.Logf("replayed predictions: %d, per month %+v, recent %+v", acc.N, acc.Months, acc.Recent)
	if err != nil || acc.N < 50 || len(acc.Months) < 4 || acc.Drift {
		t.Errorf("demo accuracy: %+v %v", acc, err)
	}
	if n, _ := app.CountRecords(domain.CollectionDurationPredictions, dbx.NewExp("done_at = ''")); n == 0 {
		t.Error("no open task's prediction recorded")
	}
}
