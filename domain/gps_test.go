package domain

import (
	"net/url"
	"testing"
	"time"
)

func TestParseOsmAndFix(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	scenarios := []struct {
		name      string
		query     string
		wantField string
		wantAt    time.Time
		wantSpeed float64
	}{
		{"unix seconds", "id=T1&lat=47.2&lon=-1.55&timestamp=1795946400&speed=10&accuracy=5", "", time.Unix(1795946400, 0).UTC(), 18.52},
		{"milliseconds", "id=T1&lat=47.2&lon=-1.55&timestamp=1795946400000", "", time.Unix(1795946400, 0).UTC(), -1},
		{"rfc3339", "id=T1&lat=47.2&lon=-1.55&timestamp=2026-11-30T09:00:00%2B01:00", "", time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), -1},
		{"no timestamp is now", "id=T1&lat=47.2&lon=-1.55", "", now, -1},
		{"missing id", "lat=47.2&lon=-1.55", "id", time.Time{}, 0},
		{"latitude out of range", "id=T1&lat=97.2&lon=-1.55", "lat", time.Time{}, 0},
		{"missing longitude", "id=T1&lat=47.2", "lon", time.Time{}, 0},
		{"garbage timestamp", "id=T1&lat=47.2&lon=-1.55&timestamp=yesterday", "timestamp", time.Time{}, 0},
		{"future", "id=T1&lat=47.2&lon=-1.55&timestamp=2026-11-30T11:00:00Z", "timestamp", time.Time{}, 0},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			v, _ := url.ParseQuery(s.query)
			f, err := ParseOsmAndFix(v, now)
			if s.wantField != "" {
				e, ok := err.(*Error)
				if !ok || e.Field != s.wantField {
					t.Fatalf("err = %v, want a field error on %q", err, s.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !f.At.Equal(s.wantAt) || f.DeviceID != "T1" {
				t.Errorf("at = %v id %q, want %v T1", f.At, f.DeviceID, s.wantAt)
			}
			if d := f.SpeedKmh - s.wantSpeed; d > 0.001 || d < -0.001 {
				t.Errorf("speed = %v km/h, want %v", f.SpeedKmh, s.wantSpeed)
			}
		})
	}
}

func TestParseTraccarJSON(t *testing.T) {
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	body := `{"device_id":"T9","location":{"timestamp":"2026-11-30T09:30:00.000Z","coords":{"latitude":47.21,"longitude":-1.56,"speed":10,"accuracy":8}}}`
	f, err := ParseTraccarJSON([]byte(body), now)
	if err != nil {
		t.Fatal(err)
	}
	if f.DeviceID != "T9" || f.Lat != 47.21 || f.SpeedKmh != 36 || f.Accuracy != 8 || !f.At.Equal(time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("fix = %+v", f)
	}
	for _, bad := range []string{`{`, `{"device_id":"T9","location":{"coords":{}}}`} {
		if _, err := ParseTraccarJSON([]byte(bad), now); ErrorCode(err) != EInvalid {
			t.Errorf("%s: err = %v, want invalid", bad, err)
		}
	}
}

func TestTrackingDecision(t *testing.T) {
	cal, _ := NewWorkCalendar(CalendarConfig{ExtraClosed: []string{"2026-12-24"}})
	paris, _ := time.LoadLocation("Europe/Paris")
	cayenne, _ := time.LoadLocation("America/Cayenne")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	scenarios := []struct {
		name string
		mode string
		at   time.Time
		zone *time.Location // nil: Paris
		want string
	}{
		{"monday 10:00", ModeBusiness, at(2026, 11, 30, 10, 0), nil, StoreAccepted},
		{"opening 07:00", ModeBusiness, at(2026, 11, 30, 7, 0), nil, StoreAccepted},
		{"before opening 06:59", ModeBusiness, at(2026, 11, 30, 6, 59), nil, SkipOffHours},
		{"last minute 18:59", ModeBusiness, at(2026, 11, 30, 18, 59), nil, StoreAccepted},
		{"closing 19:00", ModeBusiness, at(2026, 11, 30, 19, 0), nil, SkipOffHours},
		{"saturday", ModeBusiness, at(2026, 11, 28, 10, 0), nil, SkipOffDay},
		{"public holiday (Noël)", ModeBusiness, at(2026, 12, 25, 10, 0), nil, SkipOffDay},
		{"company closure", ModeBusiness, at(2026, 12, 24, 10, 0), nil, SkipOffDay},
		{"private mode in hours", ModePrivate, at(2026, 11, 30, 10, 0), nil, SkipPrivate},
		{"UTC 06:30 is 07:30 in Paris", ModeBusiness, time.Date(2026, 11, 30, 6, 30, 0, 0, time.UTC), nil, StoreAccepted},
		{"UTC 18:30 is 19:30 in Paris", ModeBusiness, time.Date(2026, 11, 30, 18, 30, 0, 0, time.UTC), nil, SkipOffHours},
		{"summer time: UTC 16:30 is 18:30", ModeBusiness, time.Date(2026, 7, 1, 16, 30, 0, 0, time.UTC), nil, StoreAccepted},
		{"summer time: UTC 17:00 is 19:00", ModeBusiness, time.Date(2026, 7, 1, 17, 0, 0, 0, time.UTC), nil, SkipOffHours},
		{"Cayenne: UTC 21:30 is 18:30", ModeBusiness, time.Date(2026, 11, 30, 21, 30, 0, 0, time.UTC), cayenne, StoreAccepted},
		{"Cayenne: UTC 09:30 is 06:30", ModeBusiness, time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC), cayenne, SkipOffHours},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			zone := paris
			if s.zone != nil {
				zone = s.zone
			}
			if got := TrackingDecision(s.mode, s.at, cal, zone); got != s.want {
				t.Errorf("got %q, want %q", got, s.want)
			}
		})
	}
}

func TestGPSLimiter(t *testing.T) {
	l := NewGPSLimiter(1, 3)
	t0 := time.Unix(1_800_000_000, 0)
	scenarios := []struct {
		device string
		at     time.Time
		want   bool
	}{
		{"a", t0, true}, {"a", t0, true}, {"a", t0, true},
		{"a", t0, false},                  // burst spent
		{"b", t0, true},                   // per device
		{"a", t0.Add(time.Second), true},  // one token back
		{"a", t0.Add(time.Second), false}, //
		{"a", t0.Add(time.Minute), true},  // refilled (capped)
	}
	for i, s := range scenarios {
		if got := l.Allow(s.device, s.at); got != s.want {
			t.Errorf("%d: Allow(%s) = %v, want %v", i, s.device, got, s.want)
		}
	}
}
