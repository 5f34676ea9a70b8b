package domain

import (
	"math"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Bounds of what a write may carry, on every path (issue #14 found 1e23
// units of cement accepted, NaN costs answered 500 and a clock-in dated
// 9999-12-31 accepted by the sync endpoint).
const (
	// MaxQuantity bounds stock quantities, minimum stocks and order lines.
	MaxQuantity = 1_000_000
	// MaxDays bounds durations counted in days: tasks, default durations
	// of work types, link lags (either sign), incident impacts.
	MaxDays = 1000
	// MaxHourlyCost bounds a person's hourly cost (€).
	MaxHourlyCost = 10_000
	// MaxAmount bounds every other number without a bound of its own in
	// the schema: money (€), counters, kilometres.
	MaxAmount = 1_000_000_000
	// MaxSpanDays bounds a reservation and an absence, start to end.
	MaxSpanDays = 366
	// EventSkew is how far ahead of the server's clock an event time may
	// be (devices' clocks drift).
	EventSkew = 5 * time.Minute
	// EventMaxYears is how old an event time may be (a photo, a
	// signature, a stock move, a clock-in): older is a wrong clock.
	EventMaxYears = 2
)

// numberBounds are the bounds of numbers below MaxAmount, by
// "collection.field".
var numberBounds = map[string]float64{
	"stock_moves.qty":         MaxQuantity,
	"materials.min_stock":     MaxQuantity,
	"tasks.duration_days":     MaxDays,
	"work_types.default_days": MaxDays,
	"task_links.lag_days":     MaxDays,
	"incidents.impact_days":   MaxDays,
	"users.hourly_cost":       MaxHourlyCost,
}

// eventTimes are the fields dating an event that happened (never in the
// future, never absurdly old), by collection.
var eventTimes = map[string][]string{
	CollectionTimeEntries: {"clock_in", "clock_out"},
	CollectionPhotos:      {"taken_at"},
	CollectionSignatures:  {"signed_at"},
	CollectionStockMoves:  {"at"},
}

// spans are the start and end fields of bounded periods, by collection.
var spans = map[string][2]string{
	CollectionReservations: {"from", "to"},
	CollectionAvailability: {"from", "to"},
}

// NumberBound returns the largest absolute value a number field of a
// collection accepts (its schema's own maximum aside).
func NumberBound(collection, field string) float64 {
	if b, ok := numberBounds[collection+"."+field]; ok {
		return b
	}
	return MaxAmount
}

// checkBounds refuses numbers out of bounds (NaN and infinities
// included), event times in the future or absurdly old, and periods too
// long, on every save of a business collection. Only new or changed
// values are checked, so an old record stays editable.
func checkBounds(e *core.RecordEvent) error {
	r := e.Record
	col := r.Collection()
	if col.System || col.IsView() {
		return e.Next()
	}
	if err := CheckRecordBounds(r, time.Now()); err != nil {
		return err
	}
	return e.Next()
}

// CheckRecordBounds applies the bounds of checkBounds to r at now.
func CheckRecordBounds(r *core.Record, now time.Time) error {
	col := r.Collection()
	var orig *core.Record
	if !r.IsNew() {
		if o := r.Original(); o != nil && o.Id != "" {
			orig = o
		}
	}
	changedField := func(name string) bool { return orig == nil || changed(r, orig, name) }
	for _, f := range col.Fields {
		nf, ok := f.(*core.NumberField)
		if !ok || !changedField(nf.Name) {
			continue
		}
		v := r.GetFloat(nf.Name)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return FieldError(nf.Name, "err.write.not_a_number", nf.Name)
		}
		if nf.Max != nil {
			continue // the schema's bound, checked by PocketBase
		}
		if b := NumberBound(col.Name, nf.Name); math.Abs(v) > b {
			return FieldError(nf.Name, "err.write.number_too_large", nf.Name, FormatQty(b))
		}
	}
	for _, name := range eventTimes[col.Name] {
		t := r.GetDateTime(name).Time()
		if t.IsZero() || !changedField(name) {
			continue
		}
		if err := CheckEventTime(name, t, now); err != nil {
			return err
		}
	}
	if s, ok := spans[col.Name]; ok {
		from, to := r.GetDateTime(s[0]).Time(), r.GetDateTime(s[1]).Time()
		if !from.IsZero() && !to.IsZero() && to.Sub(from) > MaxSpanDays*24*time.Hour {
			return FieldError(s[1], "err.write.span_too_long", MaxSpanDays)
		}
	}
	return nil
}

// CheckEventTime refuses an event time (field) later than now plus
// EventSkew or older than EventMaxYears.
func CheckEventTime(field string, t, now time.Time) error {
	switch {
	case t.After(now.Add(EventSkew)):
		return FieldError(field, "err.write.time_in_future")
	case t.Before(now.AddDate(-EventMaxYears, 0, 0)):
		return FieldError(field, "err.write.time_too_old", EventMaxYears)
	}
	return nil
}
