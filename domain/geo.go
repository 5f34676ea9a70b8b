package domain

import "math"

// Geofence decisions of a location fix against a site (DESIGN.md §6).
// A decision is only ever a flag on the record: a fix outside the zone or
// too imprecise is recorded and shown to the site lead, never refused
// (GPS indoors or in a trench is often poor, and the work was done).
const (
	GeoInside      = "inside"
	GeoOutside     = "outside"
	GeoLowAccuracy = "low_accuracy"
	GeoNoFix       = "no_fix"      // the phone gave no position (refused, timeout)
	GeoNoSite      = "no_site_pos" // the site has no coordinates to compare with
)

// MaxFixAccuracyM is the worst accuracy (metres) at which a fix still
// decides inside/outside; beyond it (or beyond the site's radius) the
// decision is GeoLowAccuracy.
const MaxFixAccuracyM = 100.0

// DefaultGeofenceM is the radius used when a site has none.
const DefaultGeofenceM = 150.0

// GeoFix is one geolocation reading taken at an event (clock-in, clock-out,
// photo, signature), never continuously. Accuracy is the radius in metres
// of the 68% confidence circle reported by the device.
type GeoFix struct {
	Lat, Lng, Accuracy float64
	OK                 bool // false when no position was obtained
}

// Geofence is a site's zone: a centre and a radius in metres.
type Geofence struct {
	Lat, Lng, RadiusM float64
	OK                bool // false when the site has no coordinates
}

// GeoDecision is the outcome of checking a fix against a geofence.
type GeoDecision struct {
	Status    string  `json:"status"`
	DistanceM float64 `json:"distance_m,omitempty"`
	Accuracy  float64 `json:"accuracy_m,omitempty"`
}

// Flagged reports whether the decision needs the site lead's attention.
func (d GeoDecision) Flagged() bool { return d.Status != GeoInside }

// earthRadiusM is the mean Earth radius (IUGG).
const earthRadiusM = 6371008.8

// HaversineM returns the great-circle distance in metres between two
// points given in decimal degrees.
func HaversineM(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(a)))
}

// CheckGeofence decides where fix lies relative to g. An imprecise fix
// (accuracy above MaxFixAccuracyM or above the zone's radius) cannot tell
// inside from outside and is GeoLowAccuracy.
func CheckGeofence(g Geofence, fix GeoFix) GeoDecision {
	switch {
	case !fix.OK || math.IsNaN(fix.Lat) || math.IsNaN(fix.Lng):
		return GeoDecision{Status: GeoNoFix}
	case !g.OK:
		return GeoDecision{Status: GeoNoSite, Accuracy: fix.Accuracy}
	}
	r := g.RadiusM
	if r <= 0 {
		r = DefaultGeofenceM
	}
	d := GeoDecision{DistanceM: math.Round(HaversineM(g.Lat, g.Lng, fix.Lat, fix.Lng)), Accuracy: fix.Accuracy}
	switch {
	case fix.Accuracy > MaxFixAccuracyM || fix.Accuracy > r || math.IsNaN(fix.Accuracy):
		d.Status = GeoLowAccuracy
	case d.DistanceM <= r:
		d.Status = GeoInside
	default:
		d.Status = GeoOutside
	}
	return d
}
