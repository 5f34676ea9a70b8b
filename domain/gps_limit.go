package domain

import (
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// GPS rate limit per device: a token bucket refilled at GPSRatePerSecond
// holding GPSBurst fixes, enough for a tracker replaying its offline
// buffer one fix at a time, not for a flood.
const (
	GPSRatePerSecond = 1.0
	GPSBurst         = 60.0
)

// GPSLimiter is a per-device token bucket. It is safe for concurrent use.
type GPSLimiter struct {
	rate, burst float64
	mu          sync.Mutex
	buckets     map[string]*gpsBucket
}

type gpsBucket struct {
	tokens float64
	last   time.Time
}

// NewGPSLimiter returns a limiter allowing burst fixes then rate per second.
func NewGPSLimiter(rate, burst float64) *GPSLimiter {
	return &GPSLimiter{rate: rate, burst: burst, buckets: map[string]*gpsBucket{}}
}

// Allow takes one token of device's bucket at now.
func (l *GPSLimiter) Allow(device string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[device]
	if !ok {
		if len(l.buckets) > 10000 { // NB: bound memory against random ids
			clear(l.buckets)
		}
		b = &gpsBucket{tokens: l.burst, last: now}
		l.buckets[device] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// GPSLimiterOf returns the tenant app's limiter (kept in the app store,
// so it lives and dies with the open tenant).
func GPSLimiterOf(app core.App) *GPSLimiter {
	v := app.Store().GetOrSet("fieldopsGPSLimiter", func() any { return NewGPSLimiter(GPSRatePerSecond, GPSBurst) })
	return v.(*GPSLimiter)
}

// Position is a vehicle's last known position.
type Position struct {
	VehicleID string    `db:"vehicle" json:"id"`
	Lat       float64   `db:"lat" json:"lat"`
	Lng       float64   `db:"lng" json:"lng"`
	At        string    `db:"at" json:"-"`
	Time      time.Time `db:"-" json:"-"`
	Speed     float64   `db:"speed" json:"-"`
}

// LastPositions returns each vehicle's latest stored position.
func LastPositions(app core.App) (map[string]Position, error) {
	var rows []Position
	err := app.DB().NewQuery(`SELECT p.vehicle, p.lat, p.lng, p.at, COALESCE(p.speed, 0) AS speed
		FROM vehicle_positions p
		JOIN (SELECT vehicle, MAX(at) AS at FROM vehicle_positions GROUP BY vehicle) l ON l.vehicle = p.vehicle AND l.at = p.at`).All(&rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Position, len(rows))
	for _, r := range rows {
		r.Time = ParseDBTime(r.At)
		out[r.VehicleID] = r
	}
	return out, nil
}

// FindPositions returns a vehicle's positions since a time, latest first.
func FindPositions(app core.App, vehicleID string, since time.Time, limit int) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionVehiclePositions, "vehicle = {:v} && at >= {:s}", "-at", limit, 0,
		dbx.Params{"v": vehicleID, "s": DBTime(since)})
}
