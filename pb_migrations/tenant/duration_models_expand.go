package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// durationModelsUp (issue #23, task-duration prediction) is an expand
// step: two new collections, which an older binary ignores.
//
//   - duration_models: the tenant's trained models, one per version
//     (domain/predict_store.go). state is "active" for the one the
//     planner uses (at most one), "previous" for a model it replaced or a
//     rolled-back one, "rejected" for a candidate that was worse on the
//     held-out period. params is the fitted model (domain.DurationParams),
//     metrics its measure on that period (MAE in days, P80 coverage).
//   - duration_predictions: the prediction shown for a task at planning
//     time (one per task, refreshed until the task is finished), and its
//     actual duration once finished: the accuracy dashboard.
//
// Office roles read both; nobody writes through the REST API.
func durationModelsUp(app core.App) error {
	b := pbm.NewBase(app, "duration_models").
		Add(
			pbm.Int("version", false),
			pbm.Select("state", true, "active", "previous", "rejected"),
			pbm.Date("trained_at", true),
			pbm.Date("data_from", false),
			pbm.Date("data_to", false),
			pbm.Date("holdout_from", false),
			pbm.Int("n_train", false),
			pbm.JSON("features"),
			pbm.JSON("params"),
			pbm.JSON("metrics"),
			pbm.Text("decision", false, 100),
		).
		Rel("trained_by", "users", false, 1, false).
		Index(true, "version").
		Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil)
	if err := b.Save(); err != nil {
		return err
	}
	return pbm.NewBase(app, "duration_predictions").
		Rel("task", "tasks", true, 1, true).
		Rel("site", "sites", false, 1, true).
		Rel("work_type", "work_types", false, 1, false).
		Add(
			pbm.Int("model_version", false),
			pbm.Number("planned_days", false, nil, nil),
			pbm.Number("p50_days", false, nil, nil),
			pbm.Number("p80_days", false, nil, nil),
			pbm.Int("n_similar", false),
			pbm.Date("predicted_at", true),
			pbm.Number("actual_days", false, nil, nil),
			pbm.Date("done_at", false),
		).
		Index(true, "task").
		Index(false, "done_at").
		Rules(pbm.Rule(ruleOffice), pbm.Rule(ruleOffice), nil, nil, nil).
		Save()
}
