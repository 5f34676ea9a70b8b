package domain_test

import (
	"errors"
	"testing"

	"github.com/fieldops360/fieldops/domain"
)

// TestParseAmount: amounts typed in French or English forms, and what
// is refused (naming the field).
func TestParseAmount(t *testing.T) {
	ok := map[string]float64{"": 0, "350": 350, "350,50": 350.5, "350.5": 350.5, "1 200": 1200, "1\u202f200,75 €": 1200.75,
		" 12,5 ": 12.5, "-3": -3}
	for in, want := range ok {
		if got, err := domain.ParseAmount("daily_rate", in); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"abc", "1,2,3", "1.200,5", "NaN", "Inf", "12 €uros"} {
		_, err := domain.ParseAmount("budget", in)
		var e *domain.Error
		if !errors.As(err, &e) || e.Code != domain.EInvalid || e.Field != "budget" {
			t.Errorf("ParseAmount(%q) = %v, want EInvalid on budget", in, err)
		}
	}
}
