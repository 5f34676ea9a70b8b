package facturx_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/facturx"
)

var (
	s20 = facturx.VAT{Category: facturx.VATStandard, RatePercent: 20}
	s10 = facturx.VAT{Category: facturx.VATStandard, RatePercent: 10}
	s55 = facturx.VAT{Category: facturx.VATStandard, RatePercent: 5.5}
	ae  = facturx.VAT{Category: facturx.VATReverseCharge, ExemptionReason: "Autoliquidation", ExemptionCode: "VATEX-EU-AE"}
	ex  = facturx.VAT{Category: facturx.VATExempt, ExemptionReason: "Exonération (article 261 du CGI)"}
	z0  = facturx.VAT{Category: facturx.VATZero}
)

// lines builds an invoice of lines with the given amounts and VATs.
func lines(args ...any) facturx.Invoice {
	inv := facturx.Invoice{Number: "F-1", TypeCode: facturx.TypeInvoice, Currency: "EUR"}
	for i := 0; i < len(args); i += 2 {
		inv.Lines = append(inv.Lines, facturx.Line{ID: string(rune('1' + i/2)), Name: "L", Quantity: 1,
			UnitCode: "C62", UnitPriceCents: int64(args[i].(int)), NetCents: int64(args[i].(int)), VAT: args[i+1].(facturx.VAT)})
	}
	return inv
}

func with(inv facturx.Invoice, f func(*facturx.Invoice)) facturx.Invoice { f(&inv); return inv }

// TestCompute checks totals computed by hand for the invoices the product
// issues: every figure below was worked out on paper, cent by cent.
func TestCompute(t *testing.T) {
	bd := func(cat string, rate float64, base, vat int64) facturx.VATBreakdown {
		b := facturx.VATBreakdown{Category: cat, RatePercent: rate, BaseCents: base, VATCents: vat}
		switch cat {
		case facturx.VATReverseCharge:
			b.ExemptionReason, b.ExemptionCode = ae.ExemptionReason, ae.ExemptionCode
		case facturx.VATExempt:
			b.ExemptionReason = ex.ExemptionReason
		}
		return b
	}
	cases := []struct {
		name string
		inv  facturx.Invoice
		want facturx.Totals
	}{{
		// 20 %: 1 234.56 + 100.01 = 1 334.57 → 266.914 → 266.91
		// 10 %: 500.00 → 50.00; 5.5 %: 333.33 → 18.33315 → 18.33
		name: "three rates",
		inv:  lines(123456, s20, 50000, s10, 33333, s55, 10001, s20),
		want: facturx.Totals{LineNetCents: 216790, TaxBasisCents: 216790, VATCents: 33524, GrandTotalCents: 250314,
			DueCents: 250314, NetToPayCents: 250314, Breakdown: []facturx.VATBreakdown{
				bd("S", 20, 133457, 26691), bd("S", 10, 50000, 5000), bd("S", 5.5, 33333, 1833)}},
	}, {
		// subcontracting: 12 500.00 HT, no VAT, 5 % retention of 625.00
		name: "reverse charge with retention",
		inv:  with(lines(1000000, ae, 250000, ae), func(i *facturx.Invoice) { i.RetentionCents = 62500 }),
		want: facturx.Totals{LineNetCents: 1250000, TaxBasisCents: 1250000, GrandTotalCents: 1250000, DueCents: 1250000,
			RetentionCents: 62500, NetToPayCents: 1187500, Breakdown: []facturx.VATBreakdown{bd("AE", 0, 1250000, 0)}},
	}, {
		// situation n° 2: 10 000.00 HT of work, 2 000.00 down payment
		// repaid as an allowance, 50.00 charge; base 8 050.00 → VAT
		// 1 610.00, TTC 9 660.00; 3 000.00 already paid → 6 660.00 due;
		// retention 5 % of TTC 483.00 → 6 177.00 to pay
		name: "down payment, charge, prepaid, retention",
		inv: with(lines(1000000, s20), func(i *facturx.Invoice) {
			i.AllowancesCharges = []facturx.AllowanceCharge{{Reason: "Remboursement de l'avance", AmountCents: 200000, VAT: s20},
				{Charge: true, Reason: "Frais de benne", AmountCents: 5000, VAT: s20}}
			i.PrepaidCents, i.RetentionCents = 300000, 48300
		}),
		want: facturx.Totals{LineNetCents: 1000000, AllowancesCents: 200000, ChargesCents: 5000, TaxBasisCents: 805000,
			VATCents: 161000, GrandTotalCents: 966000, PrepaidCents: 300000, DueCents: 666000, RetentionCents: 48300,
			NetToPayCents: 617700, Breakdown: []facturx.VATBreakdown{bd("S", 20, 805000, 161000)}},
	}, {
		// negative progress lines: 5 000.00 − 1 200.50 at 20 % = 3 799.50
		// → 759.90; −100.00 at 10 % → −10.00
		name: "negative progress lines",
		inv:  lines(500000, s20, -120050, s20, -10000, s10),
		want: facturx.Totals{LineNetCents: 369950, TaxBasisCents: 369950, VATCents: 74990, GrandTotalCents: 444940,
			DueCents: 444940, NetToPayCents: 444940, Breakdown: []facturx.VATBreakdown{bd("S", 20, 379950, 75990), bd("S", 10, -10000, -1000)}},
	}, {
		// 0.05 € at 10 % = 0.005 € → 0.01 € (half away from zero)
		name: "half a cent rounds up",
		inv:  lines(5, s10),
		want: facturx.Totals{LineNetCents: 5, TaxBasisCents: 5, VATCents: 1, GrandTotalCents: 6, DueCents: 6, NetToPayCents: 6,
			Breakdown: []facturx.VATBreakdown{bd("S", 10, 5, 1)}},
	}, {
		// −0.05 € at 10 % = −0.005 € → −0.01 € (away from zero, not up)
		name: "negative half a cent rounds down",
		inv:  lines(-5, s10),
		want: facturx.Totals{LineNetCents: -5, TaxBasisCents: -5, VATCents: -1, GrandTotalCents: -6, DueCents: -6, NetToPayCents: -6,
			Breakdown: []facturx.VATBreakdown{bd("S", 10, -5, -1)}},
	}, {
		// 27.27 € at 5.5 % = 1.49985 € → 1.50 €; 0.09 € at 5.5 % is
		// in the same category: base 27.36 → 1.5048 → 1.50
		name: "5.5 percent rounding",
		inv:  lines(2727, s55, 9, s55),
		want: facturx.Totals{LineNetCents: 2736, TaxBasisCents: 2736, VATCents: 150, GrandTotalCents: 2886, DueCents: 2886, NetToPayCents: 2886,
			Breakdown: []facturx.VATBreakdown{bd("S", 5.5, 2736, 150)}},
	}, {
		// BR-CO-17: VAT is rounded per category, not per line: two lines
		// of 0.03 € at 20 % give 0.012 € → 0.01 €, not 2 × 0.01 €
		name: "rounded once per category",
		inv:  lines(3, s20, 3, s20),
		want: facturx.Totals{LineNetCents: 6, TaxBasisCents: 6, VATCents: 1, GrandTotalCents: 7, DueCents: 7, NetToPayCents: 7,
			Breakdown: []facturx.VATBreakdown{bd("S", 20, 6, 1)}},
	}, {
		name: "standard, zero, exempt and reverse charge ordered",
		inv:  lines(1000, ae, 2000, ex, 3000, z0, 4000, s55, 5000, s20),
		want: facturx.Totals{LineNetCents: 15000, TaxBasisCents: 15000, VATCents: 1220, GrandTotalCents: 16220, DueCents: 16220, NetToPayCents: 16220,
			Breakdown: []facturx.VATBreakdown{bd("S", 20, 5000, 1000), bd("S", 5.5, 4000, 220), bd("Z", 0, 3000, 0), bd("E", 0, 2000, 0), bd("AE", 0, 1000, 0)}},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := facturx.Compute(c.inv)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("totals\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

// TestComputeRefuses checks that inconsistent invoices are refused with
// an EInvalid error naming the rule.
func TestComputeRefuses(t *testing.T) {
	ok := lines(1000, s20)
	cases := []struct {
		name, key string
		inv       facturx.Invoice
	}{
		{"no lines", "invoice.pdf.err.no_lines", with(ok, func(i *facturx.Invoice) { i.Lines = nil })},
		{"unknown type", "invoice.pdf.err.type", with(ok, func(i *facturx.Invoice) { i.TypeCode = "384" })},
		{"missing currency", "invoice.pdf.err.currency", with(ok, func(i *facturx.Invoice) { i.Currency = "" })},
		{"lower-case currency", "invoice.pdf.err.currency", with(ok, func(i *facturx.Invoice) { i.Currency = "eur" })},
		{"unknown category", "invoice.pdf.err.category", lines(1000, facturx.VAT{Category: "K"})},
		{"reverse charge with a rate", "invoice.pdf.err.zero_rate", lines(1000, facturx.VAT{Category: "AE", RatePercent: 20, ExemptionReason: "Autoliquidation"})},
		{"zero category with a rate", "invoice.pdf.err.zero_rate", lines(1000, facturx.VAT{Category: "Z", RatePercent: 5.5})},
		{"standard at zero", "invoice.pdf.err.standard_rate", lines(1000, facturx.VAT{Category: "S"})},
		{"reverse charge without reason", "invoice.pdf.err.exemption_missing", lines(1000, facturx.VAT{Category: "AE", ExemptionCode: "VATEX-EU-AE"})},
		{"exempt without reason", "invoice.pdf.err.exemption_missing", lines(1000, facturx.VAT{Category: "E"})},
		{"standard with a reason", "invoice.pdf.err.exemption_forbidden", lines(1000, facturx.VAT{Category: "S", RatePercent: 20, ExemptionReason: "x"})},
		{"zero with a reason", "invoice.pdf.err.exemption_forbidden", lines(1000, facturx.VAT{Category: "Z", ExemptionCode: "VATEX-EU-O"})},
		{"two reasons in one category", "invoice.pdf.err.exemption_mixed", lines(1000, ae, 1000, facturx.VAT{Category: "AE", ExemptionReason: "Reverse charge"})},
		{"rate with three decimals", "invoice.pdf.err.rate", lines(1000, facturx.VAT{Category: "S", RatePercent: 5.555})},
		{"negative rate", "invoice.pdf.err.rate", lines(1000, facturx.VAT{Category: "S", RatePercent: -20})},
		{"negative allowance", "invoice.pdf.err.negative_allowance", with(ok, func(i *facturx.Invoice) {
			i.AllowancesCharges = []facturx.AllowanceCharge{{Reason: "Avance", AmountCents: -10, VAT: s20}}
		})},
		{"allowance in unknown category", "invoice.pdf.err.category", with(ok, func(i *facturx.Invoice) {
			i.AllowancesCharges = []facturx.AllowanceCharge{{Reason: "Avance", AmountCents: 10}}
		})},
		{"negative prepaid", "invoice.pdf.err.negative_deduction", with(ok, func(i *facturx.Invoice) { i.PrepaidCents = -1 })},
		{"negative retention", "invoice.pdf.err.negative_deduction", with(ok, func(i *facturx.Invoice) { i.RetentionCents = -1 })},
		{"retention above due", "invoice.pdf.err.retention_too_large", with(ok, func(i *facturx.Invoice) { i.RetentionCents = 1201 })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := facturx.Compute(c.inv)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EInvalid || de.Key != c.key {
				t.Fatalf("err = %v, want EInvalid %s", err, c.key)
			}
			if !reflect.DeepEqual(got, facturx.Totals{}) {
				t.Errorf("refused invoice has totals %+v", got)
			}
		})
	}
	// the boundary: a retention equal to the amount due is accepted
	got, err := facturx.Compute(with(ok, func(i *facturx.Invoice) { i.RetentionCents = 1200 }))
	if err != nil || got.NetToPayCents != 0 {
		t.Fatalf("retention = due: %+v, %v", got, err)
	}
}
