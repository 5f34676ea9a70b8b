package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
)

// TestTaskDatesRule is the date rule of a task over the default calendar
// (Monday–Friday, French public holidays; in 2026 Easter Monday is 6
// April and 1 May a Friday), for a saved record and for a planner's
// strict move.
func TestTaskDatesRule(t *testing.T) {
	cal, err := domain.NewWorkCalendar(domain.CalendarConfig{})
	if err != nil {
		t.Fatal(err)
	}
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 0, 0, 0, 0, time.UTC) }
	dates := func(s, e time.Time, n int) domain.TaskDates { return domain.TaskDates{Start: s, End: e, Duration: n} }
	scenarios := []struct {
		name    string
		change  domain.TaskDatesChange
		want    domain.TaskDates
		field   string // a refusal names this field
		message string // and says this
	}{
		{name: "weekend start moves to Monday", change: domain.TaskDatesChange{TaskDates: dates(d(3, 7), time.Time{}, 2), DurationSet: true},
			want: dates(d(3, 9), d(3, 10), 2)},
		{name: "holiday start moves to the next working day", change: domain.TaskDatesChange{TaskDates: dates(d(4, 6), time.Time{}, 1), DurationSet: true},
			want: dates(d(4, 7), d(4, 7), 1)},
		{name: "duration 0 without an end is one day", change: domain.TaskDatesChange{TaskDates: dates(d(3, 2), time.Time{}, 0), DurationSet: true, EndSet: true},
			want: dates(d(3, 2), d(3, 2), 1)},
		{name: "duration 1 ends the same day", change: domain.TaskDatesChange{TaskDates: dates(d(3, 4), time.Time{}, 1), DurationSet: true},
			want: dates(d(3, 4), d(3, 4), 1)},
		{name: "duration N skips the weekend and 1 May", change: domain.TaskDatesChange{TaskDates: dates(d(4, 30), time.Time{}, 3), DurationSet: true},
			want: dates(d(4, 30), d(5, 5), 3)},
		{name: "a set end before the start is refused", change: domain.TaskDatesChange{TaskDates: dates(d(3, 9), d(3, 6), 2), EndSet: true},
			field: "planned_end", message: "La fin prévue doit suivre le début"},
		{name: "an end before the start without a duration is refused", change: domain.TaskDatesChange{TaskDates: dates(d(3, 9), d(3, 6), 0)},
			field: "planned_end", message: "La fin prévue doit suivre le début"},
		{name: "a moved task keeps its duration", change: domain.TaskDatesChange{TaskDates: dates(d(3, 9), d(3, 4), 3), Stored: dates(d(3, 2), d(3, 4), 3)},
			want: dates(d(3, 9), d(3, 11), 3)},
		{name: "a set end gives the duration", change: domain.TaskDatesChange{TaskDates: dates(d(3, 2), d(3, 10), 2), EndSet: true},
			want: dates(d(3, 2), d(3, 10), 7)},
		{name: "a set end over 1 May", change: domain.TaskDatesChange{TaskDates: dates(d(4, 30), d(5, 5), 1), EndSet: true},
			want: dates(d(4, 30), d(5, 5), 3)},
		{name: "a set duration wins over a set end", change: domain.TaskDatesChange{TaskDates: dates(d(3, 2), d(3, 13), 2), EndSet: true, DurationSet: true},
			want: dates(d(3, 2), d(3, 3), 2)},
		{name: "no duration: the stored span", change: domain.TaskDatesChange{TaskDates: dates(d(3, 9), time.Time{}, 0), Stored: dates(d(3, 2), d(3, 4), 0)},
			want: dates(d(3, 9), d(3, 11), 3)},
		{name: "no start: kept as given", change: domain.TaskDatesChange{TaskDates: dates(time.Time{}, d(3, 4), 0), EndSet: true, DurationSet: true},
			want: dates(time.Time{}, d(3, 4), 0)},
		{name: "strict: no start", change: domain.TaskDatesChange{TaskDates: dates(time.Time{}, time.Time{}, 2), Strict: true},
			field: "start", message: "Indiquez la date de début"},
		{name: "strict: a weekend start is refused", change: domain.TaskDatesChange{TaskDates: dates(d(3, 7), time.Time{}, 2), Strict: true},
			field: "start", message: "Le 07/03/2026 n'est pas un jour travaillé"},
		{name: "strict: a holiday start is refused, named", change: domain.TaskDatesChange{TaskDates: dates(d(4, 6), time.Time{}, 2), Strict: true},
			field: "start", message: "Lundi de Pâques"},
		{name: "strict: a holiday end is refused, named", change: domain.TaskDatesChange{TaskDates: dates(d(4, 30), d(5, 1), 2), EndSet: true, Strict: true},
			field: "end", message: "Fête du Travail"},
		{name: "strict: an end before the start is refused", change: domain.TaskDatesChange{TaskDates: dates(d(3, 9), d(3, 6), 2), EndSet: true, Strict: true},
			field: "end", message: "La fin doit suivre le début"},
		{name: "strict: a move keeps the duration", change: domain.TaskDatesChange{TaskDates: dates(d(3, 13), time.Time{}, 3), Stored: dates(d(3, 2), d(3, 4), 3), Strict: true},
			want: dates(d(3, 13), d(3, 17), 3)},
		{name: "strict: a resize gives the duration", change: domain.TaskDatesChange{TaskDates: dates(d(3, 2), d(3, 6), 3), EndSet: true, Strict: true},
			want: dates(d(3, 2), d(3, 6), 5)},
		{name: "strict: duration 0 is one day", change: domain.TaskDatesChange{TaskDates: dates(d(3, 2), time.Time{}, 0), Strict: true},
			want: dates(d(3, 2), d(3, 2), 1)},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got, err := domain.NormalizeTaskDates(cal, s.change)
			if s.field != "" {
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != domain.EInvalid || de.Field != s.field || !strings.Contains(de.Error(), s.message) {
					t.Fatalf("got %+v, %v; want a refusal of %s saying %q", got, err, s.field, s.message)
				}
				return
			}
			if err != nil || !got.Start.Equal(s.want.Start) || !got.End.Equal(s.want.End) || got.Duration != s.want.Duration {
				t.Errorf("got %s…%s %d d (%v), want %s…%s %d d", got.Start.Format(time.DateOnly), got.End.Format(time.DateOnly), got.Duration, err,
					s.want.Start.Format(time.DateOnly), s.want.End.Format(time.DateOnly), s.want.Duration)
			}
		})
	}
}
