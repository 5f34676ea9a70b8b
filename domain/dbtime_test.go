package domain

import (
	"testing"
	"time"
)

func TestDBTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name string
		in   time.Time
		want string
		date string
	}{
		{"utc", time.Date(2026, 3, 9, 7, 5, 3, 120_000_000, time.UTC), "2026-03-09 07:05:03.120Z", "2026-03-09 00:00:00.000Z"},
		{"paris winter", time.Date(2026, 1, 2, 0, 30, 0, 0, paris), "2026-01-01 23:30:00.000Z", "2026-01-02 00:00:00.000Z"},
		{"sub-millisecond truncated", time.Date(2026, 7, 14, 12, 0, 0, 999_999, time.UTC), "2026-07-14 12:00:00.000Z", "2026-07-14 00:00:00.000Z"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := DBTime(s.in); got != s.want {
				t.Errorf("DBTime = %q, want %q", got, s.want)
			}
			if got := dateOnly(s.in); got != s.date {
				t.Errorf("dateOnly = %q, want %q", got, s.date)
			}
			if got := ParseDBTime(s.want); !got.Equal(s.in.Truncate(time.Millisecond)) {
				t.Errorf("ParseDBTime(%q) = %v, want %v", s.want, got, s.in)
			}
		})
	}
	if got := ParseDBTime(""); !got.IsZero() {
		t.Errorf("ParseDBTime(\"\") = %v, want zero", got)
	}
}
