package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// TaskDurationPrediction is the prediction of one task for the planner
// and the API (GET /api/fieldops/tasks/{id}/duration-prediction).
type TaskDurationPrediction struct {
	DurationPrediction
	TaskID       string  `json:"task_id"`
	PlannedDays  float64 `json:"planned_days"`
	ModelVersion int     `json:"model_version"` // 0: no model yet
	// Reason is the catalogue key of the explanation and ReasonArgs its
	// arguments (rendered by the caller in the reader's language).
	Reason     string `json:"-"`
	ReasonArgs []any  `json:"-"`
}

// durationQueryOf describes a task (its site's sector, its crew size).
func durationQueryOf(app core.App, t Task) DurationQuery {
	q := DurationQuery{WorkType: t.WorkTypeID(), Site: t.SiteID(), Crew: len(t.AssigneeIDs()), Start: t.PlannedStart(), PlannedDays: t.DurationDays()}
	if s, err := FindSite(app, t.SiteID()); err == nil {
		q.Sector = s.Sector()
	}
	if q.PlannedDays <= 0 && q.WorkType != "" {
		if wt, err := FindWorkType(app, q.WorkType); err == nil {
			q.PlannedDays = wt.DefaultDays()
		}
	}
	return q
}

// PredictDuration predicts q with the tenant's active model (without
// one: the planned duration, model version 0).
func PredictDuration(app core.App, q DurationQuery) (TaskDurationPrediction, error) {
	out := TaskDurationPrediction{PlannedDays: q.PlannedDays}
	m, p, ok, err := ActiveDurationModel(app)
	if err != nil {
		return out, err
	}
	if !ok {
		p = &DurationParams{}
	} else {
		out.ModelVersion = m.Version()
	}
	out.DurationPrediction = p.Predict(q)
	switch out.Level {
	case "work_type":
		out.Reason, out.ReasonArgs = "predict.reason.work_type", []any{out.NSimilar}
	case "sector", "tenant":
		out.Reason, out.ReasonArgs = "predict.reason."+out.Level, []any{out.NSimilar}
	default:
		out.Reason = "predict.reason.none"
	}
	return out, nil
}

// PredictTaskDuration predicts a stored task's duration.
func PredictTaskDuration(app core.App, taskID string) (TaskDurationPrediction, error) {
	t, err := FindTask(app, taskID)
	if err != nil {
		return TaskDurationPrediction{}, err
	}
	out, err := PredictDuration(app, durationQueryOf(app, t))
	out.TaskID = t.Id
	return out, err
}

// RecordTaskPrediction stores the prediction shown for a task at
// planning time (one per task, refreshed while the task is not finished,
// frozen once its actual duration is known). Tasks without a model or a
// planned duration are not recorded.
func RecordTaskPrediction(app core.App, taskID string, now time.Time) error {
	pr, err := PredictTaskDuration(app, taskID)
	if err != nil || pr.ModelVersion == 0 || pr.PlannedDays <= 0 {
		return err
	}
	t, err := FindTask(app, taskID)
	if err != nil {
		return err
	}
	recs, err := app.FindRecordsByFilter(CollectionDurationPredictions, "task = {:t}", "", 1, 0, dbx.Params{"t": taskID})
	if err != nil {
		return err
	}
	var r DurationPredictionRecord
	if len(recs) > 0 {
		if r = (DurationPredictionRecord{recs[0]}); !r.DoneAt().IsZero() {
			return nil
		}
	} else {
		col, err := app.FindCachedCollectionByNameOrId(CollectionDurationPredictions)
		if err != nil {
			return err
		}
		r = DurationPredictionRecord{core.NewRecord(col)}
		r.SetTaskID(taskID)
	}
	r.SetSiteID(t.SiteID())
	r.SetWorkTypeID(t.WorkTypeID())
	r.SetModelVersion(pr.ModelVersion)
	r.SetPlannedDays(pr.PlannedDays)
	r.SetP50Days(pr.P50Days)
	r.SetP80Days(pr.P80Days)
	r.SetNSimilar(pr.NSimilar)
	r.SetPredictedAt(now)
	return app.Save(r.Record)
}

// RecordOpenPredictions records the prediction of every planned task
// not finished yet that has none (the nightly job: the planner's figures
// of the day) and returns how many it wrote.
func RecordOpenPredictions(app core.App, now time.Time) (int, error) {
	var ids []string
	err := app.DB().Select("t.id").From(CollectionTasks+" t").
		LeftJoin(CollectionDurationPredictions+" p", dbx.NewExp("p.task = t.id")).
		Where(dbx.NotIn("t.status", "done", "validated")).
		AndWhere(dbx.NewExp("p.id IS NULL AND t.duration_days > 0")).Column(&ids)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := RecordTaskPrediction(app, id, now); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// FillActualDurations sets the actual duration (and finish date) of the
// recorded predictions whose task finished; returns how many.
func FillActualDurations(app core.App) (int, error) {
	var ids []string
	err := app.DB().Select("p.task").From(CollectionDurationPredictions+" p").
		InnerJoin(CollectionTasks+" t", dbx.NewExp("t.id = p.task")).
		Where(dbx.In("t.status", "done", "validated")).
		AndWhere(dbx.HashExp{"p.done_at": ""}).Column(&ids)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	rows, err := durationRows(app, ids)
	if err != nil {
		return 0, err
	}
	f := TenantFactsOf(app)
	for _, row := range rows {
		o := row.obs(f)
		recs, err := app.FindRecordsByFilter(CollectionDurationPredictions, "task = {:t}", "", 1, 0, dbx.Params{"t": row.ID})
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		recs[0].Set("actual_days", o.ActualDays)
		recs[0].Set("done_at", o.Done)
		if err := app.Save(recs[0]); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// CanPredictDuration reports whether u sees duration predictions: the
// roles that plan (managers, project managers, site leads, tenant
// admins); crews do not.
func CanPredictDuration(u *core.Record) bool {
	if u == nil || !u.GetBool("active") {
		return false
	}
	r := u.GetString("role")
	return r == RoleManager || r == RoleProjectManager || r == RoleSiteLead || u.GetBool("tenant_admin")
}

// CanManageDurationModels reports whether u trains models on demand and
// rolls back a version: managers, project managers and tenant admins.
func CanManageDurationModels(u *core.Record) bool { return IsOffice(u) }
