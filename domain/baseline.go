package domain

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// CollectionBaselines holds the saved baselines of site plans.
const CollectionBaselines = "plan_baselines"

// maxBaselinesPerSite bounds the baselines kept per site (the oldest one
// must be deleted before a new one is saved beyond it).
const maxBaselinesPerSite = 20

// BaselineTask is a task as it was planned when the baseline was taken.
type BaselineTask struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Start    string `json:"start"` // YYYY-MM-DD
	End      string `json:"end"`   // YYYY-MM-DD
	Duration int    `json:"duration_days"`
	Critical bool   `json:"critical"`
}

// Baseline is a frozen copy of a site's schedule, to compare the current
// plan against it.
type Baseline struct {
	ID, Name string
	TakenAt  time.Time
	TakenBy  string
	Finish   time.Time // civil date
	Tasks    []BaselineTask
}

// SaveBaseline freezes the site's current schedule (early dates) under a
// name. Business rules: who may plan the site (CanEditSiteDay) saves its
// baselines; a name is required (≤ 120 characters) and unique on the site;
// at most 20 baselines per site; an empty plan has nothing to freeze.
func SaveBaseline(app core.App, actor *core.Record, siteID, name string, now time.Time) (*core.Record, error) {
	site, err := planSite(app, actor, siteID)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return nil, FieldError("name", "err.baseline.name_required")
	case len([]rune(name)) > 120:
		return nil, FieldError("name", "err.baseline.name_too_long")
	}
	existing, err := app.FindRecordsByFilter(CollectionBaselines, "site = {:s}", "", 0, 0, map[string]any{"s": site.Id})
	if err != nil {
		return nil, err
	}
	for _, b := range existing {
		if strings.EqualFold(b.GetString("name"), name) {
			return nil, FieldError("name", "err.baseline.name_taken", name)
		}
	}
	if len(existing) >= maxBaselinesPerSite {
		return nil, FieldError("name", "err.baseline.too_many", maxBaselinesPerSite)
	}
	plan, err := LoadSitePlan(app, site.Id, now)
	if err != nil {
		return nil, err
	}
	if len(plan.Schedule.Tasks) == 0 {
		return nil, FieldError("name", "err.baseline.empty_schedule")
	}
	tasks := make([]BaselineTask, 0, len(plan.Schedule.Tasks))
	for _, t := range plan.Schedule.Tasks {
		tasks = append(tasks, BaselineTask{ID: t.ID, Title: t.Title, Start: t.EarlyStart.Format(time.DateOnly),
			End: t.EarlyFinish.Format(time.DateOnly), Duration: t.Duration, Critical: t.Critical})
	}
	col, err := app.FindCollectionByNameOrId(CollectionBaselines)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"site": site.Id, "name": name, "taken_at": now.UTC(), "taken_by": actor.Id,
		"finish": dateOnly(plan.Schedule.Finish), "tasks": tasks})
	setActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteBaseline removes a baseline of a site the actor may plan.
func DeleteBaseline(app core.App, actor *core.Record, siteID, id string) error {
	if _, err := planSite(app, actor, siteID); err != nil {
		return err
	}
	r, err := app.FindRecordById(CollectionBaselines, id)
	if err != nil || r.GetString("site") != siteID {
		return Errorf(ENotFound, "err.baseline.not_found")
	}
	setActor(r, actor)
	return app.Delete(r)
}

// FindBaselines returns a site's baselines, newest first.
func FindBaselines(app core.App, siteID string) ([]Baseline, error) {
	recs, err := app.FindRecordsByFilter(CollectionBaselines, "site = {:s}", "-taken_at", 0, 0, map[string]any{"s": siteID})
	if err != nil {
		return nil, err
	}
	out := make([]Baseline, 0, len(recs))
	for _, r := range recs {
		b, err := baselineOf(r)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// FindBaseline returns one baseline of a site, or ENotFound.
func FindBaseline(app core.App, siteID, id string) (Baseline, error) {
	r, err := app.FindRecordById(CollectionBaselines, id)
	if err != nil || r.GetString("site") != siteID {
		return Baseline{}, Errorf(ENotFound, "err.baseline.not_found")
	}
	return baselineOf(r)
}

func baselineOf(r *core.Record) (Baseline, error) {
	b := Baseline{ID: r.Id, Name: r.GetString("name"), TakenAt: r.GetDateTime("taken_at").Time(), TakenBy: r.GetString("taken_by"),
		Finish: civilOfDB(r.GetDateTime("finish").Time())}
	raw := r.GetString("tasks")
	if raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &b.Tasks); err != nil {
			return Baseline{}, Errorf(EInvalid, "err.baseline.unreadable", err)
		}
	}
	return b, nil
}

// civilOfDB reads a date stored at midnight UTC as a civil date.
func civilOfDB(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// TaskVariance compares one task with its baseline.
type TaskVariance struct {
	ID, Title            string
	InBaseline, InPlan   bool
	BaseStart, BaseEnd   time.Time // civil dates; zero when not in the baseline
	StartSlip, EndSlip   int       // working days, positive = later than the baseline
	Start, End           time.Time // current early dates; zero when removed
	BaselineTitleChanged bool
}

// PlanVariance is the comparison of a plan with a baseline.
type PlanVariance struct {
	Baseline   Baseline
	Tasks      map[string]TaskVariance // by task id, plan tasks and removed ones
	Removed    []TaskVariance          // in the baseline, no longer in the plan
	FinishSlip int                     // working days, positive = the project finishes later
}

// CompareBaseline computes the slip of each task and of the project
// finish in working days of the tenant's calendar.
func CompareBaseline(p *SitePlan, b Baseline) PlanVariance {
	v := PlanVariance{Baseline: b, Tasks: map[string]TaskVariance{}}
	base := make(map[string]BaselineTask, len(b.Tasks))
	for _, bt := range b.Tasks {
		base[bt.ID] = bt
	}
	for _, t := range p.Schedule.Tasks {
		tv := TaskVariance{ID: t.ID, Title: t.Title, InPlan: true, Start: t.EarlyStart, End: t.EarlyFinish}
		if bt, ok := base[t.ID]; ok {
			tv.InBaseline = true
			tv.BaseStart, _ = time.Parse(time.DateOnly, bt.Start)
			tv.BaseEnd, _ = time.Parse(time.DateOnly, bt.End)
			tv.StartSlip = Slip(p.Calendar, tv.BaseStart, t.EarlyStart)
			tv.EndSlip = Slip(p.Calendar, tv.BaseEnd, t.EarlyFinish)
			tv.BaselineTitleChanged = bt.Title != t.Title
		}
		v.Tasks[t.ID] = tv
	}
	for _, bt := range b.Tasks {
		if _, ok := v.Tasks[bt.ID]; ok {
			continue
		}
		tv := TaskVariance{ID: bt.ID, Title: bt.Title, InBaseline: true}
		tv.BaseStart, _ = time.Parse(time.DateOnly, bt.Start)
		tv.BaseEnd, _ = time.Parse(time.DateOnly, bt.End)
		v.Removed = append(v.Removed, tv)
	}
	if !b.Finish.IsZero() && len(p.Schedule.Tasks) > 0 {
		v.FinishSlip = Slip(p.Calendar, b.Finish, p.Schedule.Finish)
	}
	return v
}

// Slip is the signed number of working days from a to b: 0 on the same
// day, +n when b is n working days after a, -n when before.
func Slip(cal *WorkCalendar, a, b time.Time) int {
	switch {
	case a.IsZero() || b.IsZero():
		return 0
	case b.After(a):
		return cal.WorkingDaysBetween(a.AddDate(0, 0, 1), b)
	case a.After(b):
		return -cal.WorkingDaysBetween(b.AddDate(0, 0, 1), a)
	}
	return 0
}
