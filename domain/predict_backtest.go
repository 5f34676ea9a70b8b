package domain

import (
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// DurationBacktestMonths is how many past months BacktestDurationPredictions
// replays.
const DurationBacktestMonths = 12

// BacktestDurationPredictions fills the accuracy page of a tenant that
// has history but no recorded prediction yet (the demo): for each of the
// last DurationBacktestMonths months, a model trained only on the tasks
// finished before the month predicts the finished tasks planned to start
// in it, recorded as if shown on the month's first day (model_version 0:
// a replay, not a stored model) with their actual duration. Tasks that
// already have a recorded prediction are left alone. Returns how many it
// wrote.
func BacktestDurationPredictions(app core.App, now time.Time) (int, error) {
	rows, err := durationRows(app, nil)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	var have []string
	if err := app.DB().Select("task").From(CollectionDurationPredictions).Column(&have); err != nil {
		return 0, err
	}
	f := TenantFactsOf(app)
	type item struct {
		row durationRow
		obs DurationObs
	}
	items := make([]item, 0, len(rows))
	for _, r := range rows {
		items = append(items, item{r, r.obs(f)})
	}
	slices.SortFunc(items, func(a, b item) int { return a.obs.Done.Compare(b.obs.Done) })
	col, err := app.FindCachedCollectionByNameOrId(CollectionDurationPredictions)
	if err != nil {
		return 0, err
	}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -DurationBacktestMonths, 0)
	n := 0
	for m := first; m.Before(now); m = m.AddDate(0, 1, 0) {
		var train []DurationObs
		for _, it := range items {
			if it.obs.Done.Before(m) {
				train = append(train, it.obs)
			}
		}
		if len(train) < DurationHoldoutMin {
			continue
		}
		p := TrainDuration(train)
		for _, it := range items {
			o := it.obs
			if o.Start.Before(m) || !o.Start.Before(m.AddDate(0, 1, 0)) || slices.Contains(have, it.row.ID) {
				continue
			}
			pr := p.Predict(DurationQuery{WorkType: o.WorkType, Sector: o.Sector, Site: o.Site, Crew: o.Crew, Start: o.Start, PlannedDays: o.PlannedDays})
			r := DurationPredictionRecord{core.NewRecord(col)}
			r.SetTaskID(it.row.ID)
			r.SetSiteID(o.Site)
			r.SetWorkTypeID(o.WorkType)
			r.SetPlannedDays(o.PlannedDays)
			r.SetP50Days(pr.P50Days)
			r.SetP80Days(pr.P80Days)
			r.SetNSimilar(pr.NSimilar)
			r.SetPredictedAt(m)
			r.SetActualDays(o.ActualDays)
			r.SetDoneAt(o.Done)
			if err := app.Save(r.Record); err != nil {
				return n, err
			}
			have = append(have, it.row.ID)
			n++
		}
	}
	return n, nil
}
