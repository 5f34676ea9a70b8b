package domain

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/catalog"
)

// calDate returns y-m-d at midnight UTC.
func calDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// mustCalendar builds a calendar or fails the test.
func mustCalendar(t *testing.T, cfg CalendarConfig) *WorkCalendar {
	t.Helper()
	c, err := NewWorkCalendar(cfg)
	if err != nil {
		t.Fatalf("NewWorkCalendar(%+v): %v", cfg, err)
	}
	return c
}

// TestEaster checks Easter Sunday against known dates.
func TestEaster(t *testing.T) {
	scenarios := []struct {
		year int
		want time.Time
	}{
		{2024, calDate(2024, time.March, 31)},
		{2025, calDate(2025, time.April, 20)},
		{2026, calDate(2026, time.April, 5)},
		{2027, calDate(2027, time.March, 28)},
		{2038, calDate(2038, time.April, 25)}, // latest possible date
		{2000, calDate(2000, time.April, 23)},
		{2019, calDate(2019, time.April, 21)},
		{1818, calDate(1818, time.March, 22)}, // earliest possible date
	}
	for _, s := range scenarios {
		t.Run(fmt.Sprint(s.year), func(t *testing.T) {
			if got := Easter(s.year); !got.Equal(s.want) || got.Location() != time.UTC {
				t.Errorf("Easter(%d) = %v, want %v", s.year, got, s.want)
			}
			if got := Easter(s.year).Weekday(); got != time.Sunday {
				t.Errorf("Easter(%d) is a %v, want Sunday", s.year, got)
			}
		})
	}
}

// TestFrenchHolidays2026 checks the 11 (or 13) holidays of 2026 with their exact dates.
func TestFrenchHolidays2026(t *testing.T) {
	metro := []Holiday{
		{calDate(2026, time.January, 1), "Jour de l'an"},
		{calDate(2026, time.April, 6), "Lundi de Pâques"},
		{calDate(2026, time.May, 1), "Fête du Travail"},
		{calDate(2026, time.May, 8), "Victoire 1945"},
		{calDate(2026, time.May, 14), "Ascension"},
		{calDate(2026, time.May, 25), "Lundi de Pentecôte"},
		{calDate(2026, time.July, 14), "Fête nationale"},
		{calDate(2026, time.August, 15), "Assomption"},
		{calDate(2026, time.November, 1), "Toussaint"},
		{calDate(2026, time.November, 11), "Armistice 1918"},
		{calDate(2026, time.December, 25), "Noël"},
	}
	alsace := []Holiday{
		metro[0],
		{calDate(2026, time.April, 3), "Vendredi saint"},
		metro[1], metro[2], metro[3], metro[4], metro[5], metro[6], metro[7], metro[8], metro[9], metro[10],
		{calDate(2026, time.December, 26), "Saint-Étienne"},
	}
	scenarios := []struct {
		name          string
		alsaceMoselle bool
		want          []Holiday
	}{
		{"métropole", false, metro},
		{"Alsace-Moselle", true, alsace},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := FrenchHolidays(2026, s.alsaceMoselle)
			if len(got) != len(s.want) {
				t.Fatalf("got %d holidays, want %d: %v", len(got), len(s.want), got)
			}
			for i := range got {
				if !got[i].Date.Equal(s.want[i].Date) || got[i].Name != s.want[i].Name {
					t.Errorf("holiday %d: got %s %q, want %s %q", i,
						got[i].Date.Format(time.DateOnly), got[i].Name, s.want[i].Date.Format(time.DateOnly), s.want[i].Name)
				}
				if got[i].Date.Location() != time.UTC || got[i].Date.Hour() != 0 {
					t.Errorf("holiday %d: got %v, want midnight UTC", i, got[i].Date)
				}
			}
		})
	}
}

// TestFrenchHolidaysSorted checks count and order over many years, including
// years where Ascension falls on 1 May (2008) or 8 May (1997).
func TestFrenchHolidaysSorted(t *testing.T) {
	for year := 1990; year <= 2100; year++ {
		for _, am := range []bool{false, true} {
			hs := FrenchHolidays(year, am)
			want := 11
			if am {
				want = 13
			}
			if len(hs) != want {
				t.Fatalf("FrenchHolidays(%d, %v): got %d holidays, want %d", year, am, len(hs), want)
			}
			for i := 1; i < len(hs); i++ {
				if hs[i].Date.Before(hs[i-1].Date) {
					t.Errorf("FrenchHolidays(%d, %v): %v before %v", year, am, hs[i].Date, hs[i-1].Date)
				}
			}
			for _, h := range hs {
				if h.Date.Year() != year {
					t.Errorf("FrenchHolidays(%d, %v): %q on %v", year, am, h.Name, h.Date)
				}
			}
		}
	}
	c := mustCalendar(t, CalendarConfig{})
	scenarios := []struct {
		date time.Time
		want string
	}{
		{calDate(2008, time.May, 1), "Fête du Travail, Ascension"},
		{calDate(1997, time.May, 8), "Victoire 1945, Ascension"},
	}
	for _, s := range scenarios {
		if got := c.HolidayName(s.date); got != s.want {
			t.Errorf("HolidayName(%s) = %q, want %q", s.date.Format(time.DateOnly), got, s.want)
		}
	}
}

// TestHolidayName checks names, including Alsace-Moselle days and local civil dates.
func TestHolidayName(t *testing.T) {
	tahiti := time.FixedZone("UTC-10", -10*3600)
	scenarios := []struct {
		name string
		cfg  CalendarConfig
		date time.Time
		want string
	}{
		{"Ascension", CalendarConfig{}, calDate(2026, time.May, 14), "Ascension"},
		{"Pentecôte", CalendarConfig{}, calDate(2026, time.May, 25), "Lundi de Pentecôte"},
		{"ordinary day", CalendarConfig{}, calDate(2026, time.May, 15), ""},
		{"Good Friday métropole", CalendarConfig{}, calDate(2026, time.April, 3), ""},
		{"Good Friday Alsace", CalendarConfig{AlsaceMoselle: true}, calDate(2026, time.April, 3), "Vendredi saint"},
		{"Saint-Étienne Alsace", CalendarConfig{AlsaceMoselle: true}, calDate(2026, time.December, 26), "Saint-Étienne"},
		{"holidays worked still named", CalendarConfig{HolidaysWorked: true}, calDate(2026, time.July, 14), "Fête nationale"},
		{"local civil date", CalendarConfig{}, time.Date(2026, time.December, 31, 23, 0, 0, 0, tahiti), ""}, // 1 Jan in UTC
		{"local new year", CalendarConfig{}, time.Date(2026, time.January, 1, 20, 0, 0, 0, tahiti), "Jour de l'an"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c := mustCalendar(t, s.cfg)
			if got := c.HolidayName(s.date); got != s.want {
				t.Errorf("HolidayName(%v) = %q, want %q", s.date, got, s.want)
			}
		})
	}
}

// TestIsWorkingDay checks weekends, holidays and every configuration override.
func TestIsWorkingDay(t *testing.T) {
	auckland := time.FixedZone("UTC+13", 13*3600)
	sixDays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	scenarios := []struct {
		name string
		cfg  CalendarConfig
		date time.Time
		want bool
	}{
		{"Friday", CalendarConfig{}, calDate(2026, time.January, 9), true},
		{"Saturday", CalendarConfig{}, calDate(2026, time.January, 10), false},
		{"Sunday", CalendarConfig{}, calDate(2026, time.January, 11), false},
		{"Ascension", CalendarConfig{}, calDate(2026, time.May, 14), false},
		{"Good Friday métropole", CalendarConfig{}, calDate(2026, time.April, 3), true},
		{"Good Friday Alsace", CalendarConfig{AlsaceMoselle: true}, calDate(2026, time.April, 3), false},
		{"Saint-Étienne Alsace on Saturday", CalendarConfig{AlsaceMoselle: true}, calDate(2026, time.December, 26), false},
		{"Saint-Étienne Alsace 2025 Friday", CalendarConfig{AlsaceMoselle: true}, calDate(2025, time.December, 26), false},
		{"26 Dec 2025 métropole", CalendarConfig{}, calDate(2025, time.December, 26), true},
		{"extra worked holiday", CalendarConfig{ExtraWorked: []string{"2026-05-14"}}, calDate(2026, time.May, 14), true},
		{"extra worked Saturday", CalendarConfig{ExtraWorked: []string{"2026-05-16"}}, calDate(2026, time.May, 16), true},
		{"extra worked other day", CalendarConfig{ExtraWorked: []string{"2026-05-14"}}, calDate(2026, time.May, 25), false},
		{"extra closed", CalendarConfig{ExtraClosed: []string{"2026-08-10"}}, calDate(2026, time.August, 10), false},
		{"extra closed next day", CalendarConfig{ExtraClosed: []string{"2026-08-10"}}, calDate(2026, time.August, 11), true},
		{"holidays worked", CalendarConfig{HolidaysWorked: true}, calDate(2026, time.May, 14), true},
		{"holidays worked weekend", CalendarConfig{HolidaysWorked: true}, calDate(2026, time.May, 16), false},
		{"holidays worked closure", CalendarConfig{HolidaysWorked: true, ExtraClosed: []string{"2026-05-14"}}, calDate(2026, time.May, 14), false},
		{"six days Saturday", CalendarConfig{WorkDays: sixDays}, calDate(2026, time.January, 10), true},
		{"six days Sunday", CalendarConfig{WorkDays: sixDays}, calDate(2026, time.January, 11), false},
		{"six days holiday", CalendarConfig{WorkDays: sixDays}, calDate(2026, time.August, 15), false},
		{"Sunday only", CalendarConfig{WorkDays: []time.Weekday{time.Sunday}}, calDate(2026, time.January, 11), true},
		{"Sunday only Monday", CalendarConfig{WorkDays: []time.Weekday{time.Sunday}}, calDate(2026, time.January, 12), false},
		// Saturday 10 Jan 08:00 in UTC+13 is still Friday 9 Jan in UTC: the local date wins.
		{"local civil date", CalendarConfig{}, time.Date(2026, time.January, 10, 8, 0, 0, 0, auckland), false},
		{"local civil date Monday", CalendarConfig{}, time.Date(2026, time.January, 12, 8, 0, 0, 0, auckland), true},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c := mustCalendar(t, s.cfg)
			if got := c.IsWorkingDay(s.date); got != s.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", s.date, got, s.want)
			}
		})
	}
}

// TestAddWorkingDays checks forward and backward moves across weekends, bridges and overrides.
func TestAddWorkingDays(t *testing.T) {
	auckland := time.FixedZone("UTC+13", 13*3600)
	sixDays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	scenarios := []struct {
		name  string
		cfg   CalendarConfig
		start time.Time
		n     int
		want  time.Time
	}{
		{"over weekend", CalendarConfig{}, calDate(2026, time.January, 9), 1, calDate(2026, time.January, 12)},
		{"within week", CalendarConfig{}, calDate(2026, time.January, 12), 3, calDate(2026, time.January, 15)},
		{"two weeks", CalendarConfig{}, calDate(2026, time.January, 12), 10, calDate(2026, time.January, 26)},
		{"from Saturday", CalendarConfig{}, calDate(2026, time.January, 10), 1, calDate(2026, time.January, 12)},
		{"Ascension eve", CalendarConfig{}, calDate(2026, time.May, 13), 1, calDate(2026, time.May, 15)},
		{"Ascension bridge week", CalendarConfig{}, calDate(2026, time.May, 11), 5, calDate(2026, time.May, 19)},
		{"Ascension and Pentecôte", CalendarConfig{}, calDate(2026, time.May, 13), 8, calDate(2026, time.May, 27)},
		{"negative over Ascension", CalendarConfig{}, calDate(2026, time.May, 18), -2, calDate(2026, time.May, 13)},
		{"negative over weekend", CalendarConfig{}, calDate(2026, time.January, 12), -1, calDate(2026, time.January, 9)},
		{"negative from Sunday", CalendarConfig{}, calDate(2026, time.January, 11), -1, calDate(2026, time.January, 9)},
		{"negative over new year", CalendarConfig{}, calDate(2027, time.January, 4), -3, calDate(2026, time.December, 29)},
		{"zero on Saturday", CalendarConfig{}, calDate(2026, time.January, 10), 0, calDate(2026, time.January, 12)},
		{"zero on Saturday before Pentecôte", CalendarConfig{}, calDate(2026, time.May, 23), 0, calDate(2026, time.May, 26)},
		{"zero on working day", CalendarConfig{}, calDate(2026, time.January, 13), 0, calDate(2026, time.January, 13)},
		{"over new year", CalendarConfig{}, calDate(2026, time.December, 31), 1, calDate(2027, time.January, 4)},
		{"extra worked holiday", CalendarConfig{ExtraWorked: []string{"2026-05-14"}}, calDate(2026, time.May, 13), 1, calDate(2026, time.May, 14)},
		{"extra worked Saturday", CalendarConfig{ExtraWorked: []string{"2026-05-16"}}, calDate(2026, time.May, 15), 1, calDate(2026, time.May, 16)},
		{"extra closed summer week", CalendarConfig{ExtraClosed: []string{"2026-08-10", "2026-08-11", "2026-08-12", "2026-08-13", "2026-08-14"}},
			calDate(2026, time.August, 7), 1, calDate(2026, time.August, 17)},
		{"holidays worked", CalendarConfig{HolidaysWorked: true}, calDate(2026, time.May, 13), 1, calDate(2026, time.May, 14)},
		{"six-day week", CalendarConfig{WorkDays: sixDays}, calDate(2026, time.January, 9), 1, calDate(2026, time.January, 10)},
		{"six-day week over Sunday", CalendarConfig{WorkDays: sixDays}, calDate(2026, time.January, 9), 2, calDate(2026, time.January, 12)},
		{"Alsace Good Friday", CalendarConfig{AlsaceMoselle: true}, calDate(2026, time.April, 2), 1, calDate(2026, time.April, 7)},
		{"keeps clock and location", CalendarConfig{}, time.Date(2026, time.January, 10, 8, 30, 15, 7, auckland), 0,
			time.Date(2026, time.January, 12, 8, 30, 15, 7, auckland)},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c := mustCalendar(t, s.cfg)
			got := c.AddWorkingDays(s.start, s.n)
			if !got.Equal(s.want) || got.Location() != s.want.Location() {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", s.start, s.n, got, s.want)
			}
		})
	}
}

// TestAddWorkingDaysDST checks that the wall clock is kept across a DST change.
func TestAddWorkingDaysDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	c := mustCalendar(t, CalendarConfig{})
	start := time.Date(2026, time.March, 27, 8, 30, 0, 0, paris) // Friday, DST starts Sunday 29
	want := time.Date(2026, time.March, 30, 8, 30, 0, 0, paris)
	if got := c.AddWorkingDays(start, 1); !got.Equal(want) || got.Location() != paris {
		t.Errorf("AddWorkingDays(%v, 1) = %v, want %v", start, got, want)
	}
	if got := c.AddWorkingDays(want, -1); !got.Equal(start) {
		t.Errorf("AddWorkingDays(%v, -1) = %v, want %v", want, got, start)
	}
}

// TestAddWorkingDaysRoundTrip checks that moving forward then back returns to the start.
func TestAddWorkingDaysRoundTrip(t *testing.T) {
	c := mustCalendar(t, CalendarConfig{AlsaceMoselle: true, ExtraClosed: []string{"2026-08-10"}})
	for d := calDate(2026, time.January, 1); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		if !c.IsWorkingDay(d) {
			continue
		}
		for _, n := range []int{1, 7, 40} {
			fwd := c.AddWorkingDays(d, n)
			if got := c.AddWorkingDays(fwd, -n); !got.Equal(d) {
				t.Errorf("AddWorkingDays(AddWorkingDays(%v, %d), %d) = %v, want %v", d, n, -n, got, d)
			}
			if got, want := c.WorkingDaysBetween(d, fwd), n+1; got != want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", d, fwd, got, want)
			}
		}
	}
}

// TestNextWorkingDay checks the first working day on or after a date.
func TestNextWorkingDay(t *testing.T) {
	scenarios := []struct {
		name string
		cfg  CalendarConfig
		date time.Time
		want time.Time
	}{
		{"working day", CalendarConfig{}, calDate(2026, time.May, 13), calDate(2026, time.May, 13)},
		{"holiday", CalendarConfig{}, calDate(2026, time.May, 14), calDate(2026, time.May, 15)},
		{"Saturday before Pentecôte", CalendarConfig{}, calDate(2026, time.May, 23), calDate(2026, time.May, 26)},
		{"Christmas Alsace", CalendarConfig{AlsaceMoselle: true}, calDate(2025, time.December, 25), calDate(2025, time.December, 29)},
		{"Christmas métropole", CalendarConfig{}, calDate(2025, time.December, 25), calDate(2025, time.December, 26)},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c := mustCalendar(t, s.cfg)
			if got := c.NextWorkingDay(s.date); !got.Equal(s.want) {
				t.Errorf("NextWorkingDay(%v) = %v, want %v", s.date, got, s.want)
			}
		})
	}
}

// TestWorkingDaysBetween checks inclusive counts over ranges.
func TestWorkingDaysBetween(t *testing.T) {
	sixDays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	may1, may31 := calDate(2026, time.May, 1), calDate(2026, time.May, 31)
	scenarios := []struct {
		name     string
		cfg      CalendarConfig
		from, to time.Time
		want     int
	}{
		// May 2026: 21 weekdays; 1, 8, 14 and 25 May are all weekdays → 17.
		{"May 2026", CalendarConfig{}, may1, may31, 17},
		{"May 2026 Alsace", CalendarConfig{AlsaceMoselle: true}, may1, may31, 17},
		{"May 2026 holidays worked", CalendarConfig{HolidaysWorked: true}, may1, may31, 21},
		// 26 Monday–Saturday days minus the same 4 holidays.
		{"May 2026 six days", CalendarConfig{WorkDays: sixDays}, may1, may31, 22},
		{"May 2026 extra worked", CalendarConfig{ExtraWorked: []string{"2026-05-14", "2026-05-16"}}, may1, may31, 19},
		{"May 2026 extra closed", CalendarConfig{ExtraClosed: []string{"2026-05-15", "2026-05-16"}}, may1, may31, 16},
		{"April 2026 Alsace", CalendarConfig{AlsaceMoselle: true}, calDate(2026, time.April, 1), calDate(2026, time.April, 30), 20},
		{"year 2026", CalendarConfig{}, calDate(2026, time.January, 1), calDate(2026, time.December, 31), 252},
		{"single working day", CalendarConfig{}, may31.AddDate(0, 0, -2), may31.AddDate(0, 0, -2), 1},
		{"single holiday", CalendarConfig{}, may1, may1, 0},
		{"to before from", CalendarConfig{}, may31, may1, 0},
		{"clock times ignored", CalendarConfig{}, may1.Add(23 * time.Hour), may31.Add(time.Hour), 17},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c := mustCalendar(t, s.cfg)
			if got := c.WorkingDaysBetween(s.from, s.to); got != s.want {
				t.Errorf("WorkingDaysBetween(%v, %v) = %d, want %d", s.from, s.to, got, s.want)
			}
		})
	}
}

// TestNewWorkCalendarInvalid checks that bad settings are rejected on the "calendar" field.
func TestNewWorkCalendarInvalid(t *testing.T) {
	scenarios := []struct {
		name string
		cfg  CalendarConfig
	}{
		{"bad date string", CalendarConfig{ExtraClosed: []string{"2026/08/10"}}},
		{"month 13", CalendarConfig{ExtraWorked: []string{"2026-13-01"}}},
		{"30 February", CalendarConfig{ExtraClosed: []string{"2026-02-30"}}},
		{"short date", CalendarConfig{ExtraClosed: []string{"2026-8-1"}}},
		{"empty date", CalendarConfig{ExtraWorked: []string{""}}},
		{"trailing text", CalendarConfig{ExtraClosed: []string{"2026-08-10T00:00:00Z"}}},
		{"weekday 9", CalendarConfig{WorkDays: []time.Weekday{time.Monday, 9}}},
		{"weekday -1", CalendarConfig{WorkDays: []time.Weekday{-1}}},
		{"duplicate weekday", CalendarConfig{WorkDays: []time.Weekday{time.Monday, time.Tuesday, time.Monday}}},
		{"duplicate closed date", CalendarConfig{ExtraClosed: []string{"2026-08-10", "2026-08-11", "2026-08-10"}}},
		{"duplicate worked date", CalendarConfig{ExtraWorked: []string{"2026-05-14", "2026-05-14"}}},
		{"closed and worked", CalendarConfig{ExtraClosed: []string{"2026-08-10"}, ExtraWorked: []string{"2026-08-10"}}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			c, err := NewWorkCalendar(s.cfg)
			if err == nil {
				t.Fatalf("NewWorkCalendar(%+v) = %v, nil; want an error", s.cfg, c)
			}
			if c != nil {
				t.Errorf("got calendar %v with error, want nil", c)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got error %T %v, want *Error", err, err)
			}
			if e.Field != "calendar" {
				t.Errorf("got Field %q, want %q", e.Field, "calendar")
			}
			if !catalog.Default().Has(e.Key) {
				t.Errorf("message key %q is not in the catalogue", e.Key)
			}
		})
	}
}

// TestNewWorkCalendarValid checks that good settings are accepted.
func TestNewWorkCalendarValid(t *testing.T) {
	scenarios := []struct {
		name string
		cfg  CalendarConfig
	}{
		{"zero", CalendarConfig{}},
		{"all days", CalendarConfig{WorkDays: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}},
		{"dates", CalendarConfig{ExtraClosed: []string{"2026-08-10", "2028-02-29"}, ExtraWorked: []string{"2026-05-14"}}},
		{"all flags", CalendarConfig{AlsaceMoselle: true, HolidaysWorked: true}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if _, err := NewWorkCalendar(s.cfg); err != nil {
				t.Errorf("NewWorkCalendar(%+v): got error %v, want nil", s.cfg, err)
			}
		})
	}
}

// TestWorkCalendarConcurrent exercises the lazy holiday cache from many goroutines (run with -race).
func TestWorkCalendarConcurrent(t *testing.T) {
	c := mustCalendar(t, CalendarConfig{AlsaceMoselle: true})
	want := make([]time.Time, 8)
	ref := mustCalendar(t, CalendarConfig{AlsaceMoselle: true})
	for i := range want {
		want[i] = ref.AddWorkingDays(calDate(2000+3*i, time.March, 1), 1000)
	}
	var wg sync.WaitGroup
	got := make([]time.Time, len(want))
	for i := range want {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := calDate(2000+3*i, time.March, 1)
			got[i] = c.AddWorkingDays(start, 1000)
			_ = c.HolidayName(start)
			_ = c.WorkingDaysBetween(start, got[i])
		}()
	}
	wg.Wait()
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("goroutine %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

// TestAddWorkingDaysAllocs checks that walking days does not allocate once holidays are cached.
func TestAddWorkingDaysAllocs(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	c := mustCalendar(t, CalendarConfig{ExtraClosed: []string{"2026-08-10"}, ExtraWorked: []string{"2026-05-16"}})
	start := time.Date(2026, time.January, 5, 9, 0, 0, 0, paris)
	c.AddWorkingDays(start, 500) // warm the per-year cache
	allocs := testing.AllocsPerRun(20, func() {
		c.AddWorkingDays(start, 500)
		c.AddWorkingDays(start, -500)
		c.WorkingDaysBetween(start, start.AddDate(1, 0, 0))
	})
	if allocs != 0 {
		t.Errorf("got %v allocations per run, want 0", allocs)
	}
}
