package domain

import (
	"slices"
	"sort"
	"time"
)

// ScheduleTask is one task given to the scheduling engine.
//
// Business rules: durations are in working days of the tenant's calendar
// (weekends, French public holidays, company closures). A task that is
// not pinned starts as soon as its predecessors allow, but never before
// its requested Start (a "start no earlier than" date: a task the planner
// dragged later stays where it was put). A pinned task keeps its Start
// whatever its predecessors say; when they would push it, it is flagged
// as a conflict (and gets negative float).
type ScheduleTask struct {
	ID       string
	Title    string
	Start    time.Time // requested start (civil date, see CivilDate); zero: the project start
	Duration int       // working days, 0 for a milestone
	Pinned   bool
}

// ScheduleLink is a dependency predecessor (From) → successor (To) of a
// type FS, SS, FF or SF with a lag in working days (negative: a lead).
type ScheduleLink struct {
	From, To string
	Type     string
	Lag      int
}

// ScheduleInput is a network to schedule.
type ScheduleInput struct {
	Start time.Time // project start; zero: the earliest task start
	Tasks []ScheduleTask
	Links []ScheduleLink
}

// ScheduledTask is a task with its computed dates. Dates are civil
// dates (midnight UTC); finishes are the last worked day (inclusive).
type ScheduledTask struct {
	ScheduleTask
	EarlyStart, EarlyFinish time.Time
	LateStart, LateFinish   time.Time
	TotalFloat              int  // working days the task may slip without delaying the project
	Critical                bool // no float: on the critical path
	Conflict                bool // pinned before what its predecessors allow
	// Driven: not pinned, and its predecessors (not its own requested
	// start) set its early start: shortening a predecessor may bring it
	// back (see extendTask).
	Driven bool
}

// Schedule is the result of ComputeSchedule: the tasks in input order.
type Schedule struct {
	Start, Finish time.Time // first and last worked day of the project
	Tasks         []ScheduledTask
	index         map[string]int
}

// Task returns the scheduled task with that id.
func (s *Schedule) Task(id string) (ScheduledTask, bool) {
	i, ok := s.index[id]
	if !ok {
		return ScheduledTask{}, false
	}
	return s.Tasks[i], true
}

// CriticalPath returns the ids of the critical tasks by early start.
func (s *Schedule) CriticalPath() []string {
	var crit []ScheduledTask
	for _, t := range s.Tasks {
		if t.Critical {
			crit = append(crit, t)
		}
	}
	slices.SortStableFunc(crit, func(a, b ScheduledTask) int { return a.EarlyStart.Compare(b.EarlyStart) })
	ids := make([]string, len(crit))
	for i, t := range crit {
		ids[i] = t.ID
	}
	return ids
}

// CivilDate returns the civil date of a stored timestamp at midnight UTC:
// a value stored at exactly midnight UTC is a date-only value and keeps
// its UTC date; any other instant is read in the tenant's zone loc.
func CivilDate(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	u := t.UTC()
	if h, m, s := u.Clock(); h != 0 || m != 0 || s != 0 || u.Nanosecond() != 0 {
		u = t.In(loc)
	}
	y, mo, d := u.Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
}

// ComputeSchedule schedules a network over the working calendar: forward
// pass (early dates), backward pass from the project finish (late
// dates), total float and critical path. Unknown link ends, self-links,
// bad types, negative durations and cycles are coded EInvalid errors; a
// cycle's message names its tasks.
func ComputeSchedule(cal *WorkCalendar, in ScheduleInput) (*Schedule, error) {
	s := &Schedule{Tasks: make([]ScheduledTask, len(in.Tasks)), index: make(map[string]int, len(in.Tasks))}
	if len(in.Tasks) == 0 {
		return s, nil
	}
	start := in.Start
	for i, t := range in.Tasks {
		if _, dup := s.index[t.ID]; dup {
			return nil, Errorf(EInvalid, "err.planning.duplicate_task", t.ID)
		}
		if t.Duration < 0 {
			return nil, FieldError("duration_days", "err.planning.negative_duration", t.Title)
		}
		s.index[t.ID] = i
		if !t.Start.IsZero() && (start.IsZero() || t.Start.Before(start)) && in.Start.IsZero() {
			start = t.Start
		}
	}
	if start.IsZero() {
		return nil, FieldError("start", "err.planning.no_start")
	}
	w := newWorkIndex(cal, civilOf(start))
	net := cpmNet{dur: make([]int, len(in.Tasks)), min: make([]int, len(in.Tasks)), pinned: make([]bool, len(in.Tasks)),
		edges: make([]cpmEdge, 0, len(in.Links))}
	for i, t := range in.Tasks {
		net.dur[i], net.pinned[i] = t.Duration, t.Pinned
		if !t.Start.IsZero() {
			net.min[i] = w.indexOf(civilOf(t.Start))
		}
	}
	for _, l := range in.Links {
		from, ok1 := s.index[l.From]
		to, ok2 := s.index[l.To]
		switch {
		case !ok1 || !ok2:
			return nil, Errorf(EInvalid, "err.planning.link_to_unknown")
		case from == to:
			return nil, FieldError("to", "err.planning.self_link")
		case !ValidLinkType(l.Type):
			return nil, FieldError("type", "err.planning.unknown_link_type", l.Type)
		}
		net.edges = append(net.edges, cpmEdge{from: from, to: to, kind: l.Type, lag: l.Lag})
	}
	r, cycle := net.solve()
	if cycle != nil {
		names := make([]string, len(cycle))
		for i, k := range cycle {
			names[i] = in.Tasks[k].Title
			if names[i] == "" {
				names[i] = in.Tasks[k].ID
			}
		}
		return nil, cycleError(names)
	}
	last := func(startIdx, finishIdx int) time.Time {
		if finishIdx > startIdx {
			return w.dayOf(finishIdx - 1).utc()
		}
		return w.dayOf(startIdx).utc()
	}
	first := 0
	for i, t := range in.Tasks {
		st := ScheduledTask{ScheduleTask: t,
			EarlyStart: w.dayOf(r.es[i]).utc(), EarlyFinish: last(r.es[i], r.ef[i]),
			LateStart: w.dayOf(r.ls[i]).utc(), LateFinish: last(r.ls[i], r.lf[i]),
			TotalFloat: r.ls[i] - r.es[i], Conflict: r.conflict[i], Driven: r.driven[i]}
		st.Critical = st.TotalFloat <= 0
		s.Tasks[i] = st
		if i == 0 || r.es[i] < first {
			first = r.es[i]
		}
	}
	s.Start, s.Finish = w.dayOf(first).utc(), w.dayOf(r.finish-1).utc()
	return s, nil
}

// workIndex numbers the working days of a calendar around a base day
// (index 0; a non-working base counts from the next working day). The
// table grows on demand in both directions, a year at a time.
type workIndex struct {
	k    dayCursor
	days []civilDay // working days, ascending
	k0   int        // position of index 0 in days
}

func newWorkIndex(cal *WorkCalendar, base civilDay) *workIndex {
	w := &workIndex{k: cal.cursor()}
	for d := base; d < base+366; d++ {
		if w.k.working(d) {
			w.days = append(w.days, d)
		}
	}
	return w
}

// grow adds a year of working days after the table (forward) or before.
func (w *workIndex) grow(forward bool) {
	if forward {
		from := w.days[len(w.days)-1] + 1
		for d := from; d < from+366; d++ {
			if w.k.working(d) {
				w.days = append(w.days, d)
			}
		}
		return
	}
	var more []civilDay
	to := w.days[0] - 1
	for d := to - 365; d <= to; d++ {
		if w.k.working(d) {
			more = append(more, d)
		}
	}
	w.days = append(more, w.days...)
	w.k0 += len(more)
}

// indexOf returns the index of d, or of the next working day after it.
func (w *workIndex) indexOf(d civilDay) int {
	for d < w.days[0] {
		w.grow(false)
	}
	for d > w.days[len(w.days)-1] {
		w.grow(true)
	}
	return sort.Search(len(w.days), func(k int) bool { return w.days[k] >= d }) - w.k0
}

// dayOf returns the working day of index i.
func (w *workIndex) dayOf(i int) civilDay {
	for i+w.k0 < 0 {
		w.grow(false)
	}
	for i+w.k0 >= len(w.days) {
		w.grow(true)
	}
	return w.days[i+w.k0]
}
