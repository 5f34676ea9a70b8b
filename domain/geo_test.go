package domain

import (
	"math"
	"testing"
)

func TestHaversine(t *testing.T) {
	// Paris Notre-Dame → Nantes cathedral: about 343 km.
	got := HaversineM(48.8530, 2.3499, 47.2183, -1.5511)
	if math.Abs(got-342_700) > 1_500 {
		t.Errorf("Paris → Nantes = %.0f m, want ≈ 342 700 m", got)
	}
	if d := HaversineM(45, 5, 45, 5); d != 0 {
		t.Errorf("same point = %v, want 0", d)
	}
}

func TestCheckGeofence(t *testing.T) {
	site := Geofence{Lat: 47.2184, Lng: -1.5536, RadiusM: 150, OK: true}
	// ~0.001° of latitude ≈ 111 m
	scenarios := []struct {
		name string
		g    Geofence
		fix  GeoFix
		want string
	}{
		{"at the centre", site, GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: 10, OK: true}, GeoInside},
		{"111 m away, precise", site, GeoFix{Lat: 47.2194, Lng: -1.5536, Accuracy: 15, OK: true}, GeoInside},
		{"333 m away, precise", site, GeoFix{Lat: 47.2214, Lng: -1.5536, Accuracy: 20, OK: true}, GeoOutside},
		{"inside but accuracy over 100 m", Geofence{Lat: 47.2184, Lng: -1.5536, RadiusM: 500, OK: true}, GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: 120, OK: true}, GeoLowAccuracy},
		{"accuracy above the radius", Geofence{Lat: 47.2184, Lng: -1.5536, RadiusM: 50, OK: true}, GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: 60, OK: true}, GeoLowAccuracy},
		{"far away and imprecise", site, GeoFix{Lat: 48, Lng: 2, Accuracy: 900, OK: true}, GeoLowAccuracy},
		{"no fix", site, GeoFix{}, GeoNoFix},
		{"site without position", Geofence{}, GeoFix{Lat: 47.2, Lng: -1.5, Accuracy: 5, OK: true}, GeoNoSite},
		{"radius 0 uses the default 150 m", Geofence{Lat: 47.2184, Lng: -1.5536, OK: true}, GeoFix{Lat: 47.2194, Lng: -1.5536, Accuracy: 5, OK: true}, GeoInside},
		{"NaN accuracy", site, GeoFix{Lat: 47.2184, Lng: -1.5536, Accuracy: math.NaN(), OK: true}, GeoLowAccuracy},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := CheckGeofence(s.g, s.fix)
			if got.Status != s.want {
				t.Errorf("got %q (distance %.0f m), want %q", got.Status, got.DistanceM, s.want)
			}
			if got.Flagged() != (s.want != GeoInside) {
				t.Errorf("Flagged() = %v for %q", got.Flagged(), got.Status)
			}
		})
	}
}

func TestValidULID(t *testing.T) {
	scenarios := []struct {
		in   string
		want bool
	}{
		{"01ARZ3NDEKTSV4RRFFQ69G5FAV", true},
		{"7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true},
		{"8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false}, // overflows 128 bits
		{"01ARZ3NDEKTSV4RRFFQ69G5FA", false},
		{"01ARZ3NDEKTSV4RRFFQ69G5FAI", false}, // I is not Crockford
		{"01arz3ndektsv4rrffq69g5fav", false},
		{"", false},
	}
	for _, s := range scenarios {
		if got := ValidULID(s.in); got != s.want {
			t.Errorf("ValidULID(%q) = %v, want %v", s.in, got, s.want)
		}
	}
}
