package domain

import (
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// DispatchWeek is the dispatch board's data for one ISO week: the
// roster of the week (people, crews, sites, tasks) and which tasks the
// actor sees and may plan. Built with one query per collection.
type DispatchWeek struct {
	Monday  time.Time
	Days    []time.Time // Monday … Sunday
	Roster  *Roster
	Tasks   []TaskSlot      // the week's tasks the actor sees, by start then title
	CanPlan map[string]bool // task id → the actor may assign it
	Sites   []SiteInfo      // sites of the week's tasks, by code
}

// LoadDispatchWeek loads the board of the week starting on monday.
func LoadDispatchWeek(app core.App, actor *core.Record, monday time.Time) (*DispatchWeek, error) {
	monday = WeekMonday(monday)
	sunday := monday.AddDate(0, 0, 6)
	roster, err := LoadRoster(app, monday, sunday)
	if err != nil {
		return nil, err
	}
	sites, err := app.FindAllRecords(CollectionSites)
	if err != nil {
		return nil, err
	}
	siteRecs := make(map[string]*core.Record, len(sites))
	for _, s := range sites {
		siteRecs[s.Id] = s
	}
	w := &DispatchWeek{Monday: monday, Roster: roster, CanPlan: map[string]bool{}}
	for i := 0; i < 7; i++ {
		w.Days = append(w.Days, monday.AddDate(0, 0, i))
	}
	seen := map[string]bool{}
	for _, t := range roster.Tasks {
		s := siteRecs[t.Site]
		if t.Start.After(sunday) || t.End.Before(monday) || !CanSeeSite(actor, s) {
			continue
		}
		w.Tasks = append(w.Tasks, t)
		w.CanPlan[t.ID] = CanEditSiteDay(actor, s)
		if !seen[t.Site] {
			seen[t.Site] = true
			w.Sites = append(w.Sites, roster.Sites[t.Site])
		}
	}
	slices.SortFunc(w.Sites, func(a, b SiteInfo) int { return strings.Compare(a.Code, b.Code) })
	return w, nil
}

// Unassigned returns the week's tasks nobody holds.
func (w *DispatchWeek) Unassigned() []TaskSlot {
	var out []TaskSlot
	for _, t := range w.Tasks {
		if t.Unassigned() {
			out = append(out, t)
		}
	}
	return out
}

// PersonDay returns the tasks a person holds on a day (as an assignee
// or through their crew).
func (w *DispatchWeek) PersonDay(person string, day time.Time) []TaskSlot {
	var out []TaskSlot
	for _, t := range w.Tasks {
		if t.Covers(day) && slices.Contains(w.Roster.PeopleOf(t), person) {
			out = append(out, t)
		}
	}
	return out
}

// CrewDay returns the tasks of a crew on a day.
func (w *DispatchWeek) CrewDay(crew string, day time.Time) []TaskSlot {
	var out []TaskSlot
	for _, t := range w.Tasks {
		if t.Crew == crew && t.Covers(day) {
			out = append(out, t)
		}
	}
	return out
}

// HasWeekendTasks reports whether any task of the week falls on a
// Saturday or Sunday (the board then shows those columns).
func (w *DispatchWeek) HasWeekendTasks() bool {
	for _, t := range w.Tasks {
		if t.Covers(w.Days[5]) || t.Covers(w.Days[6]) {
			return true
		}
	}
	return false
}

// ActiveCrews returns the active crews by name.
func (r *Roster) ActiveCrews() []CrewInfo {
	var out []CrewInfo
	for _, c := range r.Crews {
		if c.Active {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b CrewInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// CheckAssign returns the conflicts of assigning a task to a person or
// crew on a day, without saving (what the board shows while dragging).
func CheckAssign(app core.App, actor *core.Record, in AssignInput) ([]Conflict, error) {
	task, _, err := dispatchTask(app, actor, in.Task)
	if err != nil {
		return nil, err
	}
	f := TenantFactsOf(app)
	cal, loc := f.Calendar(), f.Location()
	slot := SlotOf(task, loc)
	moved := moveSlot(cal, slot, in.Day)
	if moved.Start.IsZero() {
		return nil, FieldError("day", "err.assign.task_without_date")
	}
	roster, err := LoadRoster(app, minTime(slot.Start, moved.Start), maxTime(slot.End, moved.End))
	if err != nil {
		return nil, err
	}
	switch {
	case in.User != "":
		if _, ok := roster.People[in.User]; !ok {
			return nil, FieldError("user", "err.assign.person_not_found")
		}
		return roster.CheckAll(moved, []string{in.User}), nil
	case in.Crew != "":
		c, ok := roster.Crews[in.Crew]
		if !ok {
			return nil, FieldError("crew", "err.dispatch.crew_not_found")
		}
		return roster.CheckAll(moved, c.People()), nil
	}
	return nil, FieldError("user", "err.assign.choose_person_or_crew")
}

// RankTask ranks the people for a task the actor plans.
func RankTask(app core.App, actor *core.Record, taskID string) (TaskSlot, []Candidate, error) {
	task, _, err := dispatchTask(app, actor, taskID)
	if err != nil {
		return TaskSlot{}, nil, err
	}
	loc := TenantFactsOf(app).Location()
	slot := SlotOf(task, loc)
	if slot.Start.IsZero() {
		return slot, nil, FieldError("day", "err.dispatch.task_without_date")
	}
	roster, err := LoadRoster(app, slot.Start, slot.End)
	if err != nil {
		return slot, nil, err
	}
	return slot, roster.Rank(slot), nil
}
