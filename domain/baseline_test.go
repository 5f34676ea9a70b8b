package domain

import (
	"testing"
	"time"
)

func TestSlip(t *testing.T) {
	cal, err := NewWorkCalendar(CalendarConfig{})
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2026-03-02", "2026-03-02", 0},
		{"2026-03-02", "2026-03-03", 1},
		{"2026-03-06", "2026-03-09", 1},  // Friday → Monday
		{"2026-03-09", "2026-03-06", -1}, // Monday → Friday
		{"2026-04-03", "2026-04-07", 1},  // Friday → Tuesday over Easter Monday
		{"2026-03-02", "2026-03-16", 10},
		{"2026-03-16", "2026-03-02", -10},
	} {
		if got := Slip(cal, d(c.a), d(c.b)); got != c.want {
			t.Errorf("Slip(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
