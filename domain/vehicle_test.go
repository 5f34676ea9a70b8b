package domain

import (
	"testing"
	"time"
)

func TestVehicleInputValidate(t *testing.T) {
	scenarios := []struct {
		name      string
		in        VehicleInput
		wantField string
		wantPlate string
	}{
		{"normalised plate", VehicleInput{Plate: " ab 123 cd ", Label: "Kangoo"}, "", "AB-123-CD"},
		{"bad plate", VehicleInput{Plate: "?", Label: "Kangoo"}, "plate", ""},
		{"no label", VehicleInput{Plate: "AB-123-CD"}, "label", ""},
		{"negative capacity", VehicleInput{Plate: "AB-123-CD", Label: "x", Capacity: -1}, "capacity", ""},
		{"unknown status", VehicleInput{Plate: "AB-123-CD", Label: "x", Status: "flying"}, "status", ""},
		{"unknown mode", VehicleInput{Plate: "AB-123-CD", Label: "x", Mode: "stealth"}, "mode", ""},
		{"short device id", VehicleInput{Plate: "AB-123-CD", Label: "x", GPSDeviceID: "12"}, "gps_device_id", ""},
		{"device id with spaces", VehicleInput{Plate: "AB-123-CD", Label: "x", GPSDeviceID: "a b c d"}, "gps_device_id", ""},
		{"imei device id", VehicleInput{Plate: "AB-123-CD", Label: "x", GPSDeviceID: "356938035643809"}, "", "AB-123-CD"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			in := s.in
			err := in.Validate()
			got := ""
			if e, ok := err.(*Error); ok {
				got = e.Field
			}
			if got != s.wantField {
				t.Fatalf("field = %q (%v), want %q", got, err, s.wantField)
			}
			if s.wantPlate != "" && in.Plate != s.wantPlate {
				t.Errorf("plate = %q, want %q", in.Plate, s.wantPlate)
			}
		})
	}
}

func TestEffectiveStatus(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	covering := []Booking{{Period: Period{now.Add(-time.Hour), now.Add(time.Hour)}}}
	later := []Booking{{Period: Period{now.Add(time.Hour), now.Add(2 * time.Hour)}}}
	ended := []Booking{{Period: Period{now.Add(-2 * time.Hour), now}}}
	scenarios := []struct {
		name, stored string
		bookings     []Booking
		want         string
	}{
		{"available, no booking", VehicleAvailable, nil, VehicleAvailable},
		{"available, booked now", VehicleAvailable, covering, VehicleAssigned},
		{"available, booked later", VehicleAvailable, later, VehicleAvailable},
		{"booking ended at now", VehicleAvailable, ended, VehicleAvailable},
		{"maintenance wins", VehicleMaintenance, covering, VehicleMaintenance},
		{"out wins", VehicleOut, covering, VehicleOut},
		{"blank is available", "", nil, VehicleAvailable},
	}
	for _, s := range scenarios {
		if got := EffectiveStatus(s.stored, s.bookings, now); got != s.want {
			t.Errorf("%s: got %q, want %q", s.name, got, s.want)
		}
	}
}

func TestEquipmentRules(t *testing.T) {
	moved := []struct {
		current string
		held    bool
		want    string
	}{
		{EquipmentAvailable, true, EquipmentInUse},
		{EquipmentInUse, false, EquipmentAvailable},
		{EquipmentInUse, true, EquipmentInUse},
		{EquipmentMaintenance, true, EquipmentMaintenance},
		{EquipmentLost, false, EquipmentLost},
	}
	for _, s := range moved {
		if got := MovedStatus(s.current, s.held); got != s.want {
			t.Errorf("MovedStatus(%s, %v) = %s, want %s", s.current, s.held, got, s.want)
		}
	}
	codes := []struct {
		code      string
		wantField string
	}{{"out-0001", ""}, {"", ""}, {"OUT 1", "code"}, {"-X", "code"}}
	for _, s := range codes {
		in := EquipmentInput{Name: "Perforateur", Code: s.code}
		err := in.Validate()
		got := ""
		if e, ok := err.(*Error); ok {
			got = e.Field
		}
		if got != s.wantField {
			t.Errorf("code %q: field = %q, want %q", s.code, got, s.wantField)
		}
	}
	access := []struct {
		role               string
		admin              bool
		edit, day, consume bool
	}{
		{RoleManager, false, true, true, true},
		{RoleProjectManager, false, true, true, true},
		{RoleSiteLead, false, false, true, true},
		{RoleCrew, false, false, false, true},
		{RoleCrew, true, true, true, true},
		{"", false, false, false, false},
	}
	for _, s := range access {
		a := ResourceAccessFor(s.role, s.admin)
		if a.EditRegisters != s.edit || a.DayToDay != s.day || a.Consume != s.consume {
			t.Errorf("%s admin=%v: %+v", s.role, s.admin, a)
		}
	}
}
