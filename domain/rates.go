package domain

import (
	"math"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// Rates and budgets the cost engine reads (issue #17): a vehicle's or
// equipment's daily rate and a phase's budget. Only the roles that run
// the business set them (CanEditRates), on the pages as through the REST
// API (writeConfidential); every change is audited like any save.

// MaxDailyRate bounds a daily rate (€ per booked day): a higher value is
// a typing mistake, not a price.
const MaxDailyRate = 50_000

// MaxPhaseBudget bounds a phase's budget (€).
const MaxPhaseBudget = MaxAmount

// CanEditRates reports whether u may set daily rates and phase budgets:
// managers, project managers and tenant admins (active).
func CanEditRates(u *core.Record) bool {
	return u != nil && u.Collection().Name == CollectionUsers && u.GetBool("active") && IsOffice(u)
}

// rateFields are the fields only CanEditRates may change, by collection.
var rateFields = map[string]string{CollectionVehicles: "daily_rate", CollectionEquipment: "daily_rate", CollectionPhases: "budget"}

// ParseAmount reads an amount typed in a form: French ("1 250,50",
// "12,5 €") or English ("1250.5") decimals; blank is 0. Anything else is
// an EInvalid error naming field.
func ParseAmount(field, s string) (float64, error) {
	v := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "").Replace(strings.TrimSpace(s))
	if v == "" {
		return 0, nil
	}
	if strings.Count(v, ",") == 1 && !strings.Contains(v, ".") {
		v = strings.Replace(v, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, FieldError(field, "err.rate.not_a_number", s)
	}
	return f, nil
}

// applyRate sets a rate or budget v (nil: unchanged) on the fields f of a
// save by actor: EForbidden unless CanEditRates, EInvalid naming the
// field when negative or above max.
func applyRate(f map[string]any, actor *core.Record, field string, v *float64, max float64) error {
	if v == nil {
		return nil
	}
	switch {
	case !CanEditRates(actor):
		fe := Errorf(EForbidden, "err.rate.forbidden", field)
		fe.Field = field
		return fe
	case *v < 0 || math.IsNaN(*v):
		return FieldError(field, "err.rate.negative")
	case *v > max:
		return FieldError(field, "err.rate.too_high", strconv.Itoa(int(max)))
	}
	f[field] = math.Round(*v*100) / 100
	return nil
}

// restRate applies a rate or budget v sent through the REST API to r: a
// value equal to the stored one is accepted from anyone who may write the
// record (clients send whole records); a change is applyRate's.
func restRate(r, actor *core.Record, field string, v any) error {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case string:
		var err error
		if f, err = ParseAmount(field, x); err != nil {
			return err
		}
	case nil:
	default:
		return FieldError(field, "err.rate.not_a_number", field)
	}
	if !r.IsNew() && f == r.GetFloat(field) || r.IsNew() && f == 0 {
		return nil
	}
	max := float64(MaxDailyRate)
	if r.Collection().Name == CollectionPhases {
		max = MaxPhaseBudget
	}
	set := map[string]any{}
	if err := applyRate(set, actor, field, &f, max); err != nil {
		return err
	}
	r.Set(field, set[field])
	return nil
}
