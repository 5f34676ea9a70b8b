package domain

import (
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Collections of the dispatch board.
const (
	CollectionCrews               = "crews"
	CollectionAssignmentOverrides = "assignment_overrides"
)

// fieldRoles are the roles that can be assigned to tasks.
func fieldRoles() []string { return []string{RoleSiteLead, RoleCrew} }

// LoadRoster loads what the dispatch rules need for the civil days
// [from, to] (inclusive): one query per collection, whatever the number
// of people or tasks. Tasks are those overlapping the period widened by
// a week on each side (load and previous-site rules look around).
func LoadRoster(app core.App, from, to time.Time) (*Roster, error) {
	f := TenantFactsOf(app)
	cal, loc := f.Calendar(), f.Location()
	r := &Roster{People: map[string]*Person{}, Sites: map[string]SiteInfo{}, Crews: map[string]CrewInfo{}, WorkTypes: map[string]WorkTypeReq{},
		SkillNames: map[string]string{}, Vehicles: map[string]string{}, Bookings: map[string][]VehicleBooking{}, Calendar: cal, Location: loc}
	users, err := app.FindRecordsByFilter(CollectionUsers, "active = true && (role = {:a} || role = {:b})", "name", 0, 0,
		dbx.Params{"a": RoleSiteLead, "b": RoleCrew})
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		r.People[u.Id] = &Person{ID: u.Id, Name: u.GetString("name"), Role: u.GetString("role"), Skills: map[string]bool{}}
		r.Order = append(r.Order, u.Id)
	}
	if err := r.loadPeopleData(app, from, to); err != nil {
		return nil, err
	}
	if err := r.loadReference(app); err != nil {
		return nil, err
	}
	lo, hi := from.AddDate(0, 0, -7), to.AddDate(0, 0, 8)
	tasks, err := app.FindRecordsByFilter(CollectionTasks, "planned_start != '' && planned_start < {:to} && planned_end >= {:from}", "planned_start,title", 0, 0,
		dbx.Params{"from": DBTime(lo), "to": DBTime(hi)})
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		r.Tasks = append(r.Tasks, SlotOf(t, loc))
	}
	res, err := app.FindRecordsByFilter(CollectionReservations, "asset_kind = 'vehicle' && from < {:to} && to > {:from}", "from", 0, 0,
		dbx.Params{"from": DBTime(lo), "to": DBTime(hi)})
	if err != nil {
		return nil, err
	}
	for _, b := range res {
		label := b.GetString("note")
		if s, ok := r.Sites[b.GetString("site")]; ok {
			label = s.Code + " " + s.Name
		}
		r.Bookings[b.GetString("asset")] = append(r.Bookings[b.GetString("asset")],
			VehicleBooking{Booking: Booking{ID: b.Id, Period: ReservationPeriod(b), Label: label}, Task: b.GetString("task")})
	}
	return r, nil
}

// loadPeopleData adds skills, clearances and absences (one query each).
func (r *Roster) loadPeopleData(app core.App, from, to time.Time) error {
	skills, err := app.FindAllRecords(CollectionUserSkills)
	if err != nil {
		return err
	}
	for _, s := range skills {
		if p, ok := r.People[s.GetString("user")]; ok {
			p.Skills[s.GetString("skill")] = true
		}
	}
	clears, err := app.FindAllRecords(CollectionClearances)
	if err != nil {
		return err
	}
	for _, c := range clears {
		if p, ok := r.People[c.GetString("user")]; ok {
			p.Clearances = append(p.Clearances, Clearance{Kind: c.GetString("kind"), ValidUntil: CivilDate(c.GetDateTime("valid_until").Time(), r.Location)})
		}
	}
	abs, err := app.FindRecordsByFilter(CollectionAvailability, "from < {:to} && to >= {:from}", "from", 0, 0,
		dbx.Params{"from": DBTime(from.AddDate(0, 0, -8)), "to": DBTime(to.AddDate(0, 0, 9))})
	if err != nil {
		return err
	}
	for _, a := range abs {
		if p, ok := r.People[a.GetString("user")]; ok {
			p.Absences = append(p.Absences, Absence{Kind: a.GetString("kind"),
				From: CivilDate(a.GetDateTime("from").Time(), r.Location), To: CivilDate(a.GetDateTime("to").Time(), r.Location)})
		}
	}
	return nil
}

// loadReference adds sites, crews, work types, skills and vehicles.
func (r *Roster) loadReference(app core.App) error {
	sites, err := app.FindAllRecords(CollectionSites)
	if err != nil {
		return err
	}
	for _, s := range sites {
		lat, lng := s.GetFloat("lat"), s.GetFloat("lng")
		r.Sites[s.Id] = SiteInfo{ID: s.Id, Code: s.GetString("code"), Name: s.GetString("name"), Lat: lat, Lng: lng, HasPos: lat != 0 || lng != 0}
	}
	crews, err := app.FindRecordsByFilter(CollectionCrews, "", "name", 0, 0)
	if err != nil {
		return err
	}
	for _, c := range crews {
		r.Crews[c.Id] = CrewOf(c)
	}
	wts, err := app.FindAllRecords(CollectionWorkTypes)
	if err != nil {
		return err
	}
	for _, w := range wts {
		var kinds []string
		_ = w.UnmarshalJSONField("required_clearances", &kinds)
		r.WorkTypes[w.Id] = WorkTypeReq{Name: w.GetString("name"), Skills: w.GetStringSlice("required_skills"), Clearances: kinds}
	}
	sk, err := app.FindAllRecords(CollectionSkills)
	if err != nil {
		return err
	}
	for _, s := range sk {
		r.SkillNames[s.Id] = s.GetString("name")
	}
	vs, err := app.FindAllRecords(CollectionVehicles)
	if err != nil {
		return err
	}
	for _, v := range vs {
		r.Vehicles[v.Id] = strings.TrimSpace(v.GetString("label") + " " + v.GetString("plate"))
	}
	return nil
}

// SlotOf converts a task record (dates stored as civil dates).
func SlotOf(t *core.Record, loc *time.Location) TaskSlot {
	s := TaskSlot{ID: t.Id, Title: t.GetString("title"), Site: t.GetString("site"), WorkType: t.GetString("work_type"),
		Vehicle: t.GetString("vehicle"), Crew: t.GetString("crew"), Status: t.GetString("status"),
		Start: CivilDate(t.GetDateTime("planned_start").Time(), loc), End: CivilDate(t.GetDateTime("planned_end").Time(), loc),
		Assignees: t.GetStringSlice("assignees")}
	if s.End.Before(s.Start) {
		s.End = s.Start
	}
	return s
}

// CrewOf converts a crew record.
func CrewOf(c *core.Record) CrewInfo {
	return CrewInfo{ID: c.Id, Name: c.GetString("name"), Lead: c.GetString("lead"), Members: c.GetStringSlice("members"), Active: c.GetBool("active")}
}

// Unassigned reports whether nobody holds the slot.
func (s TaskSlot) Unassigned() bool { return len(s.Assignees) == 0 && s.Crew == "" }

// replaceSlot returns the roster's tasks with s in place of its old
// version (or added).
func (r *Roster) replaceSlot(s TaskSlot) {
	i := slices.IndexFunc(r.Tasks, func(o TaskSlot) bool { return o.ID == s.ID })
	if i < 0 {
		r.Tasks = append(r.Tasks, s)
		return
	}
	r.Tasks[i] = s
}
