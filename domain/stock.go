package domain

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Stock move kinds.
const (
	MoveOrder       = "order"       // ordered from a supplier: no stock yet
	MoveReceipt     = "receipt"     // delivered: + qty at Location
	MoveConsumption = "consumption" // used on a site/task: − qty at Location
	MoveTransfer    = "transfer"    // − qty at Location, + qty at ToLocation
	MoveAdjustment  = "adjustment"  // signed correction at Location, with a reason
)

// MoveKinds lists the kinds in display order.
func MoveKinds() []string {
	return []string{MoveOrder, MoveReceipt, MoveConsumption, MoveTransfer, MoveAdjustment}
}

// Stock locations are codes: the depot, a site ("site:<id>") or a van
// ("van:<vehicle id>").
const (
	LocationDepot      = "depot"
	locationSitePrefix = "site:"
	locationVanPrefix  = "van:"
)

// SiteLocation is the stock location of a site.
func SiteLocation(siteID string) string { return locationSitePrefix + siteID }

// VanLocation is the stock location of a vehicle.
func VanLocation(vehicleID string) string { return locationVanPrefix + vehicleID }

// ParseLocation splits a location code into its kind (depot, site, van)
// and record id; ok is false for anything else.
func ParseLocation(loc string) (kind, id string, ok bool) {
	switch {
	case loc == LocationDepot:
		return "depot", "", true
	case strings.HasPrefix(loc, locationSitePrefix) && len(loc) > len(locationSitePrefix):
		return "site", loc[len(locationSitePrefix):], true
	case strings.HasPrefix(loc, locationVanPrefix) && len(loc) > len(locationVanPrefix):
		return "van", loc[len(locationVanPrefix):], true
	}
	return "", "", false
}

// Move is the arithmetic part of a stock move.
type Move struct {
	Kind       string
	Qty        float64
	Location   string
	ToLocation string
	Reason     string
}

// stockEpsilon absorbs float rounding (quantities have at most 3 decimals).
const stockEpsilon = 1e-9

// Validate checks a move on its own: quantities are positive (an
// adjustment is signed but not zero), locations are valid, a transfer
// goes somewhere else and an adjustment says why.
func (m Move) Validate() error {
	switch m.Kind {
	case MoveOrder, MoveReceipt, MoveConsumption, MoveTransfer, MoveAdjustment:
	default:
		return FieldError("kind", "err.stock.unknown_kind")
	}
	if math.IsNaN(m.Qty) || math.IsInf(m.Qty, 0) {
		return FieldError("qty", "err.stock.invalid_quantity")
	}
	if math.Abs(m.Qty) > MaxQuantity {
		return FieldError("qty", "err.write.number_too_large", "qty", FormatQty(MaxQuantity))
	}
	if m.Kind == MoveAdjustment {
		if math.Abs(m.Qty) < stockEpsilon {
			return FieldError("qty", "err.stock.zero_adjustment")
		}
		if strings.TrimSpace(m.Reason) == "" {
			return FieldError("reason", "err.stock.adjustment_reason")
		}
	} else if m.Qty <= 0 {
		return FieldError("qty", "err.stock.quantity_positive")
	}
	if _, _, ok := ParseLocation(m.Location); !ok {
		return FieldError("location", "err.stock.unknown_location")
	}
	if m.Kind == MoveTransfer {
		if _, _, ok := ParseLocation(m.ToLocation); !ok {
			return FieldError("to_location", "err.stock.unknown_destination")
		}
		if m.ToLocation == m.Location {
			return FieldError("to_location", "err.stock.same_location")
		}
	}
	return nil
}

// Effects returns the change of on-hand stock per location.
func (m Move) Effects() map[string]float64 {
	switch m.Kind {
	case MoveReceipt, MoveAdjustment:
		return map[string]float64{m.Location: m.Qty}
	case MoveConsumption:
		return map[string]float64{m.Location: -m.Qty}
	case MoveTransfer:
		return map[string]float64{m.Location: -m.Qty, m.ToLocation: m.Qty}
	}
	return nil // orders do not move stock
}

// ApplyMove returns the balances after m. Stock is never negative: a
// consumption or transfer taking more than a location holds is refused
// (EConflict, with what is available). Only an adjustment, which carries
// a reason and goes to the audit trail, may leave a location negative —
// it is how a count records a discrepancy. balances is not modified.
func ApplyMove(balances map[string]float64, m Move) (map[string]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(balances)+1)
	for k, v := range balances {
		out[k] = v
	}
	for loc, d := range m.Effects() {
		after := out[loc] + d
		if after < -stockEpsilon && m.Kind != MoveAdjustment {
			return nil, &Error{Code: EConflict, Field: "qty", Key: "err.stock.short", Args: []any{FormatQty(out[loc])}}
		}
		out[loc] = roundQty(after)
	}
	return out, nil
}

// Balances replays moves into on-hand stock per location.
func Balances(moves []Move) map[string]float64 {
	out := map[string]float64{}
	for _, m := range moves {
		for loc, d := range m.Effects() {
			out[loc] = roundQty(out[loc] + d)
		}
	}
	return out
}

// Total is the sum of balances over every location.
func Total(balances map[string]float64) float64 {
	t := 0.0
	for _, v := range balances {
		t += v
	}
	return roundQty(t)
}

// Locations returns the locations of balances, depot first then sorted.
func Locations(balances map[string]float64) []string {
	out := make([]string, 0, len(balances))
	for k := range balances {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == LocationDepot) != (out[j] == LocationDepot) {
			return out[i] == LocationDepot
		}
		return out[i] < out[j]
	})
	return out
}

// IsLowStock reports whether a material's total stock is under its
// minimum (a minimum of 0 means no alert).
func IsLowStock(total, minStock float64) bool { return minStock > 0 && total < minStock-stockEpsilon }

func roundQty(f float64) float64 { return math.Round(f*1000) / 1000 }

// FormatQty formats a quantity with up to 3 decimals, no trailing zeros.
func FormatQty(f float64) string {
	r := roundQty(f)
	if r == 0 {
		r = 0 // NB: no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}
