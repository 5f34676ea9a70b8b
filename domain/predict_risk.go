package domain

import (
	"math"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// PlanRisk is the finish-date risk of a site's plan (issue #23): the
// plan rescheduled with every unfinished task at its P80 duration (the
// same CPM, links and pinned starts), i.e. the sum of the P80s along the
// critical path of that schedule.
type PlanRisk struct {
	PlannedFinish, P80Finish time.Time
	// PlannedDays and P80Days are the working days from the project
	// start to each finish.
	PlannedDays, P80Days int
	ModelVersion         int
}

// SitePlanRisk computes the risk of a loaded plan; ok false when the
// tenant has no active model or the plan no task.
func SitePlanRisk(app core.App, p *SitePlan) (PlanRisk, bool, error) {
	m, params, ok, err := ActiveDurationModel(app)
	if err != nil || !ok || len(p.Schedule.Tasks) == 0 {
		return PlanRisk{}, false, err
	}
	sector := p.Site.GetString("sector")
	in := ScheduleInput{Start: p.Schedule.Start}
	for _, st := range p.Schedule.Tasks {
		t := st.ScheduleTask
		if r := p.Tasks[t.ID]; r != nil && t.Duration > 0 && !contains(finishedStatuses(), r.GetString("status")) {
			pr := params.Predict(DurationQuery{WorkType: r.GetString("work_type"), Sector: sector, Site: p.Site.Id,
				Crew: len(r.GetStringSlice("assignees")), Start: st.EarlyStart, PlannedDays: float64(t.Duration)})
			t.Duration = max(1, int(math.Ceil(pr.P80Days)))
		}
		in.Tasks = append(in.Tasks, t)
	}
	for _, l := range p.Links {
		in.Links = append(in.Links, scheduleLink(l))
	}
	s, err := ComputeSchedule(p.Calendar, in)
	if err != nil {
		return PlanRisk{}, false, err
	}
	return PlanRisk{PlannedFinish: p.Schedule.Finish, P80Finish: s.Finish, ModelVersion: m.Version(),
		PlannedDays: p.Calendar.WorkingDaysBetween(p.Schedule.Start, p.Schedule.Finish),
		P80Days:     p.Calendar.WorkingDaysBetween(s.Start, s.Finish)}, true, nil
}
