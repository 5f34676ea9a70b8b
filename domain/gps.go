package domain

import (
	"encoding/json"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Tracking hours: positions of business vehicles are stored on the
// company's working days (its work calendar: week, public holidays,
// closures) from TrackingStartHour to TrackingEndHour in the company's
// time zone only. Outside them, and at any time in private mode, a fix is
// acknowledged but not stored: geolocating employees outside working
// time is not allowed (CNIL, géolocalisation des véhicules).
const (
	TrackingStartHour = 7
	TrackingEndHour   = 19
)

// MaxFixAhead is how far in the future a device clock may be.
const MaxFixAhead = 10 * time.Minute

// Fix is one position reported by a tracker.
type Fix struct {
	DeviceID string
	Lat, Lng float64
	At       time.Time
	SpeedKmh float64 // negative: unknown
	Accuracy float64 // metres; negative: unknown
}

// knotsToKmh converts the OsmAnd protocol's speed (knots) to km/h.
const knotsToKmh = 1.852

// ParseOsmAndFix reads the OsmAnd protocol's query or form fields (id,
// lat, lon, timestamp, speed in knots, accuracy in metres), as sent by
// the Traccar Client apps and many trackers. A missing timestamp is now.
func ParseOsmAndFix(v url.Values, now time.Time) (Fix, error) {
	f := Fix{DeviceID: strings.TrimSpace(firstOf(v, "id", "deviceid")), SpeedKmh: -1, Accuracy: -1}
	var err error
	if f.Lat, err = parseCoord(firstOf(v, "lat"), 90, "lat"); err != nil {
		return f, err
	}
	if f.Lng, err = parseCoord(firstOf(v, "lon", "lng"), 180, "lon"); err != nil {
		return f, err
	}
	if f.At, err = ParseFixTime(v.Get("timestamp"), now); err != nil {
		return f, err
	}
	if s, err := strconv.ParseFloat(v.Get("speed"), 64); err == nil && s >= 0 {
		f.SpeedKmh = s * knotsToKmh
	}
	if a, err := strconv.ParseFloat(firstOf(v, "accuracy", "hdop"), 64); err == nil && a >= 0 {
		f.Accuracy = a
	}
	return f, f.check(now)
}

// traccarJSON is the body of the newer Traccar Client apps.
type traccarJSON struct {
	DeviceID string `json:"device_id"`
	Location struct {
		Timestamp json.RawMessage `json:"timestamp"`
		Coords    struct {
			Latitude  *float64 `json:"latitude"`
			Longitude *float64 `json:"longitude"`
			Speed     *float64 `json:"speed"` // m/s
			Accuracy  *float64 `json:"accuracy"`
		} `json:"coords"`
	} `json:"location"`
}

// ParseTraccarJSON reads a Traccar Client JSON body
// ({"device_id":…,"location":{"timestamp":…,"coords":{…}}}); speed is in
// m/s there.
func ParseTraccarJSON(body []byte, now time.Time) (Fix, error) {
	var j traccarJSON
	if err := json.Unmarshal(body, &j); err != nil {
		return Fix{}, FieldError("body", "err.gps.unreadable_json")
	}
	f := Fix{DeviceID: strings.TrimSpace(j.DeviceID), SpeedKmh: -1, Accuracy: -1}
	c := j.Location.Coords
	if c.Latitude == nil || c.Longitude == nil {
		return f, FieldError("lat", "err.gps.missing_coordinates")
	}
	f.Lat, f.Lng = *c.Latitude, *c.Longitude
	ts := strings.Trim(string(j.Location.Timestamp), `"`)
	var err error
	if f.At, err = ParseFixTime(ts, now); err != nil {
		return f, err
	}
	if c.Speed != nil && *c.Speed >= 0 {
		f.SpeedKmh = *c.Speed * 3.6
	}
	if c.Accuracy != nil && *c.Accuracy >= 0 {
		f.Accuracy = *c.Accuracy
	}
	return f, f.check(now)
}

// ParseFixTime reads a fix time: unix seconds (or milliseconds, as some
// trackers send), possibly fractional, or RFC 3339; "" is now.
func ParseFixTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		return now.UTC(), nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && !math.IsInf(n, 0) {
		if n > 1e12 {
			n /= 1000
		}
		sec, frac := math.Modf(n)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, FieldError("timestamp", "err.gps.unreadable_timestamp")
}

func (f Fix) check(now time.Time) error {
	switch {
	case f.DeviceID == "":
		return FieldError("id", "err.gps.missing_device_id")
	case f.Lat < -90 || f.Lat > 90 || f.Lng < -180 || f.Lng > 180 || math.IsNaN(f.Lat) || math.IsNaN(f.Lng):
		return FieldError("lat", "err.gps.coordinates_range")
	case f.At.After(now.Add(MaxFixAhead)):
		return FieldError("timestamp", "err.gps.timestamp_future")
	}
	return nil
}

func parseCoord(s string, limit float64, field string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.Abs(v) > limit || math.IsNaN(v) {
		return 0, FieldError(field, "err.gps.coordinate_invalid", field)
	}
	return v, nil
}

func firstOf(v url.Values, keys ...string) string {
	for _, k := range keys {
		if s := v.Get(k); s != "" {
			return s
		}
	}
	return ""
}

// Reasons a fix is not stored.
const (
	SkipPrivate   = "private_mode"
	SkipOffDay    = "non_working_day"
	SkipOffHours  = "outside_hours"
	StoreAccepted = ""
)

// TrackingDecision says whether a fix of a vehicle in mode taken at may
// be stored under the tenant's calendar cal and zone loc ("" = store,
// else the reason to drop it).
func TrackingDecision(mode string, at time.Time, cal *WorkCalendar, loc *time.Location) string {
	if mode == ModePrivate {
		return SkipPrivate
	}
	local := at.In(loc)
	if cal != nil && !cal.IsWorkingDay(local) {
		return SkipOffDay
	}
	if h := local.Hour(); h < TrackingStartHour || h >= TrackingEndHour {
		return SkipOffHours
	}
	return StoreAccepted
}

// ErrUnknownDevice is returned for a device id no vehicle declares.
var ErrUnknownDevice = Errorf(ENotFound, "err.gps.unknown_tracker")

// IngestFix stores a tracker's fix on its vehicle when the tracking
// rules allow it. It returns the reason when the fix was acknowledged
// but not stored ("" when stored). Positions are telemetry: they are not
// audit events (see notAudited).
func IngestFix(app core.App, f Fix) (skipped string, err error) {
	v, err := app.FindFirstRecordByData(CollectionVehicles, "gps_device_id", f.DeviceID)
	if err != nil || f.DeviceID == "" {
		return "", ErrUnknownDevice
	}
	tf := TenantFactsOf(app)
	if reason := TrackingDecision(v.GetString("mode"), f.At, tf.Calendar(), tf.Location()); reason != "" {
		return reason, nil
	}
	fields := map[string]any{"vehicle": v.Id, "at": f.At.UTC(), "lat": f.Lat, "lng": f.Lng}
	if f.SpeedKmh >= 0 {
		fields["speed"] = math.Round(f.SpeedKmh*10) / 10
	}
	if f.Accuracy >= 0 {
		fields["accuracy"] = f.Accuracy
	}
	_, err = resInsert(app, nil, CollectionVehiclePositions, fields)
	return "", err
}
