package domain

import (
	"testing"
	"time"
)

func TestMaintenanceState(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	day := func(d int) time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	scenarios := []struct {
		name     string
		due      time.Time
		dueKm    int
		odometer int
		done     bool
		want     string
	}{
		{"done wins", day(-30), 1000, 50000, true, MaintenanceDone},
		{"far by date", day(60), 0, 0, false, MaintenanceOK},
		{"due within 14 days", day(14), 0, 0, false, MaintenanceDueSoon},
		{"due today", day(0), 0, 0, false, MaintenanceDueSoon},
		{"overdue since yesterday", day(-1), 0, 0, false, MaintenanceOverdue},
		{"far by km", time.Time{}, 60000, 50000, false, MaintenanceOK},
		{"within 1000 km", time.Time{}, 51000, 50000, false, MaintenanceDueSoon},
		{"km reached", time.Time{}, 50000, 50000, false, MaintenanceOverdue},
		{"date fine but km overdue", day(90), 40000, 50000, false, MaintenanceOverdue},
		{"km fine but date overdue", day(-3), 90000, 50000, false, MaintenanceOverdue},
		{"nothing scheduled", time.Time{}, 0, 50000, false, MaintenanceOK},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := MaintenanceState(s.due, s.dueKm, s.odometer, s.done, now, paris); got != s.want {
				t.Errorf("got %q, want %q", got, s.want)
			}
		})
	}
}

func TestMaintenanceInputValidate(t *testing.T) {
	scenarios := []struct {
		name      string
		in        MaintenanceInput
		wantField string
	}{
		{"by date", MaintenanceInput{AssetKind: AssetEquipment, Label: "VGP", Due: time.Now()}, ""},
		{"by km", MaintenanceInput{AssetKind: AssetVehicle, Label: "Vidange", DueKm: 60000}, ""},
		{"no label", MaintenanceInput{AssetKind: AssetVehicle, DueKm: 60000}, "label"},
		{"no due", MaintenanceInput{AssetKind: AssetVehicle, Label: "Vidange"}, "due"},
		{"km on a tool", MaintenanceInput{AssetKind: AssetEquipment, Label: "VGP", DueKm: 10}, "due_km"},
		{"negative interval", MaintenanceInput{AssetKind: AssetVehicle, Label: "x", DueKm: 1, IntervalKm: -5}, "due_km"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			err := s.in.Validate()
			got := ""
			if e, ok := err.(*Error); ok {
				got = e.Field
			}
			if got != s.wantField {
				t.Errorf("field = %q, want %q", got, s.wantField)
			}
		})
	}
}
