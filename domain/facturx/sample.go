package facturx

import (
	"fmt"
	"time"
)

// Sample returns a complete monthly progress invoice (situation de
// travaux) of n lines at 20, 10 and 5.5 %, with a down-payment
// allowance, a prepaid amount and a 5 % retention: the invoice of the
// package's tests, the PDF tests and benchmarks, and the demo's shape.
// reverse makes it a subcontractor's invoice under reverse charge
// (autoliquidation, category AE, no VAT).
func Sample(n int, reverse bool) Invoice {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	inv := Invoice{
		Number: "FA-2026-0042", TypeCode: TypeInvoice, IssueDate: day(11, 30), DueDate: day(12, 30), Currency: "EUR",
		Seller: Party{Name: "Bâtir & Fils SARL", SIRET: "12345678900017", VATNumber: "FR32123456789", RCS: "RCS Lyon 123 456 789",
			AddressLine: "12 rue des Artisans", PostCode: "69003", City: "Lyon", CountryCode: "FR", Email: "compta@batir.example"},
		Buyer: Party{Name: "Habitat Rhône <Maîtrise d'ouvrage>", SIRET: "98765432100025", VATNumber: "FR45987654321",
			AddressLine: "4 place Bellecour", PostCode: "69002", City: "Lyon", CountryCode: "FR"},
		BuyerReference: "MO-2026-17", OrderReference: "Marché 2026-017 « École Jean Moulin »",
		PeriodStart: day(11, 1), PeriodEnd: day(11, 30),
		Notes:        []Note{{Text: "Situation n° 3 – travaux de novembre 2026"}},
		PaymentTerms: "Paiement à 30 jours par virement", IBAN: "FR7630006000011234567890189", BIC: "AGRIFRPP",
	}
	vats := []VAT{{Category: VATStandard, RatePercent: 20}, {Category: VATStandard, RatePercent: 10}, {Category: VATStandard, RatePercent: 5.5}}
	if reverse {
		ae := VAT{Category: VATReverseCharge, ExemptionReason: "Autoliquidation – TVA due par le preneur (art. 283-2 nonies du CGI)", ExemptionCode: "VATEX-EU-AE"}
		vats = []VAT{ae}
		inv.Number = "FA-2026-0043"
	}
	var sum int64
	for i := range n {
		price := int64(1000 + 137*i)
		qty := float64(1 + i%7)
		net := int64(float64(price)*qty*0.35 + 0.5) // 35 % of the line billed this month
		if i%25 == 24 {
			net = -net / 10 // a correction of an earlier situation
		}
		sum += net
		inv.Lines = append(inv.Lines, Line{
			ID: fmt.Sprint(i + 1), Name: fmt.Sprintf("Lot %02d – Poste %03d", 1+i/20, i+1),
			Description: fmt.Sprintf("Avancement cumulé %d %% – déjà facturé %d %%", 35+i%60, i%60),
			Quantity:    qty, UnitCode: []string{"MTK", "MTR", "C62", "HUR", "LS"}[i%5], UnitPriceCents: price, NetCents: net,
			VAT: vats[i%len(vats)],
		})
	}
	inv.AllowancesCharges = []AllowanceCharge{{Reason: "Remboursement de l'avance forfaitaire", AmountCents: sum / 20, VAT: vats[0]}}
	inv.PrepaidCents = sum / 10
	inv.RetentionCents = sum / 20
	return inv
}
