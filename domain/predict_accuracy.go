package domain

import (
	"math"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Drift rule: over the last DurationDriftDays, with at least
// DurationDriftMin finished predicted tasks, the mean error of the
// predictions shown is "much worse" than the active model's held-out
// MAE when it exceeds both 1.5 × that MAE and that MAE + 0.5 day.
const (
	DurationDriftDays = 60
	DurationDriftMin  = 10
)

// AccuracyRow is the accuracy of the predictions of one work type.
type AccuracyRow struct {
	WorkType string // name ("" without)
	N        int
	MAEDays  float64
	Coverage float64 // share with actual ≤ P80
}

// AccuracyMonth is the mean error of the predictions finished in a month.
type AccuracyMonth struct {
	Month   time.Time // first day, UTC
	N       int
	MAEDays float64
}

// DurationAccuracy compares the predictions shown with the actual
// durations of the finished tasks.
type DurationAccuracy struct {
	N        int
	ByType   []AccuracyRow
	Months   []AccuracyMonth // oldest first
	Recent   DurationMetrics // the last DurationDriftDays
	ModelMAE float64         // the active model's held-out MAE (0: none)
	Drift    bool
}

// accRow is a finished prediction.
type accRow struct {
	Name   string  `db:"name"`
	P50    float64 `db:"p50_days"`
	P80    float64 `db:"p80_days"`
	Actual float64 `db:"actual_days"`
	Done   string  `db:"done_at"`
}

// LoadDurationAccuracy reads the finished predictions as of now.
func LoadDurationAccuracy(app core.App, now time.Time) (DurationAccuracy, error) {
	var rows []accRow
	err := app.DB().Select("COALESCE(w.name, '') AS name", "p.p50_days", "p.p80_days", "p.actual_days", "p.done_at").
		From(CollectionDurationPredictions+" p").
		LeftJoin(CollectionWorkTypes+" w", dbx.NewExp("w.id = p.work_type")).
		Where(dbx.NewExp("p.done_at != ''")).OrderBy("p.done_at").All(&rows)
	if err != nil {
		return DurationAccuracy{}, err
	}
	var out DurationAccuracy
	if m, _, ok, err := ActiveDurationModel(app); err != nil {
		return out, err
	} else if ok {
		out.ModelMAE = m.ModelMetrics().MAEDays
	}
	type acc struct {
		n, covered int
		abs        float64
	}
	byType, byMonth, recent := map[string]*acc{}, map[time.Time]*acc{}, &acc{}
	add := func(a *acc, r accRow) {
		a.n++
		a.abs += math.Abs(r.P50 - r.Actual)
		if r.Actual <= r.P80 {
			a.covered++
		}
	}
	since := now.AddDate(0, 0, -DurationDriftDays)
	for _, r := range rows {
		done, _ := types.ParseDateTime(r.Done)
		if byType[r.Name] == nil {
			byType[r.Name] = &acc{}
		}
		add(byType[r.Name], r)
		month := time.Date(done.Time().Year(), done.Time().Month(), 1, 0, 0, 0, 0, time.UTC)
		if byMonth[month] == nil {
			byMonth[month] = &acc{}
		}
		add(byMonth[month], r)
		if !done.Time().Before(since) {
			add(recent, r)
		}
		out.N++
	}
	round := func(f float64) float64 { return math.Round(f*100) / 100 }
	for name, a := range byType {
		out.ByType = append(out.ByType, AccuracyRow{WorkType: name, N: a.n, MAEDays: round(a.abs / float64(a.n)), Coverage: round(float64(a.covered) / float64(a.n))})
	}
	sort.Slice(out.ByType, func(i, j int) bool {
		if out.ByType[i].N != out.ByType[j].N {
			return out.ByType[i].N > out.ByType[j].N
		}
		return out.ByType[i].WorkType < out.ByType[j].WorkType
	})
	for m, a := range byMonth {
		out.Months = append(out.Months, AccuracyMonth{Month: m, N: a.n, MAEDays: round(a.abs / float64(a.n))})
	}
	sort.Slice(out.Months, func(i, j int) bool { return out.Months[i].Month.Before(out.Months[j].Month) })
	if recent.n > 0 {
		out.Recent = DurationMetrics{N: recent.n, MAEDays: round(recent.abs / float64(recent.n)), P80Coverage: round(float64(recent.covered) / float64(recent.n))}
	}
	out.Drift = IsDurationDrift(out.Recent, out.ModelMAE)
	return out, nil
}

// IsDurationDrift applies the drift rule (see DurationDriftDays).
func IsDurationDrift(recent DurationMetrics, modelMAE float64) bool {
	return modelMAE > 0 && recent.N >= DurationDriftMin && recent.MAEDays > 1.5*modelMAE && recent.MAEDays > modelMAE+0.5
}
