package domain

import (
	"math"
	"sort"
)

// Invoice arithmetic (issue #18). Amounts are integer cents; every
// rounding is half away from zero to the cent, and happens at one stated
// place only:
//
//  1. a contract line's amount = quantity × unit price, rounded per line
//     (ContractLineAmount);
//  2. a progress line's cumulative amount = line amount × cumulative
//     progress %, rounded per line; the line's net on this invoice is that
//     cumulative amount minus the nets already invoiced for the line on
//     issued invoices (credit notes deducted), so that the situations of a
//     line add up to its exact amount at 100 % (ProgressNet);
//  3. a time-and-materials line = hours (or quantity) × rate, rounded per
//     line;
//  4. the down-payment deduction is split over the VAT rates in
//     proportion to their bases, each share rounded, the remainder of the
//     split on the largest base (so the shares add up exactly);
//  5. the VAT of a rate = (sum of its line nets − its deduction share) ×
//     rate, rounded once per rate (EN 16931 BR-CO-17); reverse charge
//     (autoliquidation) puts every line at 0 %;
//  6. the retention (retenue de garantie) = total incl. VAT × retention %,
//     rounded; net to pay = total incl. VAT − retention.

// RoundCents rounds an amount in (fractional) cents half away from zero.
func RoundCents(v float64) int64 { return int64(math.Round(v)) }

// ContractLineAmount is a contract line's amount: quantity × unit price,
// rounded to the cent.
func ContractLineAmount(quantity float64, unitPriceCents int64) int64 {
	return RoundCents(quantity * float64(unitPriceCents))
}

// ProgressNet returns a progress line's cumulative amount at cumulativePct
// and its net on this invoice (cumulative minus alreadyInvoiced).
func ProgressNet(lineAmount int64, cumulativePct float64, alreadyInvoiced int64) (cumulative, net int64) {
	cumulative = RoundCents(float64(lineAmount) * cumulativePct / 100)
	return cumulative, cumulative - alreadyInvoiced
}

// CalcLine is one line as the totals see it.
type CalcLine struct {
	NetCents int64
	VATRate  float64
}

// VATSubtotal is the taxable base and VAT of one rate.
type VATSubtotal struct {
	Rate            float64
	LinesCents      int64 // sum of the line nets at this rate
	DeductionCents  int64 // down-payment share deducted from the base
	BaseCents       int64 // LinesCents − DeductionCents
	VATCents        int64
	ReverseCharging bool
}

// InvoiceTotals are the totals of an invoice, computed by ComputeTotals.
type InvoiceTotals struct {
	LinesCents     int64 // sum of line nets
	DeductionCents int64 // down-payment deduction
	ExclCents      int64 // total excl. VAT = lines − deduction
	VATCents       int64
	InclCents      int64
	RetentionCents int64
	NetToPayCents  int64
	ByRate         []VATSubtotal // by rate, highest first
}

// ComputeTotals applies the rules 4–6 above to lines.
func ComputeTotals(lines []CalcLine, deductionCents int64, reverseCharge bool, retentionPct float64) InvoiceTotals {
	by := map[float64]*VATSubtotal{}
	var t InvoiceTotals
	for _, l := range lines {
		rate := l.VATRate
		if reverseCharge {
			rate = 0
		}
		s := by[rate]
		if s == nil {
			s = &VATSubtotal{Rate: rate, ReverseCharging: reverseCharge}
			by[rate] = s
		}
		s.LinesCents += l.NetCents
		t.LinesCents += l.NetCents
	}
	for _, s := range by {
		t.ByRate = append(t.ByRate, *s)
	}
	sort.Slice(t.ByRate, func(i, j int) bool { return t.ByRate[i].Rate > t.ByRate[j].Rate })
	splitDeduction(t.ByRate, deductionCents)
	for i := range t.ByRate {
		s := &t.ByRate[i]
		s.BaseCents = s.LinesCents - s.DeductionCents
		s.VATCents = RoundCents(float64(s.BaseCents) * s.Rate / 100)
		t.DeductionCents += s.DeductionCents
		t.VATCents += s.VATCents
	}
	t.ExclCents = t.LinesCents - t.DeductionCents
	t.InclCents = t.ExclCents + t.VATCents
	t.RetentionCents = RoundCents(float64(t.InclCents) * retentionPct / 100)
	t.NetToPayCents = t.InclCents - t.RetentionCents
	return t
}

// splitDeduction spreads d over the rates in proportion to their line
// sums (rule 4).
func splitDeduction(rates []VATSubtotal, d int64) {
	if d == 0 || len(rates) == 0 {
		return
	}
	var total int64
	largest := 0
	for i, s := range rates {
		total += s.LinesCents
		if s.LinesCents > rates[largest].LinesCents {
			largest = i
		}
	}
	if total == 0 {
		rates[largest].DeductionCents = d
		return
	}
	var given int64
	for i := range rates {
		if i == largest {
			continue
		}
		rates[i].DeductionCents = RoundCents(float64(d) * float64(rates[i].LinesCents) / float64(total))
		given += rates[i].DeductionCents
	}
	rates[largest].DeductionCents = d - given
}

// ValidVATRate reports whether rate is one of the French rates an
// invoice line may carry: 20, 10, 5.5 (and 0 for exempt lines).
func ValidVATRate(rate float64) bool {
	return rate == 20 || rate == 10 || rate == 5.5 || rate == 0
}
