package domain

import (
	"math"
	"sort"
	"time"
)

// The cost engine (issue #17): pure functions from plain values (built
// from the typed records by kpi_load.go) to costs per site, phase and
// day. Every amount is in euros, every duration in hours.
//
//   - labour: approved time × the person's hourly cost, with the overtime
//     premium of the tenant's rules (LabourCost);
//   - materials: consumption moves × their unit cost (the material's cost
//     when the move was recorded);
//   - vehicles and equipment: the asset's daily rate × each civil day a
//     booking touches (BookedDays);
//   - incidents: their impact_eur, on the day they were reported.

// OvertimeRules are a tenant's overtime rules (heures supplémentaires):
// the hours of a person's week beyond WeeklyHours cost Tier1Pct % more up
// to Tier1Hours, Tier2Pct % more beyond. A week runs Monday to Sunday in
// the tenant's zone; an entry belongs to the day and week of its clock-in.
type OvertimeRules struct {
	WeeklyHours float64 // legal weekly hours: 35
	Tier1Hours  float64 // end of the first band: 43
	Tier1Pct    float64 // premium of the first band: 25
	Tier2Pct    float64 // premium beyond Tier1Hours: 50
}

// DefaultOvertimeRules are the French defaults (Code du travail, L3121-36):
// 35 h a week, +25 % from the 36th to the 43rd hour, +50 % beyond.
func DefaultOvertimeRules() OvertimeRules {
	return OvertimeRules{WeeklyHours: 35, Tier1Hours: 43, Tier1Pct: 25, Tier2Pct: 50}
}

// Normalized fills the unset (zero) values from the defaults and keeps
// Tier1Hours at or above WeeklyHours.
func (o OvertimeRules) Normalized() OvertimeRules {
	d := DefaultOvertimeRules()
	if o.WeeklyHours <= 0 {
		o.WeeklyHours = d.WeeklyHours
	}
	if o.Tier1Hours <= 0 {
		o.Tier1Hours = math.Max(d.Tier1Hours, o.WeeklyHours)
	}
	if o.Tier1Hours < o.WeeklyHours {
		o.Tier1Hours = o.WeeklyHours
	}
	if o.Tier1Pct <= 0 {
		o.Tier1Pct = d.Tier1Pct
	}
	if o.Tier2Pct <= 0 {
		o.Tier2Pct = d.Tier2Pct
	}
	return o
}

// DailyHours is a working day's planned hours: WeeklyHours over five
// days (7 h by default). Planned hours of a task are its duration in
// working days × its assignees (at least one) × DailyHours.
func (o OvertimeRules) DailyHours() float64 { return o.Normalized().WeeklyHours / 5 }

// OvertimeRules returns the company's overtime rules (defaults for the
// fields left empty).
func (c Company) OvertimeRules() OvertimeRules {
	return OvertimeRules{WeeklyHours: c.OvertimeWeeklyHours(), Tier1Hours: c.OvertimeTier1Hours(),
		Tier1Pct: c.OvertimeTier1Pct(), Tier2Pct: c.OvertimeTier2Pct()}.Normalized()
}

// WorkSpan is an approved time entry as plain values; PhaseID is its
// task's phase ("" when none).
type WorkSpan struct {
	ID, UserID, SiteID, TaskID, PhaseID string
	In, Out                             time.Time
}

// Hours is the span's duration in hours (0 when not clocked out).
func (w WorkSpan) Hours() float64 {
	if w.Out.IsZero() || !w.Out.After(w.In) {
		return 0
	}
	return w.Out.Sub(w.In).Hours()
}

// LabourLine is a span costed: its civil day (tenant zone, midnight UTC),
// its hours split into normal hours and the two overtime bands, the
// person's hourly cost and the cost.
type LabourLine struct {
	WorkSpan
	Day                      time.Time
	Hours, Tier1, Tier2, Pay float64 // Pay: the hourly cost used
	Cost                     float64
}

// Overtime is the span's hours in the overtime bands.
func (l LabourLine) Overtime() float64 { return l.Tier1 + l.Tier2 }

// LabourCost costs the spans with rates (hourly cost by user id) and the
// overtime rules: per person and week, spans are taken in clock-in order
// and the hours past WeeklyHours (then Tier1Hours) of the week are
// overtime, charged to the site of the span in which they fall. The
// lines come back in clock-in order.
func LabourCost(spans []WorkSpan, rates map[string]float64, rules OvertimeRules, loc *time.Location) []LabourLine {
	rules = rules.Normalized()
	lines := make([]LabourLine, 0, len(spans))
	for _, s := range spans {
		lines = append(lines, LabourLine{WorkSpan: s, Day: civilIn(s.In, loc), Hours: s.Hours(), Pay: rates[s.UserID]})
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if !lines[i].In.Equal(lines[j].In) {
			return lines[i].In.Before(lines[j].In)
		}
		return lines[i].ID < lines[j].ID
	})
	type weekKey struct {
		user string
		week time.Time
	}
	worked := map[weekKey]float64{}
	for i := range lines {
		l := &lines[i]
		k := weekKey{l.UserID, WeekMonday(l.Day)}
		before := worked[k]
		after := before + l.Hours
		worked[k] = after
		l.Tier1 = band(before, after, rules.WeeklyHours, rules.Tier1Hours)
		l.Tier2 = band(before, after, rules.Tier1Hours, math.Inf(1))
		normal := l.Hours - l.Tier1 - l.Tier2
		l.Cost = l.Pay * (normal + l.Tier1*(1+rules.Tier1Pct/100) + l.Tier2*(1+rules.Tier2Pct/100))
	}
	return lines
}

// band returns how much of [a, b) lies in [lo, hi).
func band(a, b, lo, hi float64) float64 {
	return math.Max(0, math.Min(b, hi)-math.Max(a, lo))
}

// Consumption is a consumption stock move as plain values: UnitCost is
// the move's (the material's cost when it was recorded).
type Consumption struct {
	SiteID, PhaseID string
	At              time.Time
	Qty, UnitCost   float64
}

// Cost is Qty × UnitCost.
func (c Consumption) Cost() float64 { return c.Qty * c.UnitCost }

// AssetBooking is a reservation of a vehicle or a piece of equipment for
// a site over [From, To), with the asset's daily rate.
type AssetBooking struct {
	SiteID, PhaseID string
	AssetKind       string // AssetVehicle or AssetEquipment
	From, To        time.Time
	DailyRate       float64
}

// BookedDays returns the civil days (tenant zone, midnight UTC) a booking
// [from, to) touches: a booking from Monday 14:00 to Tuesday 10:00 books
// two days, one from Monday 08:00 to 17:00 one day. Rental companies
// bill any day started.
func BookedDays(from, to time.Time, loc *time.Location) []time.Time {
	if from.IsZero() || !to.After(from) {
		return nil
	}
	first, last := civilIn(from, loc), civilIn(to.Add(-time.Nanosecond), loc)
	var out []time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

// IncidentImpact is an incident's cost impact on the day it was reported.
type IncidentImpact struct {
	SiteID, PhaseID string
	At              time.Time
	Severity        string
	ImpactEUR       float64
}

// KPIDay is one row of the daily rollup: a site's costs and hours of one
// civil day (tenant zone), for one phase ("" for what no phase carries).
type KPIDay struct {
	SiteID        string    `db:"site" json:"site"`
	PhaseID       string    `db:"phase" json:"phase"`
	Day           string    `db:"day" json:"day"` // YYYY-MM-DD
	Hours         float64   `db:"hours" json:"hours"`
	OvertimeHours float64   `db:"overtime_hours" json:"overtime_hours"`
	LabourCost    float64   `db:"labour_cost" json:"labour_cost"`
	MaterialCost  float64   `db:"material_cost" json:"material_cost"`
	VehicleCost   float64   `db:"vehicle_cost" json:"vehicle_cost"`
	EquipmentCost float64   `db:"equipment_cost" json:"equipment_cost"`
	IncidentCost  float64   `db:"incident_cost" json:"incident_cost"`
	date          time.Time // parsed Day, set by RollupDays
}

// Cost is the day's total cost.
func (d KPIDay) Cost() float64 {
	return d.LabourCost + d.MaterialCost + d.VehicleCost + d.EquipmentCost + d.IncidentCost
}

// RollupDays adds labour lines, consumptions, bookings and incident
// impacts up per site, phase and civil day (tenant zone). Rows come back
// sorted by site, day, phase.
func RollupDays(labour []LabourLine, cons []Consumption, bookings []AssetBooking, incidents []IncidentImpact, loc *time.Location) []KPIDay {
	type key struct{ site, phase, day string }
	rows := map[key]*KPIDay{}
	row := func(site, phase string, day time.Time) *KPIDay {
		k := key{site, phase, day.Format(time.DateOnly)}
		r := rows[k]
		if r == nil {
			r = &KPIDay{SiteID: site, PhaseID: phase, Day: k.day, date: day}
			rows[k] = r
		}
		return r
	}
	for _, l := range labour {
		r := row(l.SiteID, l.PhaseID, l.Day)
		r.Hours += l.Hours
		r.OvertimeHours += l.Overtime()
		r.LabourCost += l.Cost
	}
	for _, c := range cons {
		row(c.SiteID, c.PhaseID, civilIn(c.At, loc)).MaterialCost += c.Cost()
	}
	for _, b := range bookings {
		for _, d := range BookedDays(b.From, b.To, loc) {
			r := row(b.SiteID, b.PhaseID, d)
			if b.AssetKind == AssetVehicle {
				r.VehicleCost += b.DailyRate
			} else {
				r.EquipmentCost += b.DailyRate
			}
		}
	}
	for _, in := range incidents {
		row(in.SiteID, in.PhaseID, civilIn(in.At, loc)).IncidentCost += in.ImpactEUR
	}
	out := make([]KPIDay, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.SiteID != b.SiteID {
			return a.SiteID < b.SiteID
		}
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		return a.PhaseID < b.PhaseID
	})
	return out
}

// roundCents rounds an amount to the cent.
func roundCents(v float64) float64 { return math.Round(v*100) / 100 }

// civilIn returns the civil date of instant t in loc (midnight UTC).
func civilIn(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
