package domain

import (
	"slices"
	"testing"
	"time"
)

// day returns a civil date of March 2026 (Monday 2 March is day(2)).
func day(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }

// testRoster: Karim (electrician, B1V valid until 31/12/2026), Lucas
// (no skill, B1V expired on 4 March), Inès (electrician, B1V valid, on
// leave 5–6 March); sites A (Nantes) and B (Saint-Nazaire, ~55 km);
// an electrical work type requiring skill elec and clearance B1V.
func testRoster(t *testing.T) *Roster {
	t.Helper()
	cal, err := NewWorkCalendar(CalendarConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return &Roster{
		People: map[string]*Person{
			"karim": {ID: "karim", Name: "Karim", Skills: map[string]bool{"elec": true}, Clearances: []Clearance{{Kind: "B1V", ValidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}}},
			"lucas": {ID: "lucas", Name: "Lucas", Skills: map[string]bool{}, Clearances: []Clearance{{Kind: "B1V", ValidUntil: day(4)}}},
			"ines":  {ID: "ines", Name: "Inès", Skills: map[string]bool{"elec": true}, Clearances: []Clearance{{Kind: "B1V"}}, Absences: []Absence{{Kind: "leave", From: day(5), To: day(6)}}},
		},
		Order:      []string{"ines", "karim", "lucas"},
		Sites:      map[string]SiteInfo{"A": {ID: "A", Code: "CH-A", Lat: 47.2184, Lng: -1.5536, HasPos: true}, "B": {ID: "B", Code: "CH-B", Lat: 47.2735, Lng: -2.2138, HasPos: true}},
		Crews:      map[string]CrewInfo{"c1": {ID: "c1", Name: "Équipe 1", Lead: "karim", Members: []string{"lucas"}, Active: true}},
		WorkTypes:  map[string]WorkTypeReq{"wt-elec": {Name: "Tirage de câbles", Skills: []string{"elec"}, Clearances: []string{"B1V"}}},
		SkillNames: map[string]string{"elec": "Électricité"},
		Vehicles:   map[string]string{"v1": "Kangoo AB-123-CD"},
		Bookings:   map[string][]VehicleBooking{},
		Calendar:   cal,
		Location:   time.UTC,
	}
}

func codes(cs []Conflict) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Code+"/"+c.Severity)
	}
	return out
}

func TestRosterCheck(t *testing.T) {
	elec := func(from, to int) TaskSlot {
		return TaskSlot{ID: "t", Title: "Câbles", Site: "A", WorkType: "wt-elec", Start: day(from), End: day(to)}
	}
	scenarios := []struct {
		name   string
		task   TaskSlot
		person string
		others []TaskSlot
		want   []string
	}{
		{"qualified and free", elec(2, 3), "karim", nil, []string{}},
		{"no requirement", TaskSlot{ID: "t", Site: "A", Start: day(2), End: day(3)}, "lucas", nil, []string{}},
		{"missing skill, clearance valid on the last day", elec(3, 4), "lucas", nil, []string{"missing_skill/blocking"}},
		{"missing skill and clearance expired before the end", elec(4, 5), "lucas", nil, []string{"missing_skill/blocking", "expired_clearance/blocking"}},
		{"on leave during the task", elec(4, 5), "ines", nil, []string{"leave/blocking"}},
		{"leave after the task", elec(2, 4), "ines", nil, []string{}},
		{"missing clearance", TaskSlot{ID: "t", Site: "A", WorkType: "wt-x", Start: day(2), End: day(2)}, "karim", nil, []string{"missing_clearance/blocking"}},
		{"double booked", elec(2, 3), "karim", []TaskSlot{{ID: "o", Title: "Autre", Site: "B", Start: day(3), End: day(3), Assignees: []string{"karim"}}}, []string{"double_booking/warning"}},
		{"busy through a crew", elec(2, 3), "karim", []TaskSlot{{ID: "o", Title: "Autre", Site: "B", Start: day(2), End: day(2), Crew: "c1"}}, []string{"double_booking/warning"}},
		{"other task the day after", elec(2, 3), "karim", []TaskSlot{{ID: "o", Site: "B", Start: day(4), End: day(4), Assignees: []string{"karim"}}}, []string{}},
		{"the task itself is not a double booking", elec(2, 3), "karim", []TaskSlot{{ID: "t", Site: "A", Start: day(2), End: day(3), Assignees: []string{"karim"}}}, []string{}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r := testRoster(t)
			r.WorkTypes["wt-x"] = WorkTypeReq{Clearances: []string{"AIPR-O"}}
			r.Tasks = s.others
			got := codes(r.Check(s.task, s.person))
			if !slices.Equal(got, s.want) {
				t.Errorf("got %v, want %v", got, s.want)
			}
		})
	}
}

func TestConflictMessages(t *testing.T) {
	r := testRoster(t)
	cs := r.Check(TaskSlot{ID: "t", Site: "A", WorkType: "wt-elec", Start: day(4), End: day(5)}, "lucas")
	if len(cs) != 2 {
		t.Fatalf("conflicts: %v", codes(cs))
	}
	want := "L'habilitation B1V de Lucas expire le 04/03/2026, avant la fin de la tâche / Lucas's B1V clearance expires on 04/03/2026, before the task ends"
	if cs[1].Message != want || cs[1].Key != "dispatch.conflict.expired_clearance" || !slices.Equal(cs[1].Args, []string{"Lucas", "B1V", "04/03/2026"}) {
		t.Errorf("expired clearance conflict = %+v", cs[1])
	}
	if fr, en := cs[0].Text().String(), cs[0].Text().In("en"); fr != "Lucas n'a pas la compétence requise « Électricité »" || en != "Lucas lacks the required skill “Électricité”" {
		t.Errorf("missing skill message = %q / %q", fr, en)
	}
}

func TestRosterCheckVehicle(t *testing.T) {
	task := TaskSlot{ID: "t", Title: "Câbles", Site: "A", Vehicle: "v1", Start: day(2), End: day(3)}
	at := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.UTC) }
	scenarios := []struct {
		name     string
		others   []TaskSlot
		bookings []VehicleBooking
		want     []string
	}{
		{"free", nil, nil, []string{}},
		{"another task has it", []TaskSlot{{ID: "o", Title: "Autre", Vehicle: "v1", Start: day(3), End: day(6)}}, nil, []string{"vehicle_taken/warning"}},
		{"reserved for someone else", nil, []VehicleBooking{{Booking: Booking{ID: "r", Period: Period{at(3, 8), at(3, 12)}, Label: "CH-B"}}}, []string{"vehicle_taken/warning"}},
		{"reserved for this task", nil, []VehicleBooking{{Booking: Booking{ID: "r", Period: Period{at(2, 8), at(3, 18)}}, Task: "t"}}, []string{}},
		{"reserved after the task", nil, []VehicleBooking{{Booking: Booking{ID: "r", Period: Period{at(4, 0), at(5, 0)}}}}, []string{}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r := testRoster(t)
			r.Tasks, r.Bookings["v1"] = s.others, s.bookings
			if got := codes(r.CheckVehicle(task)); !slices.Equal(got, s.want) {
				t.Errorf("got %v, want %v", got, s.want)
			}
		})
	}
}

func TestRosterRank(t *testing.T) {
	scenarios := []struct {
		name   string
		task   TaskSlot
		others []TaskSlot
		want   []string // user ids in rank order
		top    string   // reason key expected on the first candidate
	}{
		{"the unqualified rank last", TaskSlot{ID: "t", Site: "A", WorkType: "wt-elec", Start: day(2), End: day(3)}, nil,
			[]string{"ines", "karim", "lucas"}, "dispatch.reason.requirements"},
		{"on leave ranks after the qualified", TaskSlot{ID: "t", Site: "A", WorkType: "wt-elec", Start: day(5), End: day(5)}, nil,
			[]string{"karim", "ines", "lucas"}, "dispatch.reason.free"},
		{"free beats busy", TaskSlot{ID: "t", Site: "A", Start: day(2), End: day(2)},
			[]TaskSlot{{ID: "o", Site: "A", Start: day(2), End: day(2), Assignees: []string{"ines"}}},
			[]string{"karim", "lucas", "ines"}, "dispatch.reason.no_previous"},
		{"lighter week first", TaskSlot{ID: "t", Site: "A", Start: day(6), End: day(6)},
			[]TaskSlot{{ID: "o", Site: "A", Start: day(2), End: day(4), Assignees: []string{"ines"}}, {ID: "p", Site: "A", Start: day(2), End: day(2), Assignees: []string{"karim"}}},
			[]string{"lucas", "karim", "ines"}, "dispatch.reason.load"},
		{"closer previous site first", TaskSlot{ID: "t", Site: "A", Start: day(3), End: day(3)},
			[]TaskSlot{{ID: "o", Site: "B", Start: day(2), End: day(2), Assignees: []string{"ines"}}, {ID: "p", Site: "A", Start: day(2), End: day(2), Assignees: []string{"karim"}}},
			[]string{"lucas", "karim", "ines"}, "dispatch.reason.no_previous"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			r := testRoster(t)
			r.Tasks = s.others
			cands := r.Rank(s.task)
			var got []string
			for _, c := range cands {
				got = append(got, c.UserID)
			}
			if !slices.Equal(got, s.want) {
				t.Fatalf("rank %v, want %v (%+v)", got, s.want, cands)
			}
			if !slices.ContainsFunc(cands[0].Reasons, func(r Reason) bool { return r.Key == s.top }) {
				t.Errorf("first candidate's reasons %+v lack %s", cands[0].Reasons, s.top)
			}
		})
	}
}

func TestRankDistanceReason(t *testing.T) {
	r := testRoster(t)
	r.Tasks = []TaskSlot{{ID: "o", Site: "B", Start: day(2), End: day(2), Assignees: []string{"karim"}}}
	for _, c := range r.Rank(TaskSlot{ID: "t", Site: "A", Start: day(3), End: day(3)}) {
		if c.UserID != "karim" {
			continue
		}
		if c.DistanceK < 45 || c.DistanceK > 60 {
			t.Errorf("Nantes → Saint-Nazaire = %.1f km", c.DistanceK)
		}
		if !slices.ContainsFunc(c.Reasons, func(r Reason) bool { return r.Key == "dispatch.reason.distance" && r.Args[1] == "CH-B" && !r.Good }) {
			t.Errorf("distance reason missing: %+v", c.Reasons)
		}
		if c.Score >= 100 {
			t.Errorf("score %d not lowered by distance", c.Score)
		}
	}
}

func TestParseISOWeek(t *testing.T) {
	scenarios := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"2026-W10", day(2), false},
		{"2026-W01", time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), false},
		{"2026-W53", time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC), false},
		{"2025-W53", time.Time{}, true},
		{"2020-W53", time.Date(2020, 12, 28, 0, 0, 0, 0, time.UTC), false},
		{"2026-10", time.Time{}, true},
		{"2026-W1", time.Time{}, true},
	}
	for _, s := range scenarios {
		got, err := ParseISOWeek(s.in)
		if (err != nil) != s.bad || !got.Equal(s.want) {
			t.Errorf("ParseISOWeek(%q) = %v, %v; want %v (error %v)", s.in, got, err, s.want, s.bad)
		}
	}
	if got := ISOWeekText(day(2)); got != "2026-W10" {
		t.Errorf("ISOWeekText = %q", got)
	}
}
