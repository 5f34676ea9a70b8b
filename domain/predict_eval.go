package domain

import (
	"math"
	"slices"
	"time"
)

// DurationHoldoutShare is the most recent share of completed tasks kept
// out of training to measure a model (at least DurationHoldoutMin tasks).
const (
	DurationHoldoutShare = 0.2
	DurationHoldoutMin   = 5
)

// Promotion tolerances: a candidate replaces the active model only if,
// on the same held-out recent period, its MAE is at most the active
// one's plus DurationMAETolerance days and its P80 coverage is at least
// the active one's minus DurationCoverageTolerance.
const (
	DurationMAETolerance      = 0.05
	DurationCoverageTolerance = 0.05
)

// DurationMetrics measures a model on held-out tasks.
type DurationMetrics struct {
	N           int     `json:"n"`
	MAEDays     float64 `json:"mae_days"`     // mean |P50 − actual|
	P80Coverage float64 `json:"p80_coverage"` // share with actual ≤ P80
}

// DurationFit is a training run: the model fitted on every task, its
// metrics measured by a model fitted before the held-out period, and
// the data window.
type DurationFit struct {
	Params              DurationParams
	Metrics             DurationMetrics
	Holdout             []DurationObs
	From, To, HoldoutAt time.Time
	NTrain              int
}

// SplitHoldout sorts completed tasks by finish date and returns the
// older ones (training) and the most recent share (held out).
func SplitHoldout(obs []DurationObs) (train, holdout []DurationObs) {
	s := slices.Clone(obs)
	slices.SortStableFunc(s, func(a, b DurationObs) int { return a.Done.Compare(b.Done) })
	n := int(math.Ceil(float64(len(s)) * DurationHoldoutShare))
	if n < DurationHoldoutMin {
		n = min(DurationHoldoutMin, len(s)/2)
	}
	return s[:len(s)-n], s[len(s)-n:]
}

// FitDuration trains a candidate: metrics from a model trained on the
// older tasks and measured on the recent ones, then the stored model
// refitted on all of them.
func FitDuration(obs []DurationObs) DurationFit {
	train, hold := SplitHoldout(obs)
	probe := TrainDuration(train)
	f := DurationFit{Params: TrainDuration(obs), Metrics: EvaluateDuration(&probe, hold), Holdout: hold, NTrain: len(obs)}
	for i, o := range obs {
		if i == 0 || o.Done.Before(f.From) {
			f.From = o.Done
		}
		if o.Done.After(f.To) {
			f.To = o.Done
		}
	}
	if len(hold) > 0 {
		f.HoldoutAt = hold[0].Done
	}
	return f
}

// EvaluateDuration measures a model on tasks it should predict.
func EvaluateDuration(p *DurationParams, obs []DurationObs) DurationMetrics {
	var m DurationMetrics
	covered := 0
	for _, o := range obs {
		if o.PlannedDays <= 0 || o.ActualDays <= 0 {
			continue
		}
		pr := p.Predict(DurationQuery{WorkType: o.WorkType, Sector: o.Sector, Site: o.Site, Crew: o.Crew, Start: o.Start, PlannedDays: o.PlannedDays})
		m.N++
		m.MAEDays += math.Abs(pr.P50Days - o.ActualDays)
		if o.ActualDays <= pr.P80Days {
			covered++
		}
	}
	if m.N > 0 {
		m.MAEDays = math.Round(m.MAEDays/float64(m.N)*100) / 100
		m.P80Coverage = math.Round(float64(covered)/float64(m.N)*1000) / 1000
	}
	return m
}

// ShouldPromote applies the promotion rule: the candidate's metrics and
// the active model's, both on the candidate's held-out period. Without
// an active model, or when nothing was held out, the candidate wins.
// The reason is a catalogue key.
func ShouldPromote(candidate DurationMetrics, active *DurationMetrics) (bool, string) {
	if active == nil || active.N == 0 {
		return true, "predict.promote.first"
	}
	if candidate.N == 0 {
		return false, "predict.promote.no_holdout"
	}
	if candidate.MAEDays > active.MAEDays+DurationMAETolerance {
		return false, "predict.promote.worse_mae"
	}
	if candidate.P80Coverage < active.P80Coverage-DurationCoverageTolerance {
		return false, "predict.promote.worse_coverage"
	}
	return true, "predict.promote.not_worse"
}
