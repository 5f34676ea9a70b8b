package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// TaskDates are a task's planned dates: civil dates (midnight UTC, see
// CivilDate), the end inclusive, the duration in working days.
type TaskDates struct {
	Start, End time.Time
	Duration   int
}

// TaskDatesChange is a change of a task's dates given to
// NormalizeTaskDates.
type TaskDatesChange struct {
	TaskDates                // asked: Start, End (zero: none) and Duration (0: none)
	EndSet, DurationSet bool // the change sets End, Duration (a new task sets both)
	Stored              TaskDates
	// Strict is a planner's move on the Gantt or the dispatch board: its
	// start and its end must be working days, and refusals name the
	// fields start and end. Otherwise (a saved record: REST API, sync,
	// pages) the start moves to the next working day.
	Strict bool
}

// NormalizeTaskDates is the date rule of a task, the one every path
// applies (MoveTask for the Gantt and the dispatch board, the task save
// hook for the REST API, sync and every other save):
//
//   - without a start a task is not scheduled: its dates are kept as
//     given (a strict move is refused);
//   - the start is a working day of the tenant's calendar: a strict move
//     on another day is refused, naming the public holiday, else the start
//     moves to the next working day;
//   - the end must not be before the start (when the change sets it, or
//     when there is no duration to derive it from);
//   - the duration: a set duration wins over a set end; a set end gives
//     the working days from the start to the end; else the duration is
//     kept (a moved task keeps its duration); else the stored span;
//     at least one day;
//   - the end is the start plus the duration in working days.
func NormalizeTaskDates(cal *WorkCalendar, c TaskDatesChange) (TaskDates, error) {
	if c.Start.IsZero() {
		if c.Strict {
			return TaskDates{}, FieldError("start", "err.planning.start_required")
		}
		return c.TaskDates, nil
	}
	if c.Strict {
		if err := workingDayError(cal, "start", c.Start); err != nil {
			return TaskDates{}, err
		}
	}
	if !c.End.IsZero() && c.End.Before(c.Start) && (c.EndSet || c.Duration == 0) {
		if c.Strict {
			return TaskDates{}, FieldError("end", "err.end_before_start")
		}
		return TaskDates{}, FieldError("planned_end", "err.planning.end_before_start")
	}
	if c.Strict && c.EndSet && !c.End.IsZero() {
		if err := workingDayError(cal, "end", c.End); err != nil {
			return TaskDates{}, err
		}
	}
	dur := c.Duration
	switch {
	case c.DurationSet && dur > 0:
	case c.EndSet && !c.End.IsZero():
		dur = cal.WorkingDaysBetween(c.Start, c.End)
	case dur > 0:
	case !c.Stored.Start.IsZero() && !c.Stored.End.IsZero():
		dur = cal.WorkingDaysBetween(c.Stored.Start, c.Stored.End)
	}
	dur = max(dur, 1)
	start := cal.NextWorkingDay(c.Start)
	return TaskDates{Start: start, End: cal.AddWorkingDays(start, dur-1), Duration: dur}, nil
}

// taskDatesOf reads a task record's planned dates as civil dates in the
// tenant's zone loc.
func taskDatesOf(r *core.Record, loc *time.Location) TaskDates {
	return TaskDates{Start: CivilDate(r.GetDateTime("planned_start").Time(), loc), End: CivilDate(r.GetDateTime("planned_end").Time(), loc),
		Duration: int(r.GetFloat("duration_days") + 0.5)}
}

// setTaskDates writes planned dates on a task record.
func setTaskDates(r *core.Record, d TaskDates) {
	r.Load(map[string]any{"planned_start": dateOnly(d.Start), "planned_end": dateOnly(d.End), "duration_days": d.Duration})
}

// normalizeTaskRecord applies NormalizeTaskDates to a task being saved:
// the change is what differs from its original (all of it for a new
// task).
func normalizeTaskRecord(cal *WorkCalendar, loc *time.Location, r *core.Record) error {
	o := r.Original()
	if o == nil {
		o = r
	}
	c := TaskDatesChange{TaskDates: taskDatesOf(r, loc), Stored: taskDatesOf(o, loc),
		DurationSet: r.IsNew() || r.GetFloat("duration_days") != o.GetFloat("duration_days"),
		EndSet:      r.IsNew() || !r.GetDateTime("planned_end").Equal(o.GetDateTime("planned_end"))}
	d, err := NormalizeTaskDates(cal, c)
	if err != nil || d.Start.IsZero() {
		return err
	}
	setTaskDates(r, d)
	return nil
}
