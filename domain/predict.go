package domain

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Task-duration prediction (issue #23). The model learns, per tenant and
// from its own completed tasks only, how the actual duration relates to
// the planned one. Method (explainable, robust to outliers):
//
//   - each completed task gives the log of its ratio actual/planned
//     (actual: working days from its first to its last time entry,
//     inclusive, in the tenant's calendar; planned: duration_days);
//   - per work type, the empirical P50 and P80 of that log ratio, shrunk
//     toward the sector's quantiles (and the sector's toward the
//     tenant's) with the weight n/(n+K): thin groups borrow from their
//     parent, large ones speak for themselves;
//   - small location corrections per crew size (1, 2, 3+) and season
//     (quarter of the planned start): the shrunk median residual;
//   - a prediction is planned × exp(quantile + corrections), in working
//     days, with the number of similar tasks that backed it.

// DurationShrinkK is the prior weight (in tasks) of a group's parent.
const DurationShrinkK = 10

// DurationObs is one completed task as the model sees it.
type DurationObs struct {
	WorkType, Sector, Site string
	Crew                   int
	Start, Done            time.Time
	PlannedDays            float64
	ActualDays             float64
}

// DurationQuery describes the task to predict.
type DurationQuery struct {
	WorkType, Sector, Site string
	Crew                   int
	Start                  time.Time
	PlannedDays            float64
}

// DurationGroup is the fitted distribution of one group: its size and
// the shrunk P50/P80 of log(actual/planned).
type DurationGroup struct {
	N   int     `json:"n"`
	Q50 float64 `json:"q50"`
	Q80 float64 `json:"q80"`
}

// DurationParams is the fitted model (stored as JSON in duration_models).
type DurationParams struct {
	K         float64                  `json:"k"`
	Tenant    DurationGroup            `json:"tenant"`
	Sectors   map[string]DurationGroup `json:"sectors"`
	WorkTypes map[string]DurationGroup `json:"work_types"`
	// WorkSector maps a work type to its sector (for the fallback).
	WorkSector map[string]string  `json:"work_sector"`
	Crew       map[string]float64 `json:"crew"`   // "1", "2", "3+": log shift
	Season     map[string]float64 `json:"season"` // "Q1".."Q4": log shift
}

// DurationPrediction is one prediction with its explanation.
type DurationPrediction struct {
	P50Days  float64 `json:"p50_days"`
	P80Days  float64 `json:"p80_days"`
	NSimilar int     `json:"n_similar"`
	// Level is where the figures come from: "work_type", "sector",
	// "tenant", or "none" (no history: the planned duration itself).
	Level string `json:"level"`
}

// DurationFeatures lists the features the model uses (stored with it).
var DurationFeatures = []string{"work_type", "sector", "crew_size", "season", "planned_days"}

// crewBucket names a crew size's bucket.
func crewBucket(n int) string {
	switch {
	case n <= 1:
		return "1"
	case n == 2:
		return "2"
	}
	return "3+"
}

// seasonOf names the quarter of a date.
func seasonOf(t time.Time) string { return "Q" + strconv.Itoa((int(t.Month())-1)/3+1) }

// logRatio is the observation's log(actual/planned); ok false when unusable.
func (o DurationObs) logRatio() (float64, bool) {
	if o.PlannedDays <= 0 || o.ActualDays <= 0 {
		return 0, false
	}
	return math.Log(o.ActualDays / o.PlannedDays), true
}

// quantile is the linear-interpolated quantile (type 7) of sorted xs.
func quantile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	h := p * float64(len(xs)-1)
	lo := int(h)
	if lo >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	return xs[lo] + (h-float64(lo))*(xs[lo+1]-xs[lo])
}

// shrink blends a group's raw quantiles toward its parent's.
func shrink(xs []float64, parent DurationGroup, k float64) DurationGroup {
	n := len(xs)
	if n == 0 {
		return DurationGroup{Q50: parent.Q50, Q80: parent.Q80}
	}
	slices.Sort(xs)
	w := float64(n) / (float64(n) + k)
	return DurationGroup{N: n,
		Q50: w*quantile(xs, 0.5) + (1-w)*parent.Q50,
		Q80: w*quantile(xs, 0.8) + (1-w)*parent.Q80}
}

// TrainDuration fits the model on completed tasks (unusable ones, with no
// planned or actual duration, are skipped).
func TrainDuration(obs []DurationObs) DurationParams {
	k := float64(DurationShrinkK)
	p := DurationParams{K: k, Sectors: map[string]DurationGroup{}, WorkTypes: map[string]DurationGroup{},
		WorkSector: map[string]string{}, Crew: map[string]float64{}, Season: map[string]float64{}}
	var all []float64
	bySector, byType := map[string][]float64{}, map[string][]float64{}
	for _, o := range obs {
		r, ok := o.logRatio()
		if !ok {
			continue
		}
		all = append(all, r)
		bySector[o.Sector] = append(bySector[o.Sector], r)
		if o.WorkType != "" {
			byType[o.WorkType] = append(byType[o.WorkType], r)
			p.WorkSector[o.WorkType] = o.Sector
		}
	}
	// the tenant's own distribution, shrunk toward "as planned" (0, with
	// a P80 of +15 %) when it has little history
	p.Tenant = shrink(all, DurationGroup{Q50: 0, Q80: math.Log(1.15)}, k)
	for s, xs := range bySector {
		p.Sectors[s] = shrink(xs, p.Tenant, k)
	}
	for wt, xs := range byType {
		p.WorkTypes[wt] = shrink(xs, p.Sectors[p.WorkSector[wt]], k)
	}
	// corrections: shrunk median residual per crew bucket and season
	crew, season := map[string][]float64{}, map[string][]float64{}
	for _, o := range obs {
		r, ok := o.logRatio()
		if !ok {
			continue
		}
		g, _ := p.group(o.WorkType, o.Sector)
		crew[crewBucket(o.Crew)] = append(crew[crewBucket(o.Crew)], r-g.Q50)
		season[seasonOf(o.Start)] = append(season[seasonOf(o.Start)], r-g.Q50)
	}
	for b, xs := range crew {
		p.Crew[b] = shrink(xs, DurationGroup{}, k).Q50
	}
	for s, xs := range season {
		p.Season[s] = shrink(xs, DurationGroup{}, k).Q50
	}
	return p
}

// group returns the most specific fitted group for a work type / sector
// and its level name.
func (p *DurationParams) group(workType, sector string) (DurationGroup, string) {
	if g, ok := p.WorkTypes[workType]; ok && workType != "" {
		return g, "work_type"
	}
	if s := p.WorkSector[workType]; s != "" && sector == "" {
		sector = s
	}
	if g, ok := p.Sectors[sector]; ok {
		return g, "sector"
	}
	if p.Tenant.N > 0 {
		return p.Tenant, "tenant"
	}
	return DurationGroup{}, "none"
}

// Predict returns P50 and P80 in working days (rounded to the half day,
// at least half a day). Without any history, or without a planned
// duration, both are the planned duration and the level is "none".
func (p *DurationParams) Predict(q DurationQuery) DurationPrediction {
	g, level := p.group(q.WorkType, q.Sector)
	if level == "none" || q.PlannedDays <= 0 {
		d := roundHalf(q.PlannedDays)
		return DurationPrediction{P50Days: d, P80Days: d, Level: "none"}
	}
	shift := p.Crew[crewBucket(q.Crew)]
	if !q.Start.IsZero() {
		shift += p.Season[seasonOf(q.Start)]
	}
	p50 := q.PlannedDays * math.Exp(g.Q50+shift)
	p80 := q.PlannedDays * math.Exp(max(g.Q80, g.Q50)+shift)
	return DurationPrediction{P50Days: roundHalf(p50), P80Days: max(roundHalf(p80), roundHalf(p50)), NSimilar: g.N, Level: level}
}

// roundHalf rounds to the nearest half day, at least 0.5.
func roundHalf(d float64) float64 { return max(0.5, math.Round(d*2)/2) }
