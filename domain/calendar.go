package domain

import (
	"slices"
	"sync"
	"time"
)

// Holiday is a public holiday.
type Holiday struct {
	Date time.Time // midnight UTC of the day (only Y-M-D matters)
	Name string    // French name, e.g. "Lundi de Pâques"
}

// FrenchHolidays returns the 11 French public holidays (jours fériés, métropole) of a year,
// sorted by date: Jour de l'an, Lundi de Pâques, Fête du Travail, Victoire 1945, Ascension,
// Lundi de Pentecôte, Fête nationale, Assomption, Toussaint, Armistice 1918, Noël.
// With alsaceMoselle true, adds Vendredi saint and Saint-Étienne (26 Dec) (13 days).
//
// Two holidays may fall on the same date (Ascension on 1 or 8 May, e.g. 2008):
// both are listed, in the order above.
func FrenchHolidays(year int, alsaceMoselle bool) []Holiday {
	easter := Easter(year)
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	hs := make([]Holiday, 0, 13)
	hs = append(hs,
		Holiday{day(time.January, 1), "Jour de l'an"},
		Holiday{easter.AddDate(0, 0, 1), "Lundi de Pâques"},
		Holiday{day(time.May, 1), "Fête du Travail"},
		Holiday{day(time.May, 8), "Victoire 1945"},
		Holiday{easter.AddDate(0, 0, 39), "Ascension"},
		Holiday{easter.AddDate(0, 0, 50), "Lundi de Pentecôte"},
		Holiday{day(time.July, 14), "Fête nationale"},
		Holiday{day(time.August, 15), "Assomption"},
		Holiday{day(time.November, 1), "Toussaint"},
		Holiday{day(time.November, 11), "Armistice 1918"},
		Holiday{day(time.December, 25), "Noël"},
	)
	if alsaceMoselle {
		hs = append(hs,
			Holiday{easter.AddDate(0, 0, -2), "Vendredi saint"},
			Holiday{day(time.December, 26), "Saint-Étienne"},
		)
	}
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// Easter returns Easter Sunday (Gregorian, anonymous algorithm) of a year at midnight UTC.
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	dd := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), dd, 0, 0, 0, 0, time.UTC)
}

// civilDay is a civil date as a count of days since 1970-01-01.
type civilDay int64

func civilOf(t time.Time) civilDay {
	y, m, d := t.Date()
	return civilYMD(y, m, d)
}

func civilYMD(y int, m time.Month, d int) civilDay {
	return civilDay(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// utc returns the day at midnight UTC.
func (c civilDay) utc() time.Time { return time.Unix(int64(c)*86400, 0).UTC() }

// weekday of the day; 1970-01-01 was a Thursday.
func (c civilDay) weekday() time.Weekday { return time.Weekday((int64(c)%7 + 11) % 7) }

// at returns the day with ref's clock time, in ref's location.
func (c civilDay) at(ref time.Time) time.Time {
	y, m, d := c.utc().Date()
	hh, mm, ss := ref.Clock()
	return time.Date(y, m, d, hh, mm, ss, ref.Nanosecond(), ref.Location())
}

// mondayToFriday is the default week as a weekday bit mask.
const mondayToFriday = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday

// WorkCalendar says which days are worked. The zero value is not useful: use NewWorkCalendar.
// A WorkCalendar is safe for concurrent use; public holidays are computed lazily and
// cached per year.
type WorkCalendar struct {
	week           uint8 // bit i set: time.Weekday(i) is worked; 0 means Monday–Friday
	alsaceMoselle  bool
	holidaysWorked bool
	closed         map[civilDay]struct{}
	worked         map[civilDay]struct{}

	mu    sync.Mutex
	years map[int]map[civilDay]string // year → holiday dates → name; inner maps are immutable
}

// CalendarConfig is the tenant's stored calendar setting (JSON field "calendar" of the company record).
type CalendarConfig struct {
	WorkDays       []time.Weekday `json:"work_days"`       // default Monday–Friday when empty
	AlsaceMoselle  bool           `json:"alsace_moselle"`  // adds Vendredi saint and Saint-Étienne
	ExtraClosed    []string       `json:"extra_closed"`    // "YYYY-MM-DD" company closures (e.g. congés d'été)
	ExtraWorked    []string       `json:"extra_worked"`    // "YYYY-MM-DD" exceptionally worked days (override holidays/weekends)
	HolidaysWorked bool           `json:"holidays_worked"` // true: public holidays are worked days (e.g. urgent network works)
}

// NewWorkCalendar validates cfg (dates must parse as YYYY-MM-DD, weekdays 0..6, no duplicates)
// and returns the calendar. Invalid input returns an error created with FieldError("calendar", "...FR... / ...EN...").
// A date listed in both ExtraClosed and ExtraWorked counts as a duplicate.
// Precedence: ExtraWorked, then ExtraClosed, then public holidays, then WorkDays.
func NewWorkCalendar(cfg CalendarConfig) (*WorkCalendar, error) {
	c := &WorkCalendar{alsaceMoselle: cfg.AlsaceMoselle, holidaysWorked: cfg.HolidaysWorked}
	for _, wd := range cfg.WorkDays {
		if wd < time.Sunday || wd > time.Saturday {
			return nil, FieldError("calendar", "err.calendar.invalid_work_day", int(wd))
		}
		if c.week&(1<<wd) != 0 {
			return nil, FieldError("calendar", "err.calendar.duplicate_work_day", int(wd))
		}
		c.week |= 1 << wd
	}
	var err error
	if c.closed, err = parseCalendarDates("extra_closed", cfg.ExtraClosed, nil); err != nil {
		return nil, err
	}
	if c.worked, err = parseCalendarDates("extra_worked", cfg.ExtraWorked, c.closed); err != nil {
		return nil, err
	}
	return c, nil
}

// parseCalendarDates parses YYYY-MM-DD dates into a set, rejecting duplicates
// within the list and dates already present in other.
func parseCalendarDates(field string, dates []string, other map[civilDay]struct{}) (map[civilDay]struct{}, error) {
	if len(dates) == 0 {
		return nil, nil
	}
	set := make(map[civilDay]struct{}, len(dates))
	for _, s := range dates {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil, FieldError("calendar", "err.calendar.invalid_date", s, field)
		}
		d := civilOf(t)
		if _, dup := set[d]; dup {
			return nil, FieldError("calendar", "err.calendar.duplicate_date", s, field)
		}
		if _, dup := other[d]; dup {
			return nil, FieldError("calendar", "err.calendar.closed_and_worked", s)
		}
		set[d] = struct{}{}
	}
	return set, nil
}

// yearHolidays returns the (cached, read-only) holiday set of a year.
func (c *WorkCalendar) yearHolidays(year int) map[civilDay]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if set, ok := c.years[year]; ok {
		return set
	}
	set := make(map[civilDay]string, 13)
	for _, h := range FrenchHolidays(year, c.alsaceMoselle) {
		d := civilOf(h.Date)
		if prev, ok := set[d]; ok {
			set[d] = prev + ", " + h.Name
		} else {
			set[d] = h.Name
		}
	}
	if c.years == nil {
		c.years = make(map[int]map[civilDay]string)
	}
	c.years[year] = set
	return set
}

// dayCursor answers "is this day worked?" for day-by-day walks, holding the
// current year's holiday set so the mutex is taken once per year crossed.
type dayCursor struct {
	c      *WorkCalendar
	week   uint8
	lo, hi civilDay // days covered by set
	set    map[civilDay]string
	loaded bool
}

func (c *WorkCalendar) cursor() dayCursor {
	week := c.week
	if week == 0 {
		week = mondayToFriday
	}
	return dayCursor{c: c, week: week}
}

func (k *dayCursor) holiday(d civilDay) string {
	if !k.loaded || d < k.lo || d > k.hi {
		y := d.utc().Year()
		k.lo, k.hi = civilYMD(y, time.January, 1), civilYMD(y, time.December, 31)
		k.set = k.c.yearHolidays(y)
		k.loaded = true
	}
	return k.set[d]
}

func (k *dayCursor) working(d civilDay) bool {
	if _, ok := k.c.worked[d]; ok {
		return true
	}
	if _, ok := k.c.closed[d]; ok {
		return false
	}
	if k.week&(1<<d.weekday()) == 0 {
		return false
	}
	return k.c.holidaysWorked || k.holiday(d) == ""
}

// IsWorkingDay reports whether the civil date of d (its Y-M-D in d's location) is worked.
func (c *WorkCalendar) IsWorkingDay(d time.Time) bool {
	k := c.cursor()
	return k.working(civilOf(d))
}

// HolidayName returns the holiday name of that date, or "".
// The civil date of d in d's location is used; the name is returned even when
// HolidaysWorked is set or the date is in ExtraWorked. Two holidays on the same
// date are joined with ", ".
func (c *WorkCalendar) HolidayName(d time.Time) string {
	return c.yearHolidays(d.Year())[civilOf(d)]
}

// AddWorkingDays returns the date n working days after start (n may be negative, moving back; n == 0 returns
// start itself if it is a working day, else the next working day). Result keeps start's location and clock time.
func (c *WorkCalendar) AddWorkingDays(start time.Time, n int) time.Time {
	k := c.cursor()
	d := civilOf(start)
	if n == 0 {
		for !k.working(d) {
			d++
		}
		return d.at(start)
	}
	step := civilDay(1)
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d += step
		if k.working(d) {
			n--
		}
	}
	return d.at(start)
}

// WorkingDaysBetween counts working days in [from, to] inclusive (0 if to < from).
// Each bound is taken as its civil date in its own location.
func (c *WorkCalendar) WorkingDaysBetween(from, to time.Time) int {
	k := c.cursor()
	count := 0
	for d, end := civilOf(from), civilOf(to); d <= end; d++ {
		if k.working(d) {
			count++
		}
	}
	return count
}

// NextWorkingDay returns the first working day on or after d.
// The result keeps d's location and clock time.
func (c *WorkCalendar) NextWorkingDay(d time.Time) time.Time {
	return c.AddWorkingDays(d, 0)
}
