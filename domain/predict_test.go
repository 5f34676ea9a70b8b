package domain

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// synthDurations draws n completed tasks of a work type whose ratio
// actual/planned is log-normal(mu, sigma) (actual not rounded, so the
// quantiles are exactly known: exp(mu) and exp(mu + 0.8416 sigma)).
func synthDurations(rnd *rand.Rand, n int, workType, sector string, mu, sigma float64, from time.Time) []DurationObs {
	out := make([]DurationObs, n)
	for i := range out {
		planned := float64(1 + rnd.IntN(10))
		start := from.AddDate(0, 0, rnd.IntN(365))
		out[i] = DurationObs{WorkType: workType, Sector: sector, Site: "s1", Crew: 1 + rnd.IntN(3), Start: start,
			Done: start.AddDate(0, 0, int(planned)), PlannedDays: planned, ActualDays: planned * math.Exp(mu+sigma*rnd.NormFloat64())}
	}
	return out
}

var predictYear = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// TestDurationRecoversKnownQuantiles: with 600 tasks per work type the
// predicted P50/P80 of a 10-day task are within 10 % of the true
// quantiles of the generating distribution.
func TestDurationRecoversKnownQuantiles(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		wt, sector string
		mu, sigma  float64
	}{{"dig", "tp", math.Log(1.3), 0.25}, {"wire", "elec", math.Log(0.9), 0.15}, {"roof", "btp", math.Log(1.6), 0.4}}
	var obs []DurationObs
	for _, c := range cases {
		obs = append(obs, synthDurations(rnd, 600, c.wt, c.sector, c.mu, c.sigma, predictYear)...)
	}
	p := TrainDuration(obs)
	for _, c := range cases {
		// crew and season corrections are ~0 here (no such effect in the data)
		got := p.Predict(DurationQuery{WorkType: c.wt, Sector: c.sector, Crew: 2, Start: predictYear, PlannedDays: 10})
		want50, want80 := 10*math.Exp(c.mu), 10*math.Exp(c.mu+0.8416*c.sigma)
		if math.Abs(got.P50Days-want50) > 0.1*want50 || math.Abs(got.P80Days-want80) > 0.1*want80 {
			t.Errorf("%s: P50 %.1f P80 %.1f, want %.1f %.1f (±10 %%)", c.wt, got.P50Days, got.P80Days, want50, want80)
		}
		if got.NSimilar != 600 || got.Level != "work_type" {
			t.Errorf("%s: n %d level %s", c.wt, got.NSimilar, got.Level)
		}
	}
	// the held-out metrics: P80 covers about 80 % of recent tasks
	f := FitDuration(obs)
	if f.Metrics.N != 360 || f.Metrics.P80Coverage < 0.72 || f.Metrics.P80Coverage > 0.88 {
		t.Errorf("holdout metrics %+v", f.Metrics)
	}
}

// TestDurationThinDataFallsBack: a work type with 2 tasks borrows most
// of its figures from its sector; an unknown work type uses the sector;
// an unknown sector the tenant; no history at all gives the plan.
func TestDurationThinDataFallsBack(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	obs := synthDurations(rnd, 300, "dig", "tp", math.Log(1.5), 0.1, predictYear)
	thin := synthDurations(rnd, 2, "trench", "tp", math.Log(0.5), 0.01, predictYear)
	p := TrainDuration(append(obs, thin...))
	got := p.Predict(DurationQuery{WorkType: "trench", Sector: "tp", Crew: 1, PlannedDays: 10})
	// shrunk: weight 2/12 on the thin group's 0.5, 10/12 on the sector's ~1.49
	if got.P50Days < 11 || got.P50Days > 14 || got.NSimilar != 2 || got.Level != "work_type" {
		t.Errorf("thin work type: %+v, want P50 between 11 and 14 days", got)
	}
	if got := p.Predict(DurationQuery{WorkType: "new", Sector: "tp", PlannedDays: 4}); got.Level != "sector" || got.NSimilar != 302 || got.P50Days < 5 || got.P50Days > 6.5 {
		t.Errorf("unknown work type: %+v", got)
	}
	if got := p.Predict(DurationQuery{Sector: "elec", PlannedDays: 4}); got.Level != "tenant" || got.NSimilar != 302 {
		t.Errorf("unknown sector: %+v", got)
	}
	empty := TrainDuration(nil)
	if got := empty.Predict(DurationQuery{WorkType: "dig", Sector: "tp", PlannedDays: 3}); got != (DurationPrediction{P50Days: 3, P80Days: 3, Level: "none"}) {
		t.Errorf("no history: %+v", got)
	}
	// unusable observations are skipped, not divided by zero
	bad := TrainDuration([]DurationObs{{WorkType: "x", Sector: "tp", PlannedDays: 0, ActualDays: 3}, {WorkType: "x", Sector: "tp", PlannedDays: 2}})
	if bad.Tenant.N != 0 || len(bad.WorkTypes) != 0 {
		t.Errorf("unusable observations were used: %+v", bad)
	}
}

// TestDurationWorseModelNotPromoted: a candidate trained on a stale
// distribution is measured against the active model on the same recent
// tasks and refused; an equivalent one is promoted.
func TestDurationWorseModelNotPromoted(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	recent := synthDurations(rnd, 400, "dig", "tp", math.Log(1.4), 0.2, predictYear)
	active := TrainDuration(recent)
	stale := TrainDuration(synthDurations(rnd, 400, "dig", "tp", math.Log(0.8), 0.2, predictYear))
	hold := synthDurations(rnd, 100, "dig", "tp", math.Log(1.4), 0.2, predictYear.AddDate(1, 0, 0))
	am, sm := EvaluateDuration(&active, hold), EvaluateDuration(&stale, hold)
	if ok, why := ShouldPromote(sm, &am); ok || why != "predict.promote.worse_mae" {
		t.Errorf("stale model promoted (%v %s): candidate %+v active %+v", ok, why, sm, am)
	}
	again := TrainDuration(synthDurations(rnd, 400, "dig", "tp", math.Log(1.4), 0.2, predictYear))
	if ok, why := ShouldPromote(EvaluateDuration(&again, hold), &am); !ok {
		t.Errorf("equivalent model refused: %s", why)
	}
	if ok, _ := ShouldPromote(sm, nil); !ok {
		t.Error("first model refused")
	}
	narrow := DurationMetrics{N: 100, MAEDays: am.MAEDays, P80Coverage: am.P80Coverage - 0.2}
	if ok, why := ShouldPromote(narrow, &am); ok || why != "predict.promote.worse_coverage" {
		t.Errorf("worse coverage promoted: %v %s", ok, why)
	}
}

// BenchmarkDurationTrain trains on 20,000 completed tasks (issue #23:
// under 2 s).
func BenchmarkDurationTrain(b *testing.B) {
	rnd := rand.New(rand.NewPCG(7, 8))
	var obs []DurationObs
	for i := range 40 {
		obs = append(obs, synthDurations(rnd, 500, "wt"+itoa(i), []string{"btp", "tp", "elec"}[i%3], 0.1*float64(i%5), 0.3, predictYear)...)
	}
	b.ResetTimer()
	for b.Loop() {
		FitDuration(obs)
	}
}

// BenchmarkDurationPredict is one prediction (issue #23: under 1 ms).
func BenchmarkDurationPredict(b *testing.B) {
	rnd := rand.New(rand.NewPCG(9, 10))
	p := TrainDuration(synthDurations(rnd, 2000, "dig", "tp", 0.2, 0.3, predictYear))
	q := DurationQuery{WorkType: "dig", Sector: "tp", Crew: 2, Start: predictYear, PlannedDays: 5}
	for b.Loop() {
		p.Predict(q)
	}
}
