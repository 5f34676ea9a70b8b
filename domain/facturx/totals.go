package facturx

import (
	"math"
	"sort"
	"strings"

	"github.com/fieldops360/fieldops/domain"
)

// Totals are the document totals of an invoice (EN 16931 BG-22) with its
// VAT breakdown (BG-23), all in cents, as Compute states them:
//
//   - LineNetCents (BT-106) is the sum of the lines' NetCents, which the
//     caller has already rounded per line to the cent; Compute never
//     re-derives a line amount from quantity × unit price.
//   - AllowancesCents (BT-107) and ChargesCents (BT-108) are the sums of
//     the document-level allowances and charges.
//   - TaxBasisCents (BT-109) = BT-106 − BT-107 + BT-108.
//   - Each VATBreakdown groups the lines, allowances and charges of one
//     category and rate: its BaseCents (BT-116) is their sum (lines +
//     charges − allowances) and its VATCents (BT-117) is BaseCents × rate
//     / 100 rounded half away from zero to the cent, once per category
//     (BR-CO-17), never per line. 0.005 € rounds to 0.01 €, −0.005 € to
//     −0.01 €.
//   - VATCents (BT-110) is the sum of the categories' VAT; GrandTotalCents
//     (BT-112) = BT-109 + BT-110; DueCents (BT-115) = BT-112 − PrepaidCents
//     (BT-113). There is no rounding amount (BT-114).
//   - RetentionCents is the guarantee retention held back by the client:
//     it is not an EN 16931 total (the XML states it in a note) and
//     NetToPayCents = DueCents − RetentionCents is what the PDF asks to pay.
type Totals struct {
	LineNetCents    int64 // BT-106
	AllowancesCents int64 // BT-107
	ChargesCents    int64 // BT-108
	TaxBasisCents   int64 // BT-109
	VATCents        int64 // BT-110
	GrandTotalCents int64 // BT-112
	PrepaidCents    int64 // BT-113
	DueCents        int64 // BT-115
	Breakdown       []VATBreakdown
	RetentionCents  int64
	NetToPayCents   int64
}

// VATBreakdown is the VAT of one category and rate (BG-23). Breakdowns are
// ordered S, Z, E, AE, then by decreasing rate.
type VATBreakdown struct {
	Category        string  // BT-118
	RatePercent     float64 // BT-119
	BaseCents       int64   // BT-116
	VATCents        int64   // BT-117
	ExemptionReason string  // BT-120
	ExemptionCode   string  // BT-121
}

// categoryRank orders the breakdown and lists the known categories.
var categoryRank = map[string]int{VATStandard: 0, VATZero: 1, VATExempt: 2, VATReverseCharge: 3}

// Compute checks inv's amounts and returns its totals (see Totals for the
// rules). It refuses, with an EInvalid error: an unknown type code, a
// currency that is not three capital letters, an invoice without lines,
// an unknown VAT category, a standard rate that is not positive, a non-zero
// rate in categories AE, E and Z, a missing exemption reason in AE and E or
// one given in S and Z (BR-S-10, BR-Z-10), two exemption reasons for the
// same category and rate, a rate with more than two decimals, a negative
// allowance, charge, prepaid amount or retention, and a retention larger
// than the amount due.
func Compute(inv Invoice) (Totals, error) {
	var t Totals
	if inv.TypeCode != TypeInvoice && inv.TypeCode != TypeCreditNote {
		return t, domain.Errorf(domain.EInvalid, "invoice.pdf.err.type", inv.TypeCode)
	}
	if len(inv.Currency) != 3 || strings.ToUpper(inv.Currency) != inv.Currency {
		return t, domain.Errorf(domain.EInvalid, "invoice.pdf.err.currency", inv.Currency)
	}
	if len(inv.Lines) == 0 {
		return t, domain.Errorf(domain.EInvalid, "invoice.pdf.err.no_lines")
	}
	groups := map[groupKey]*VATBreakdown{}
	add := func(v VAT, cents int64, what string) error {
		bp, err := checkVAT(v, what)
		if err != nil {
			return err
		}
		k := groupKey{v.Category, bp}
		g := groups[k]
		if g == nil {
			g = &VATBreakdown{Category: v.Category, RatePercent: float64(bp) / 100,
				ExemptionReason: v.ExemptionReason, ExemptionCode: v.ExemptionCode}
			groups[k] = g
		} else if g.ExemptionReason != v.ExemptionReason || g.ExemptionCode != v.ExemptionCode {
			return domain.Errorf(domain.EInvalid, "invoice.pdf.err.exemption_mixed", v.Category, what)
		}
		g.BaseCents += cents
		return nil
	}
	for _, l := range inv.Lines {
		if err := add(l.VAT, l.NetCents, l.ID); err != nil {
			return Totals{}, err
		}
		t.LineNetCents += l.NetCents
	}
	for _, ac := range inv.AllowancesCharges {
		if ac.AmountCents < 0 {
			return Totals{}, domain.Errorf(domain.EInvalid, "invoice.pdf.err.negative_allowance", ac.Reason)
		}
		amount := -ac.AmountCents
		if ac.Charge {
			amount = ac.AmountCents
			t.ChargesCents += ac.AmountCents
		} else {
			t.AllowancesCents += ac.AmountCents
		}
		if err := add(ac.VAT, amount, ac.Reason); err != nil {
			return Totals{}, err
		}
	}
	if inv.PrepaidCents < 0 || inv.RetentionCents < 0 {
		return Totals{}, domain.Errorf(domain.EInvalid, "invoice.pdf.err.negative_deduction")
	}
	t.TaxBasisCents = t.LineNetCents - t.AllowancesCents + t.ChargesCents
	for k, g := range groups {
		g.VATCents = roundDiv(g.BaseCents*int64(k.bp), 10000)
		t.VATCents += g.VATCents
		t.Breakdown = append(t.Breakdown, *g)
	}
	sort.Slice(t.Breakdown, func(i, j int) bool {
		a, b := t.Breakdown[i], t.Breakdown[j]
		if categoryRank[a.Category] != categoryRank[b.Category] {
			return categoryRank[a.Category] < categoryRank[b.Category]
		}
		return a.RatePercent > b.RatePercent
	})
	t.GrandTotalCents = t.TaxBasisCents + t.VATCents
	t.PrepaidCents = inv.PrepaidCents
	t.DueCents = t.GrandTotalCents - t.PrepaidCents
	t.RetentionCents = inv.RetentionCents
	if t.RetentionCents > 0 && t.RetentionCents > t.DueCents {
		return Totals{}, domain.Errorf(domain.EInvalid, "invoice.pdf.err.retention_too_large")
	}
	t.NetToPayCents = t.DueCents - t.RetentionCents
	return t, nil
}

// groupKey is a VAT category and its rate in hundredths of a percent.
type groupKey struct {
	cat string
	bp  int
}

// checkVAT checks one VAT of a line, allowance or charge named what and
// returns its rate in hundredths of a percent (20 % → 2000).
func checkVAT(v VAT, what string) (int, error) {
	if _, ok := categoryRank[v.Category]; !ok {
		return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.category", v.Category, what)
	}
	scaled := v.RatePercent * 100
	bp := int(math.Round(scaled))
	if math.Abs(scaled-float64(bp)) > 1e-6 || bp < 0 || bp > 10000 {
		return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.rate", v.RatePercent, what)
	}
	reason := strings.TrimSpace(v.ExemptionReason) != "" || strings.TrimSpace(v.ExemptionCode) != ""
	switch v.Category {
	case VATStandard:
		if bp == 0 {
			return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.standard_rate", what)
		}
		if reason {
			return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.exemption_forbidden", v.Category, what)
		}
	case VATZero:
		if bp != 0 {
			return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.zero_rate", v.Category, what)
		}
		if reason {
			return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.exemption_forbidden", v.Category, what)
		}
	default: // AE, E
		if bp != 0 {
			return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.zero_rate", v.Category, what)
		}
		if strings.TrimSpace(v.ExemptionReason) == "" {
			return 0, domain.Errorf(domain.EInvalid, "invoice.pdf.err.exemption_missing", v.Category, what)
		}
	}
	return bp, nil
}

// roundDiv returns n / d rounded half away from zero (d > 0).
func roundDiv(n, d int64) int64 {
	q, r := n/d, n%d
	if r < 0 {
		r = -r
	}
	if 2*r >= d {
		if n < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}
