package domain

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func schedDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func frenchCalendar(t testing.TB) *WorkCalendar {
	t.Helper()
	cal, err := NewWorkCalendar(CalendarConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// wantTask is a hand-checked line: early start/finish, late start/finish,
// float, critical.
type wantTask struct {
	es, ef, ls, lf string
	float          int
	critical       bool
	conflict       bool
}

func TestScheduleNetworks(t *testing.T) {
	scenarios := []struct {
		name   string
		in     ScheduleInput
		want   map[string]wantTask
		finish string
		path   []string
	}{
		{
			// A(3) → B(2) → D(2); A → C(1) → D. C has one day of float.
			name: "FS chain over a weekend",
			in: ScheduleInput{Start: schedDay("2026-03-02"), Tasks: []ScheduleTask{
				{ID: "A", Duration: 3}, {ID: "B", Duration: 2}, {ID: "C", Duration: 1}, {ID: "D", Duration: 2},
			}, Links: []ScheduleLink{{"A", "B", LinkFS, 0}, {"A", "C", LinkFS, 0}, {"B", "D", LinkFS, 0}, {"C", "D", LinkFS, 0}}},
			want: map[string]wantTask{
				"A": {"2026-03-02", "2026-03-04", "2026-03-02", "2026-03-04", 0, true, false},
				"B": {"2026-03-05", "2026-03-06", "2026-03-05", "2026-03-06", 0, true, false},
				"C": {"2026-03-05", "2026-03-05", "2026-03-06", "2026-03-06", 1, false, false},
				"D": {"2026-03-09", "2026-03-10", "2026-03-09", "2026-03-10", 0, true, false},
			},
			finish: "2026-03-10", path: []string{"A", "B", "D"},
		},
		{
			// Around Easter 2026: Sat 4, Sun 5 and Easter Monday 6 April
			// are not worked. Working days: 1,2,3,7,8,9,10 April…
			name: "SS FF SF with lags, a lead, a weekend and Easter Monday",
			in: ScheduleInput{Start: schedDay("2026-04-01"), Tasks: []ScheduleTask{
				{ID: "A", Duration: 4}, {ID: "B", Duration: 3}, {ID: "C", Duration: 2}, {ID: "D", Duration: 2}, {ID: "E", Duration: 2},
			}, Links: []ScheduleLink{
				{"A", "B", LinkSS, 2}, {"A", "C", LinkFF, 1}, {"A", "D", LinkSF, 6},
				{"B", "E", LinkFS, -1}, {"C", "E", LinkFS, 0},
			}},
			want: map[string]wantTask{
				"A": {"2026-04-01", "2026-04-07", "2026-04-01", "2026-04-07", 0, true, false},
				"B": {"2026-04-03", "2026-04-08", "2026-04-07", "2026-04-09", 1, false, false},
				"C": {"2026-04-07", "2026-04-08", "2026-04-07", "2026-04-08", 0, true, false},
				"D": {"2026-04-08", "2026-04-09", "2026-04-09", "2026-04-10", 1, false, false},
				"E": {"2026-04-09", "2026-04-10", "2026-04-09", "2026-04-10", 0, true, false},
			},
			finish: "2026-04-10", path: []string{"A", "C", "E"},
		},
		{
			// 14 July 2026 (Tuesday) is not worked. B may not start before
			// Friday 17; C is pinned on Wednesday 15, before A finishes.
			name: "start-no-earlier-than, pinned conflict and Bastille Day",
			in: ScheduleInput{Start: schedDay("2026-07-13"), Tasks: []ScheduleTask{
				{ID: "A", Duration: 2}, {ID: "B", Duration: 1, Start: schedDay("2026-07-17")},
				{ID: "C", Duration: 1, Start: schedDay("2026-07-15"), Pinned: true},
			}, Links: []ScheduleLink{{"A", "B", LinkFS, 0}, {"A", "C", LinkFS, 0}}},
			want: map[string]wantTask{
				"A": {"2026-07-13", "2026-07-15", "2026-07-15", "2026-07-16", 1, false, false},
				"B": {"2026-07-17", "2026-07-17", "2026-07-17", "2026-07-17", 0, true, false},
				"C": {"2026-07-15", "2026-07-15", "2026-07-17", "2026-07-17", 2, false, true},
			},
			finish: "2026-07-17", path: []string{"B"},
		},
		{
			// A start on a Saturday moves to Monday; a milestone (0 days)
			// after an FF lead; project start from the earliest task.
			name: "non-working start, milestone and a negative FF lag",
			in: ScheduleInput{Tasks: []ScheduleTask{
				{ID: "A", Duration: 5, Start: schedDay("2026-05-02")}, {ID: "M", Duration: 0},
			}, Links: []ScheduleLink{{"A", "M", LinkFF, -2}}},
			// 1 May (Fri) and 8 May (Fri) are holidays: A works 4,5,6,7,11 May.
			want: map[string]wantTask{
				"A": {"2026-05-04", "2026-05-11", "2026-05-04", "2026-05-11", 0, true, false},
				"M": {"2026-05-07", "2026-05-07", "2026-05-12", "2026-05-12", 2, false, false},
			},
			finish: "2026-05-11", path: []string{"A"},
		},
	}
	cal := frenchCalendar(t)
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got, err := ComputeSchedule(cal, s.in)
			if err != nil {
				t.Fatal(err)
			}
			for id, w := range s.want {
				g, ok := got.Task(id)
				if !ok {
					t.Fatalf("task %s missing", id)
				}
				gotLine := fmt.Sprintf("%s %s %s %s float=%d critical=%v conflict=%v", g.EarlyStart.Format(time.DateOnly), g.EarlyFinish.Format(time.DateOnly),
					g.LateStart.Format(time.DateOnly), g.LateFinish.Format(time.DateOnly), g.TotalFloat, g.Critical, g.Conflict)
				wantLine := fmt.Sprintf("%s %s %s %s float=%d critical=%v conflict=%v", w.es, w.ef, w.ls, w.lf, w.float, w.critical, w.conflict)
				if gotLine != wantLine {
					t.Errorf("%s: got %s, want %s", id, gotLine, wantLine)
				}
			}
			if f := got.Finish.Format(time.DateOnly); f != s.finish {
				t.Errorf("finish: got %s, want %s", f, s.finish)
			}
			if p := strings.Join(got.CriticalPath(), ","); p != strings.Join(s.path, ",") {
				t.Errorf("critical path: got %s, want %s", p, strings.Join(s.path, ","))
			}
		})
	}
}

func TestScheduleRefusals(t *testing.T) {
	tasks := []ScheduleTask{{ID: "a", Title: "Terrassement", Duration: 1}, {ID: "b", Title: "Fondations", Duration: 1},
		{ID: "c", Title: "Élévation", Duration: 1}, {ID: "d", Title: "Toiture", Duration: 1}}
	scenarios := []struct {
		name  string
		links []ScheduleLink
		want  string // substring of the message
	}{
		{"cycle names its tasks", []ScheduleLink{{"d", "a", LinkFS, 0}, {"a", "b", LinkFS, 0}, {"b", "c", LinkSS, 1}, {"c", "a", LinkFF, 0}},
			"Terrassement → Fondations → Élévation → Terrassement"},
		{"two-task cycle", []ScheduleLink{{"a", "b", LinkFS, 0}, {"b", "a", LinkSF, 0}}, "Terrassement → Fondations → Terrassement"},
		{"self link", []ScheduleLink{{"a", "a", LinkFS, 0}}, "elle-même"},
		{"bad type", []ScheduleLink{{"a", "b", "XX", 0}}, "XX"},
		{"unknown task", []ScheduleLink{{"a", "zz", LinkFS, 0}}, "inconnue"},
	}
	cal := frenchCalendar(t)
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			_, err := ComputeSchedule(cal, ScheduleInput{Start: schedDay("2026-03-02"), Tasks: tasks, Links: s.links})
			var de *Error
			if !errors.As(err, &de) || de.Code != EInvalid {
				t.Fatalf("got %v, want an EInvalid error", err)
			}
			if msg := de.Text().String(); !strings.Contains(msg, s.want) {
				t.Errorf("message %q does not contain %q", msg, s.want)
			}
		})
	}
	if _, err := ComputeSchedule(cal, ScheduleInput{Tasks: tasks}); ErrorCode(err) != EInvalid {
		t.Errorf("no start date: got %v, want EInvalid", err)
	}
}

func TestCivilDate(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	cayenne, _ := time.LoadLocation("America/Cayenne")
	scenarios := []struct {
		in   time.Time
		loc  *time.Location
		want string
	}{
		{schedDay("2026-03-02"), cayenne, "2026-03-02"}, // date-only value keeps its date
		{time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), paris, "2026-03-02"},
		{time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), cayenne, "2026-03-01"},
	}
	for _, s := range scenarios {
		if got := CivilDate(s.in, s.loc).Format(time.DateOnly); got != s.want {
			t.Errorf("CivilDate(%s, %s) = %s, want %s", s.in, s.loc, got, s.want)
		}
	}
}

// benchNetwork is a random acyclic network of n tasks and m links
// (links go from a lower to a higher index), all four link types.
func benchNetwork(n, m int) ScheduleInput {
	rnd := rand.New(rand.NewPCG(1, 2))
	in := ScheduleInput{Start: schedDay("2026-01-05")}
	for i := 0; i < n; i++ {
		in.Tasks = append(in.Tasks, ScheduleTask{ID: fmt.Sprintf("t%04d", i), Title: fmt.Sprintf("Tâche %d", i), Duration: 1 + rnd.IntN(10)})
	}
	types := []string{LinkFS, LinkSS, LinkFF, LinkSF}
	seen := map[[2]int]bool{}
	for len(in.Links) < m {
		a, b := rnd.IntN(n), rnd.IntN(n)
		if a == b || seen[[2]int{min(a, b), max(a, b)}] {
			continue
		}
		seen[[2]int{min(a, b), max(a, b)}] = true
		in.Links = append(in.Links, ScheduleLink{From: in.Tasks[min(a, b)].ID, To: in.Tasks[max(a, b)].ID, Type: types[rnd.IntN(4)], Lag: rnd.IntN(5) - 1})
	}
	return in
}

func TestScheduleLargeNetwork(t *testing.T) {
	in := benchNetwork(2000, 4000)
	s, err := ComputeSchedule(frenchCalendar(t), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.CriticalPath()) == 0 {
		t.Error("no critical task in a 2,000-task network")
	}
	for _, task := range s.Tasks {
		if task.TotalFloat < 0 {
			t.Fatalf("%s has negative float %d without pins", task.ID, task.TotalFloat)
		}
	}
}

func BenchmarkSchedule2000Tasks4000Links(b *testing.B) {
	in := benchNetwork(2000, 4000)
	cal := frenchCalendar(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ComputeSchedule(cal, in); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScheduleDriven: a task is driven when its predecessors, not its own
// requested start, set its early start (a tie counts); never when pinned
// or without predecessors.
func TestScheduleDriven(t *testing.T) {
	cal := frenchCalendar(t)
	// A(3) Mon 2 → Wed 4; B after A, requested Thu 5 (a tie); C after A,
	// requested Mon 16 (later); D after A, pinned; E alone.
	s, err := ComputeSchedule(cal, ScheduleInput{Start: schedDay("2026-03-02"), Tasks: []ScheduleTask{
		{ID: "A", Duration: 3}, {ID: "B", Duration: 1, Start: schedDay("2026-03-05")}, {ID: "C", Duration: 1, Start: schedDay("2026-03-16")},
		{ID: "D", Duration: 1, Start: schedDay("2026-03-03"), Pinned: true}, {ID: "E", Duration: 1}, {ID: "F", Duration: 1},
	}, Links: []ScheduleLink{{"A", "B", LinkFS, 0}, {"A", "C", LinkFS, 0}, {"A", "D", LinkFS, 0}, {"B", "F", LinkFS, 0}}})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"A": false, "B": true, "C": false, "D": false, "E": false, "F": true} {
		if st, _ := s.Task(id); st.Driven != want {
			t.Errorf("%s driven = %v, want %v (starts %s)", id, st.Driven, want, st.EarlyStart.Format(time.DateOnly))
		}
	}
}
