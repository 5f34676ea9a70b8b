package domain

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Model states of duration_models.
const (
	DurationActive   = "active"
	DurationPrevious = "previous"
	DurationRejected = "rejected"
)

// durationRow is a completed task with the span of its time entries.
type durationRow struct {
	ID        string  `db:"id"`
	WorkType  string  `db:"work_type"`
	Site      string  `db:"site"`
	Sector    string  `db:"sector"`
	Assignees string  `db:"assignees"`
	Start     string  `db:"planned_start"`
	Planned   float64 `db:"duration_days"`
	First     string  `db:"first_in"`
	Last      string  `db:"last_in"`
}

// durationRows reads completed tasks (done or validated) having time
// entries (rejected ones left out); ids narrows to those tasks.
func durationRows(app core.App, ids []string) ([]durationRow, error) {
	q := app.DB().Select("t.id", "t.work_type", "t.site", "s.sector", "t.assignees", "t.planned_start", "t.duration_days",
		"MIN(te.clock_in) AS first_in", "MAX(te.clock_in) AS last_in").
		From(CollectionTasks+" t").
		InnerJoin(CollectionSites+" s", dbx.NewExp("s.id = t.site")).
		InnerJoin(CollectionTimeEntries+" te", dbx.NewExp("te.task = t.id AND te.status != 'rejected' AND te.clock_in != ''")).
		Where(dbx.In("t.status", "done", "validated")).
		GroupBy("t.id")
	if ids != nil {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		q = q.AndWhere(dbx.In("t.id", args...))
	}
	var rows []durationRow
	return rows, q.All(&rows)
}

// obs turns a row into an observation: the actual duration is the count
// of working days from the first time entry's day to the last one's,
// inclusive, in the tenant's calendar (at least one).
func (r durationRow) obs(f *TenantFacts) DurationObs {
	first, _ := types.ParseDateTime(r.First)
	last, _ := types.ParseDateTime(r.Last)
	start, _ := types.ParseDateTime(r.Start)
	var crew []string
	_ = json.Unmarshal([]byte(r.Assignees), &crew)
	loc := f.Location()
	actual := f.Calendar().WorkingDaysBetween(CivilDate(first.Time(), loc), CivilDate(last.Time(), loc))
	return DurationObs{WorkType: r.WorkType, Sector: r.Sector, Site: r.Site, Crew: len(crew), Start: start.Time(),
		Done: last.Time(), PlannedDays: r.Planned, ActualDays: float64(max(1, actual))}
}

// LoadDurationObs reads the tenant's completed tasks as observations.
func LoadDurationObs(app core.App) ([]DurationObs, error) {
	rows, err := durationRows(app, nil)
	if err != nil {
		return nil, err
	}
	f := TenantFactsOf(app)
	out := make([]DurationObs, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.obs(f))
	}
	return out, nil
}

// ActiveDurationModel returns the tenant's active model and its
// parameters; ok false when none was promoted yet.
func ActiveDurationModel(app core.App) (DurationModel, *DurationParams, bool, error) {
	recs, err := app.FindRecordsByFilter(CollectionDurationModels, "state = {:s}", "-version", 1, 0, dbx.Params{"s": DurationActive})
	if err != nil || len(recs) == 0 {
		return DurationModel{}, nil, false, err
	}
	m := DurationModel{recs[0]}
	var p DurationParams
	if err := json.Unmarshal(m.Params(), &p); err != nil {
		return m, nil, false, err
	}
	return m, &p, true, nil
}

// FindDurationModels lists the tenant's model versions, newest first.
func FindDurationModels(app core.App) ([]DurationModel, error) {
	recs, err := app.FindRecordsByFilter(CollectionDurationModels, "", "-version", 200, 0)
	return AsDurationModels(recs), err
}

// ModelMetrics decodes a model's stored held-out metrics.
func (d DurationModel) ModelMetrics() DurationMetrics {
	var m DurationMetrics
	_ = json.Unmarshal(d.Metrics(), &m)
	return m
}

// DurationTraining is the outcome of a training run.
type DurationTraining struct {
	Model    DurationModel
	Promoted bool
	Reason   string // catalogue key (ShouldPromote)
	// Active is the previous active model's metrics on the same held-out
	// period (nil without one).
	Active *DurationMetrics
}

// TrainDurationModel trains a candidate on the tenant's completed tasks,
// stores it as the next version and promotes it (the old active one
// becomes "previous") only if ShouldPromote says it is not worse on the
// held-out recent period; else it is stored as "rejected". actor is the
// user who asked ("" for the nightly job). With no completed task it
// answers EInvalid err.predict.no_history.
func TrainDurationModel(app core.App, actor string, now time.Time) (DurationTraining, error) {
	obs, err := LoadDurationObs(app)
	if err != nil {
		return DurationTraining{}, err
	}
	if len(obs) == 0 {
		return DurationTraining{}, Errorf(EInvalid, "err.predict.no_history")
	}
	fit := FitDuration(obs)
	var out DurationTraining
	old, oldParams, hasOld, err := ActiveDurationModel(app)
	if err != nil {
		return out, err
	}
	if hasOld {
		m := EvaluateDuration(oldParams, fit.Holdout)
		out.Active = &m
	}
	out.Promoted, out.Reason = ShouldPromote(fit.Metrics, out.Active)
	err = app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId(CollectionDurationModels)
		if err != nil {
			return err
		}
		var top struct {
			V int `db:"v"`
		}
		if err := tx.DB().Select("COALESCE(MAX(version), 0) AS v").From(CollectionDurationModels).One(&top); err != nil {
			return err
		}
		m := DurationModel{core.NewRecord(col)}
		params, _ := json.Marshal(fit.Params)
		metrics, _ := json.Marshal(fit.Metrics)
		features, _ := json.Marshal(DurationFeatures)
		m.SetVersion(top.V + 1)
		m.SetTrainedAt(now)
		m.SetDataFrom(fit.From)
		m.SetDataTo(fit.To)
		m.SetHoldoutFrom(fit.HoldoutAt)
		m.SetNTrain(fit.NTrain)
		m.SetParams(params)
		m.SetMetrics(metrics)
		m.SetFeatures(features)
		m.SetDecision(out.Reason)
		m.SetTrainedByID(actor)
		m.SetState(DurationRejected)
		if out.Promoted {
			m.SetState(DurationActive)
			if hasOld {
				if err := setModelState(tx, old.Record, DurationPrevious, actor); err != nil {
					return err
				}
			}
		}
		SetActor(m.Record, actorOr(actor))
		out.Model = m
		return tx.Save(m.Record)
	})
	return out, err
}

// actorOr names the audit actor of a model change.
func actorOr(actor string) string {
	if actor == "" {
		return "system"
	}
	return actor
}

// setModelState saves a model's new state, audited under actor.
func setModelState(tx core.App, r *core.Record, state, actor string) error {
	r.Set("state", state)
	SetActor(r, actorOr(actor))
	return tx.Save(r)
}

// RollbackDurationModel makes a previous version the active one again
// (the active one becomes "previous"); the change is audited under
// actor. Only "previous" versions can be reactivated: a rejected model
// was worse. ENotFound for an unknown version, EConflict otherwise.
func RollbackDurationModel(app core.App, actor string, version int) error {
	return app.RunInTransaction(func(tx core.App) error {
		recs, err := tx.FindRecordsByFilter(CollectionDurationModels, "version = {:v}", "", 1, 0, dbx.Params{"v": version})
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return Errorf(ENotFound, "err.predict.no_version", version)
		}
		if recs[0].GetString("state") != DurationPrevious {
			return Errorf(EConflict, "err.predict.not_previous", version)
		}
		if old, _, ok, err := ActiveDurationModel(tx); err != nil {
			return err
		} else if ok {
			if err := setModelState(tx, old.Record, DurationPrevious, actor); err != nil {
				return err
			}
		}
		return setModelState(tx, recs[0], DurationActive, actor)
	})
}
