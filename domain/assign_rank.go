package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/catalog"
)

// Candidate ranking weights. A candidate starts at 100 points; hard
// requirements (skills, valid clearances, not on leave) are not points:
// whoever misses one ranks after everyone who meets them all.
const (
	rankBase          = 100.0
	rankBusyPenalty   = 40.0 // already on another task those days
	rankLoadPenalty   = 4.0  // per task-day already planned that week
	rankKmPenalty     = 0.5  // per km from the previous site
	rankMaxKmPenalty  = 30.0
	rankMaxLoadPoints = 40.0
)

// Reason explains a candidate's score to the user: a message key
// (dispatch.reason.<code>) with its arguments, its bilingual text, and
// whether it counts for or against the candidate.
type Reason struct {
	Key     string   `json:"key"`
	Args    []string `json:"args"`
	Good    bool     `json:"good"`
	Message string   `json:"message"`
}

// newReason returns the reason of code (requirements, free, busy, load,
// distance, same_site, no_previous, blocked) with its arguments.
func newReason(code string, good bool, args ...string) Reason {
	key := "dispatch.reason." + code
	return Reason{Key: key, Args: args, Good: good, Message: catalog.New(key, anyArgs(args)...).Bilingual()}
}

// Candidate is a person ranked for a task.
type Candidate struct {
	UserID    string     `json:"user"`
	Name      string     `json:"name"`
	Score     int        `json:"score"`
	Eligible  bool       `json:"eligible"` // meets every hard requirement
	Free      bool       `json:"free"`     // no conflict at all
	LoadDays  int        `json:"load_days"`
	DistanceK float64    `json:"distance_km"` // -1 when unknown
	Reasons   []Reason   `json:"reasons"`
	Conflicts []Conflict `json:"conflicts"`
}

// Rank scores every person of the roster for task: the eligible ones
// first (hard requirements met), then by score — free on all the task's
// days, light load that week, close to their previous site — then by
// name.
func (r *Roster) Rank(task TaskSlot) []Candidate {
	out := make([]Candidate, 0, len(r.Order))
	for _, id := range r.Order {
		out = append(out, r.score(task, id))
	}
	slices.SortStableFunc(out, func(a, b Candidate) int {
		switch {
		case a.Eligible != b.Eligible:
			if a.Eligible {
				return -1
			}
			return 1
		case a.Score != b.Score:
			return b.Score - a.Score
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// score computes one person's score and reasons for task.
func (r *Roster) score(task TaskSlot, id string) Candidate {
	p := r.People[id]
	c := Candidate{UserID: id, Name: p.Name, Conflicts: r.Check(task, id), DistanceK: -1}
	c.Eligible, c.Free = !HasBlocking(c.Conflicts), len(c.Conflicts) == 0
	s := rankBase
	if c.Eligible {
		c.Reasons = append(c.Reasons, newReason("requirements", true))
	} else {
		c.Reasons = append(c.Reasons, newReason("blocked", false))
	}
	busy := slices.ContainsFunc(c.Conflicts, func(x Conflict) bool { return x.Code == ConflictDoubleBooking })
	if busy {
		s -= rankBusyPenalty
		c.Reasons = append(c.Reasons, newReason("busy", false))
	} else if c.Eligible {
		c.Reasons = append(c.Reasons, newReason("free", true))
	}
	c.LoadDays = r.weekLoad(task, id)
	s -= math.Min(float64(c.LoadDays)*rankLoadPenalty, rankMaxLoadPoints)
	c.Reasons = append(c.Reasons, newReason("load", c.LoadDays <= 2, fmt.Sprint(c.LoadDays)))
	prev, ok := r.previousSite(task, id)
	here, okHere := r.Sites[task.Site]
	switch {
	case ok && prev.ID == task.Site:
		c.DistanceK = 0
		c.Reasons = append(c.Reasons, newReason("same_site", true))
	case ok && prev.HasPos && okHere && here.HasPos:
		c.DistanceK = math.Round(HaversineM(prev.Lat, prev.Lng, here.Lat, here.Lng)/100) / 10
		s -= math.Min(c.DistanceK*rankKmPenalty, rankMaxKmPenalty)
		c.Reasons = append(c.Reasons, newReason("distance", c.DistanceK <= 20, fmt.Sprintf("%.1f", c.DistanceK), prev.Code))
	default:
		c.Reasons = append(c.Reasons, newReason("no_previous", true))
	}
	c.Score = int(math.Round(s))
	return c
}

// weekLoad counts the person's task-days in the ISO week of the task's
// start, other than the task itself.
func (r *Roster) weekLoad(task TaskSlot, id string) int {
	if task.Start.IsZero() {
		return 0
	}
	mon := WeekMonday(task.Start)
	n := 0
	for _, o := range r.Tasks {
		if o.ID == task.ID || !slices.Contains(r.PeopleOf(o), id) {
			continue
		}
		for d := mon; d.Before(mon.AddDate(0, 0, 7)); d = d.AddDate(0, 0, 1) {
			if o.Covers(d) && r.Calendar.IsWorkingDay(d) {
				n++
			}
		}
	}
	return n
}

// previousSite is where the person works on the task's first day (other
// tasks), else on the working day before.
func (r *Roster) previousSite(task TaskSlot, id string) (SiteInfo, bool) {
	if task.Start.IsZero() {
		return SiteInfo{}, false
	}
	before := r.Calendar.AddWorkingDays(task.Start, -1)
	for _, day := range []time.Time{task.Start, before} {
		for _, o := range r.Tasks {
			if o.ID != task.ID && o.Covers(day) && slices.Contains(r.PeopleOf(o), id) {
				s, ok := r.Sites[o.Site]
				return s, ok
			}
		}
	}
	return SiteInfo{}, false
}

// WeekMonday returns the Monday of d's ISO week (civil date).
func WeekMonday(d time.Time) time.Time {
	y, m, day := d.Date()
	c := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	return c.AddDate(0, 0, -((int(c.Weekday()) + 6) % 7))
}

// PlanningWeekMonday is the week a planner works on by default: the
// current week from Monday to Friday, the next one on Saturday and Sunday
// (on a Sunday evening, this week is over).
func PlanningWeekMonday(today time.Time) time.Time {
	if wd := today.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return WeekMonday(today).AddDate(0, 0, 7)
	}
	return WeekMonday(today)
}

// ParseISOWeek parses "YYYY-Www" (e.g. 2026-W10) into its Monday.
func ParseISOWeek(s string) (time.Time, error) {
	var y, w int
	if n, err := fmt.Sscanf(s, "%4d-W%2d", &y, &w); err != nil || n != 2 || len(s) != 8 || y < 2000 || y > 2200 || w < 1 || w > 53 {
		return time.Time{}, FieldError("week", "err.dispatch.invalid_week")
	}
	mon := WeekMonday(time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)).AddDate(0, 0, 7*(w-1))
	if yy, ww := mon.ISOWeek(); yy != y || ww != w {
		return time.Time{}, FieldError("week", "err.dispatch.no_such_week", w, y)
	}
	return mon, nil
}

// ISOWeekText formats a Monday as "YYYY-Www".
func ISOWeekText(d time.Time) string {
	y, w := d.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
