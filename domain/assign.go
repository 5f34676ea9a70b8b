package domain

import (
	"slices"
	"time"

	"github.com/fieldops360/fieldops/catalog"
)

// Assignment conflicts (module 3, dispatch). Blocking conflicts are the
// legal and human ones — a person without the required skill or a valid
// clearance (habilitation électrique, AIPR, CACES…), or on leave — and
// refuse the assignment unless a project manager overrides them with a
// reason. Warnings are planning ones — the person is already on another
// task those days, the task's vehicle is taken — and are only flagged:
// a lead may well send someone to two short jobs the same day.
const (
	ConflictDoubleBooking   = "double_booking"
	ConflictLeave           = "leave"
	ConflictMissingSkill    = "missing_skill"
	ConflictMissingClear    = "missing_clearance"
	ConflictExpiredClear    = "expired_clearance"
	ConflictVehicleTaken    = "vehicle_taken"
	SeverityBlocking        = "blocking"
	SeverityWarning         = "warning"
	conflictKeyPrefix       = "dispatch.conflict."
	dispatchDateFormat      = "02/01/2006"
	MinOverrideReasonLength = 10
)

// Conflict is one reason not to assign a person to a task. Key is the
// message key (dispatch.conflict.<code>) whose %s placeholders take Args
// in order; Message is the same text in French and English, kept with the
// overrides stored in the database.
type Conflict struct {
	Code     string   `json:"code"`
	Severity string   `json:"severity"`
	Key      string   `json:"key"`
	Args     []string `json:"args"`
	Person   string   `json:"person,omitempty"`
	Message  string   `json:"message"`
}

// Blocking reports whether the conflict refuses the assignment.
func (c Conflict) Blocking() bool { return c.Severity == SeverityBlocking }

// Text returns the conflict's message: its key with its arguments.
func (c Conflict) Text() catalog.Text { return catalog.New(c.Key, anyArgs(c.Args)...) }

// anyArgs converts message arguments for catalog.New.
func anyArgs(args []string) []any {
	a := make([]any, len(args))
	for i, s := range args {
		a[i] = s
	}
	return a
}

func newConflict(code, person string, args ...string) Conflict {
	sev := SeverityBlocking
	if code == ConflictDoubleBooking || code == ConflictVehicleTaken {
		sev = SeverityWarning
	}
	key := conflictKeyPrefix + code
	return Conflict{Code: code, Severity: sev, Key: key, Args: args, Person: person,
		Message: catalog.New(key, anyArgs(args)...).Bilingual()}
}

// HasBlocking reports whether any conflict is blocking.
func HasBlocking(cs []Conflict) bool { return slices.ContainsFunc(cs, Conflict.Blocking) }

// TaskSlot is a task as the dispatch rules see it: civil dates (midnight
// UTC, end inclusive) and who or what it holds.
type TaskSlot struct {
	ID, Title, Site, WorkType, Vehicle, Crew, Status string
	Start, End                                       time.Time
	Assignees                                        []string
}

// Overlaps reports whether two slots share a day.
func (s TaskSlot) Overlaps(o TaskSlot) bool {
	return !s.Start.IsZero() && !o.Start.IsZero() && !s.Start.After(o.End) && !o.Start.After(s.End)
}

// Covers reports whether the slot includes civil day d.
func (s TaskSlot) Covers(d time.Time) bool {
	return !s.Start.IsZero() && !d.Before(s.Start) && !d.After(s.End)
}

// Person is what the rules know of someone who may be assigned.
type Person struct {
	ID, Name, Role string
	Skills         map[string]bool // skill ids
	Clearances     []Clearance
	Absences       []Absence
}

// Clearance is a held clearance; a zero ValidUntil never expires.
type Clearance struct {
	Kind       string
	ValidUntil time.Time // civil date
}

// Absence is a leave, sickness or training, civil days inclusive.
type Absence struct {
	Kind     string
	From, To time.Time
}

// SiteInfo is a site's name and position.
type SiteInfo struct {
	ID, Code, Name string
	Lat, Lng       float64
	HasPos         bool
}

// CrewInfo is a crew and its people.
type CrewInfo struct {
	ID, Name, Lead string
	Members        []string
	Active         bool
}

// People returns the crew's lead and members, without duplicates.
func (c CrewInfo) People() []string {
	out := slices.Clone(c.Members)
	if c.Lead != "" && !slices.Contains(out, c.Lead) {
		out = append([]string{c.Lead}, out...)
	}
	return out
}

// WorkTypeReq is what a work type requires of the people doing it.
type WorkTypeReq struct {
	Name       string
	Skills     []string // skill ids
	Clearances []string // clearance kind codes
}

// VehicleBooking is a reservation of a vehicle, with the task it is for.
type VehicleBooking struct {
	Booking
	Task string
}

// Roster is a snapshot of everything the dispatch rules need for a
// period: people, sites, crews, work types, the tasks planned in it and
// the vehicle reservations. It is loaded with one query per collection
// (LoadRoster) and then queried in memory, so a board of 50 people × 5
// days checks and ranks without further database access.
type Roster struct {
	People     map[string]*Person
	Order      []string // people ids by name
	Sites      map[string]SiteInfo
	Crews      map[string]CrewInfo
	WorkTypes  map[string]WorkTypeReq
	SkillNames map[string]string
	Vehicles   map[string]string // id → name
	Tasks      []TaskSlot
	Bookings   map[string][]VehicleBooking // by vehicle id
	Calendar   *WorkCalendar
	Location   *time.Location
}

// PeopleOf returns who holds a slot: its assignees and its crew's people.
func (r *Roster) PeopleOf(s TaskSlot) []string {
	out := slices.Clone(s.Assignees)
	if c, ok := r.Crews[s.Crew]; ok {
		for _, p := range c.People() {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func civilText(d time.Time) string { return d.Format(dispatchDateFormat) }

// Check returns the conflicts of putting personID on task (with its
// dates as given, e.g. already moved to the target day). The task itself
// is ignored among the person's other tasks.
func (r *Roster) Check(task TaskSlot, personID string) []Conflict {
	p, ok := r.People[personID]
	if !ok {
		return nil
	}
	var out []Conflict
	if wt, ok := r.WorkTypes[task.WorkType]; ok {
		for _, sk := range wt.Skills {
			if !p.Skills[sk] {
				out = append(out, newConflict(ConflictMissingSkill, p.ID, p.Name, r.skillName(sk)))
			}
		}
		for _, kind := range wt.Clearances {
			out = append(out, r.checkClearance(p, kind, task.End)...)
		}
	}
	for _, a := range p.Absences {
		if !a.From.After(task.End) && !task.Start.After(a.To) {
			out = append(out, newConflict(ConflictLeave, p.ID, p.Name, a.Kind, civilText(a.From), civilText(a.To)))
		}
	}
	for _, o := range r.Tasks {
		if o.ID == task.ID || !o.Overlaps(task) || !slices.Contains(r.PeopleOf(o), p.ID) {
			continue
		}
		out = append(out, newConflict(ConflictDoubleBooking, p.ID, p.Name, o.Title, r.Sites[o.Site].Code, civilText(o.Start), civilText(o.End)))
	}
	return out
}

// checkClearance checks one required clearance kind: held, and valid
// until the task's last day at least.
func (r *Roster) checkClearance(p *Person, kind string, end time.Time) []Conflict {
	var best *Clearance
	for i, c := range p.Clearances {
		if c.Kind != kind {
			continue
		}
		if c.ValidUntil.IsZero() || best == nil || (!best.ValidUntil.IsZero() && c.ValidUntil.After(best.ValidUntil)) {
			best = &p.Clearances[i]
		}
	}
	switch {
	case best == nil:
		return []Conflict{newConflict(ConflictMissingClear, p.ID, p.Name, kind)}
	case !best.ValidUntil.IsZero() && best.ValidUntil.Before(end):
		return []Conflict{newConflict(ConflictExpiredClear, p.ID, p.Name, kind, civilText(best.ValidUntil))}
	}
	return nil
}

// CheckVehicle returns the warning when the task's vehicle is reserved
// for something else, or used by another task, on its days.
func (r *Roster) CheckVehicle(task TaskSlot) []Conflict {
	if task.Vehicle == "" {
		return nil
	}
	name := r.Vehicles[task.Vehicle]
	if name == "" {
		name = task.Vehicle
	}
	for _, o := range r.Tasks {
		if o.ID != task.ID && o.Vehicle == task.Vehicle && o.Overlaps(task) {
			return []Conflict{newConflict(ConflictVehicleTaken, "", name, o.Title, civilText(o.Start), civilText(o.End))}
		}
	}
	p := r.period(task)
	for _, b := range r.Bookings[task.Vehicle] {
		if b.Task != task.ID && p.Overlaps(b.Period) {
			return []Conflict{newConflict(ConflictVehicleTaken, "", name, b.Label,
				civilText(CivilDate(b.Period.From, r.Location)), civilText(CivilDate(b.Period.To.Add(-time.Second), r.Location)))}
		}
	}
	return nil
}

// CheckAll returns the conflicts of giving task to the people (a person
// or a crew's people), then the vehicle's.
func (r *Roster) CheckAll(task TaskSlot, people []string) []Conflict {
	var out []Conflict
	for _, id := range people {
		out = append(out, r.Check(task, id)...)
	}
	return append(out, r.CheckVehicle(task)...)
}

// period converts a slot's civil days to instants in the tenant's zone.
func (r *Roster) period(s TaskSlot) Period {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	at := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc) }
	return Period{From: at(s.Start), To: at(s.End.AddDate(0, 0, 1))}
}

func (r *Roster) skillName(id string) string {
	if n := r.SkillNames[id]; n != "" {
		return n
	}
	return id
}

// MoveSlot returns the slot starting on day, keeping its duration in
// working days.
func (r *Roster) MoveSlot(s TaskSlot, day time.Time) TaskSlot { return moveSlot(r.Calendar, s, day) }

func moveSlot(cal *WorkCalendar, s TaskSlot, day time.Time) TaskSlot {
	if day.IsZero() || day.Equal(s.Start) {
		return s
	}
	dur := 1
	if !s.Start.IsZero() {
		dur = max(cal.WorkingDaysBetween(s.Start, s.End), 1)
	}
	s.Start = day
	s.End = cal.AddWorkingDays(day, dur-1)
	return s
}

// Slot returns the roster's slot of a task.
func (r *Roster) Slot(id string) (TaskSlot, bool) {
	for _, s := range r.Tasks {
		if s.ID == id {
			return s, true
		}
	}
	return TaskSlot{}, false
}
