package domain

import (
	"testing"
	"time"
)

func TestPeriodOverlapAndConflicts(t *testing.T) {
	h := func(hour int) time.Time { return time.Date(2026, 12, 1, hour, 0, 0, 0, time.UTC) }
	existing := []Booking{
		{ID: "r1", Period: Period{h(8), h(12)}, Label: "CH-001"},
		{ID: "r2", Period: Period{h(14), h(18)}, Label: "Karim"},
	}
	scenarios := []struct {
		name   string
		p      Period
		except string
		wantID string // "" = no conflict
	}{
		{"before everything", Period{h(6), h(8)}, "", ""},
		{"touching end to start", Period{h(12), h(14)}, "", ""},
		{"inside the first", Period{h(9), h(10)}, "", "r1"},
		{"covering both", Period{h(7), h(19)}, "", "r1"},
		{"straddling the second's start", Period{h(13), h(15)}, "", "r2"},
		{"same as the second", Period{h(14), h(18)}, "", "r2"},
		{"editing itself", Period{h(9), h(11)}, "r1", ""},
		{"after everything", Period{h(18), h(20)}, "", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			b, clash := FirstConflict(s.p, existing, s.except)
			if got := map[bool]string{true: b.ID, false: ""}[clash]; got != s.wantID {
				t.Errorf("conflict = %q, want %q", got, s.wantID)
			}
		})
	}
}

func TestReservationInputValidate(t *testing.T) {
	from := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	ok := ReservationInput{AssetKind: AssetEquipment, Asset: "e1", Site: "s1", From: from, To: from.Add(time.Hour)}
	scenarios := []struct {
		name      string
		edit      func(*ReservationInput)
		wantField string
	}{
		{"valid", func(*ReservationInput) {}, ""},
		{"unknown kind", func(in *ReservationInput) { in.AssetKind = "boat" }, "asset_kind"},
		{"no asset", func(in *ReservationInput) { in.Asset = "" }, "asset"},
		{"no start", func(in *ReservationInput) { in.From = time.Time{} }, "from"},
		{"end before start", func(in *ReservationInput) { in.To = from.Add(-time.Hour) }, "to"},
		{"empty period", func(in *ReservationInput) { in.To = from }, "to"},
		{"for nobody", func(in *ReservationInput) { in.Site = "" }, "site"},
		{"for a person only", func(in *ReservationInput) { in.Site, in.User = "", "u1" }, ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			in := ok
			s.edit(&in)
			err := in.Validate()
			got := ""
			if e, isErr := err.(*Error); isErr {
				got = e.Field
			}
			if got != s.wantField {
				t.Errorf("field = %q (%v), want %q", got, err, s.wantField)
			}
		})
	}
}
