package tenants

import (
	"math"
	"time"
)

// Billing of customers (issue #19): the platform operator invoices each
// tenant once per closed calendar month (UTC).
//
// The model, in full:
//   - Subscription: the monthly price (the tenant's contract price when
//     set, else its plan's) × the days of the month its licence covers
//     (from licence_starts, else the tenant's creation, to
//     licence_expires, else open; a deleted tenant until its deletion) /
//     the days of the month, rounded to the cent.
//   - Seats beyond the plan: the peak of active users over the covered
//     days of the month minus the seats in force (the tenant's, else its
//     plan's; 0 is unlimited) × the plan's seat price, for the month.
//   - Storage beyond the quota: the customer's data (database and files,
//     not the replica, which is the operator's cost) in GB-months, the sum
//     over the month's metered days of their GB (10⁹ bytes) / the days of
//     the month, minus the plan's quota (GB, 0 unlimited) × the covered
//     fraction of the month, × the plan's €/GB-month; quantities to the
//     hundredth.
//   - A trial licence pays nothing: its invoice has one line at 0 €.
//   - VAT at the operator's rate (billing_settings, 20 % by default).

// PlanPrices is what billing reads of a plan.
type PlanPrices struct {
	Code, Name        string
	PriceEUR          float64 // per month, 0: on quote (the tenant's contract price)
	Seats             int     // 0: unlimited
	StorageQuotaGB    int     // 0: unlimited
	SeatPriceEUR      float64 // per seat and month beyond Seats
	StoragePriceGBEUR float64 // per GB-month beyond StorageQuotaGB
}

// BillInput is one tenant's month to invoice.
type BillInput struct {
	Month            time.Time // first day of the month, UTC
	Plan             PlanPrices
	ContractPriceEUR float64   // 0: the plan's price
	Seats            int       // the tenant's own seats, 0: the plan's
	Starts, Ends     time.Time // licence coverage, zero: open
	Trial            bool
	Usage            []UsageDay // the month's usage_daily rows
}

// Kinds of invoice lines.
const (
	LineSubscription = "subscription"
	LineSeats        = "seats"
	LineStorage      = "storage"
	LineTrial        = "trial"
)

// BillLine is one line of a customer invoice (stored in invoices.lines).
type BillLine struct {
	Kind           string  `json:"kind"`
	Plan           string  `json:"plan"`
	Quantity       float64 `json:"quantity"`
	UnitPriceCents int64   `json:"unit_price_cents"`
	NetCents       int64   `json:"net_cents"`
	// CoveredDays and MonthDays explain a pro-rated subscription; Used and
	// Included explain an overage (seats, or GB-months).
	CoveredDays int     `json:"covered_days,omitempty"`
	MonthDays   int     `json:"month_days,omitempty"`
	Used        float64 `json:"used,omitempty"`
	Included    float64 `json:"included,omitempty"`
}

// gb is the commercial gigabyte (10⁹ bytes).
const gb = 1e9

// cents rounds euros to the cent, half away from zero.
func cents(eur float64) int64 { return int64(math.Round(eur * 100)) }

// hundredth rounds a quantity to two decimals.
func hundredth(q float64) float64 { return math.Round(q*100) / 100 }

// monthDays returns the days of the month starting at m.
func monthDays(m time.Time) int { return m.AddDate(0, 1, -1).Day() }

// covers reports whether the licence covers day d (a UTC midnight).
func (in BillInput) covers(d time.Time) bool {
	day := d.Format(time.DateOnly)
	if !in.Starts.IsZero() && day < in.Starts.UTC().Format(time.DateOnly) {
		return false
	}
	return in.Ends.IsZero() || day <= in.Ends.UTC().Format(time.DateOnly)
}

// ComputeBill returns the lines of a tenant's month and the number of
// days its licence covers; no line when it covers none.
func ComputeBill(in BillInput) ([]BillLine, int) {
	days := monthDays(in.Month)
	covered := 0
	coveredDay := map[string]bool{}
	for i := range days {
		d := in.Month.AddDate(0, 0, i)
		if in.covers(d) {
			covered++
			coveredDay[d.Format(time.DateOnly)] = true
		}
	}
	if covered == 0 {
		return nil, 0
	}
	if in.Trial {
		return []BillLine{{Kind: LineTrial, Plan: in.Plan.Code, Quantity: 1, CoveredDays: covered, MonthDays: days}}, covered
	}
	price := in.Plan.PriceEUR
	if in.ContractPriceEUR > 0 {
		price = in.ContractPriceEUR
	}
	frac := float64(covered) / float64(days)
	lines := []BillLine{{
		Kind: LineSubscription, Plan: in.Plan.Code, Quantity: hundredth(frac), UnitPriceCents: cents(price),
		NetCents: cents(price * frac), CoveredDays: covered, MonthDays: days,
	}}
	seats := in.Seats
	if seats == 0 {
		seats = in.Plan.Seats
	}
	peak, gbDays := 0, 0.0
	for _, u := range in.Usage {
		if !coveredDay[u.Day] {
			continue
		}
		peak = max(peak, u.ActiveUsers)
		gbDays += float64(u.DBBytes+u.FilesBytes) / gb
	}
	if seats > 0 && peak > seats && in.Plan.SeatPriceEUR > 0 {
		extra := peak - seats
		lines = append(lines, BillLine{
			Kind: LineSeats, Plan: in.Plan.Code, Quantity: float64(extra), UnitPriceCents: cents(in.Plan.SeatPriceEUR),
			NetCents: int64(extra) * cents(in.Plan.SeatPriceEUR), Used: float64(peak), Included: float64(seats),
		})
	}
	if q := in.Plan.StorageQuotaGB; q > 0 && in.Plan.StoragePriceGBEUR > 0 {
		used := hundredth(gbDays / float64(days))
		included := hundredth(float64(q) * frac)
		if extra := hundredth(used - included); extra > 0 {
			lines = append(lines, BillLine{
				Kind: LineStorage, Plan: in.Plan.Code, Quantity: extra, UnitPriceCents: cents(in.Plan.StoragePriceGBEUR),
				NetCents: cents(extra * in.Plan.StoragePriceGBEUR), Used: used, Included: included,
			})
		}
	}
	return lines, covered
}
