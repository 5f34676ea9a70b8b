package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// demoContract is the bill of the demo's first site (Maison Durand):
// lots, the three VAT rates, and the cumulative progress of each line at
// the end of the two past months and in the current one.
var demoContract = []struct {
	lot, code, designation, unit string
	qty                          float64
	price                        int64 // cents
	vat                          float64
	progress                     [3]float64
}{
	{"01 Gros œuvre", "1.1", "Terrassement en pleine masse", "m3", 180, 3800, 20, [3]float64{100, 100, 100}},
	{"01 Gros œuvre", "1.2", "Fondations béton armé", "m3", 42, 24500, 20, [3]float64{60, 100, 100}},
	{"01 Gros œuvre", "1.3", "Élévation murs parpaing", "m2", 310, 9850, 20, [3]float64{0, 45, 85}},
	{"02 Charpente couverture", "2.1", "Charpente traditionnelle", "m2", 165, 7200, 20, [3]float64{0, 0, 40}},
	{"02 Charpente couverture", "2.2", "Couverture tuiles terre cuite", "m2", 165, 6400, 20, [3]float64{0, 0, 0}},
	{"03 Isolation", "3.1", "Isolation des combles (rénovation énergétique)", "m2", 140, 4200, 5.5, [3]float64{0, 0, 0}},
	{"04 Aménagements", "4.1", "Aménagement de l'abri de jardin existant", "ft", 1, 680000, 10, [3]float64{0, 30, 60}},
}

// seedDemoInvoicing (issue #18) fills the company's legal data and gives
// the demo's first site its contract and situations: with a renderer
// (DemoOptions.InvoiceRender: `fieldops demo`) the two past months
// issued (FA-…-000001 and 000002) and the current month's as a draft;
// without one (the small seed of the tests) the current month's draft
// only, the past months' progress entered but not invoiced.
func seedDemoInvoicing(tx core.App, users map[string]*core.Record, siteIDs []string, now time.Time, render InvoiceRender) error {
	if len(siteIDs) == 0 {
		return nil
	}
	var actor *core.Record
	for _, u := range users {
		if u.GetString("role") == RoleManager {
			actor = u
		}
	}
	co, err := FindCompany(tx)
	if err != nil || actor == nil {
		return err
	}
	co.Load(map[string]any{"siren": "812345678", "siret": "81234567800021", "vat_number": "FR25812345678",
		"rcs": "RCS Nantes 812 345 678", "legal_form": "SAS", "share_capital": 150000, "address": "3 rue de la Petite Hollande",
		"postcode": "44000", "city": "Nantes", "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "payment_terms_days": 30,
		"billing_rates": BillingRates{RoleCrew: 48, RoleSiteLead: 58, RoleProjectManager: 75, RoleManager: 90}})
	if err := tx.Save(co.Record); err != nil {
		return err
	}
	site, err := FindSite(tx, siteIDs[0])
	if err != nil {
		return err
	}
	if err := SaveClientBilling(tx, actor, site.ClientID(), ClientBillingInput{Siret: "44312345600017", VATNumber: "FR63443123456",
		Address: "14 avenue des Tilleuls", Postcode: "44300", City: "Nantes"}); err != nil {
		return err
	}
	var lines []ContractLine
	for _, c := range demoContract {
		l, err := AddContractLine(tx, actor, site.Id, ContractLineInput{Lot: c.lot, Code: c.code, Designation: c.designation,
			Unit: c.unit, Quantity: c.qty, UnitPriceCents: c.price, VATRate: c.vat})
		if err != nil {
			return err
		}
		lines = append(lines, l)
	}
	loc := TenantFactsOf(tx).Location()
	first := time.Date(now.In(loc).Year(), now.In(loc).Month(), 1, 10, 0, 0, 0, loc)
	for m := 0; m < 3; m++ {
		if m < 2 && render == nil {
			continue
		}
		month := first.AddDate(0, m-2, 0)
		for i, l := range lines {
			if _, err := SetContractProgress(tx, actor, l.Id, demoContract[i].progress[m], false); err != nil {
				return err
			}
		}
		opt := ProgressOptions{}
		if m == 1 {
			opt.DownPaymentCents = 300000 // 3 000 € of the down payment repaid
		}
		inv, err := CreateProgressInvoice(tx, actor, site.Id, month.Format("2006-01"), opt)
		if err != nil {
			return err
		}
		if m < 2 {
			if _, err := IssueInvoice(tx, actor, inv.Id, month.AddDate(0, 1, -1), render); err != nil {
				return err
			}
		}
	}
	return nil
}
