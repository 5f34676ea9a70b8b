package platform

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// billingExpand (issue #19, billing and FinOps) adds what customer
// invoices and the cost model need, all additive (an older binary ignores
// it):
//   - plans: storage quota (GB, 0 unlimited), price of a seat beyond the
//     plan's and of a GB-month beyond the quota;
//   - tenants: a contract price per month (0: the plan's; the Enterprise
//     plan is sold on quote);
//   - invoices: the unbroken sequence number, net and VAT, dates, void
//     reason, the PDF's file name and SHA-256;
//   - billing_settings: one record ("default") with the platform
//     operator's legal data (seller of the invoices) and the FinOps unit
//     prices.
func billingExpand(app core.App) error {
	err := pbm.Existing(app, "plans").Add(
		pbm.Int("storage_quota_gb", false),
		pbm.Money("seat_price_eur"),
		pbm.Money("storage_price_gb_eur"),
	).Save()
	if err != nil {
		return err
	}
	seeds := map[string][3]float64{"starter": {5, 19, 0.5}, "pro": {50, 15, 0.4}, "enterprise": {500, 12, 0.3}}
	for code, v := range seeds {
		p, err := app.FindFirstRecordByData("plans", "code", code)
		if err != nil {
			continue // a plan an operator removed
		}
		p.Set("storage_quota_gb", v[0])
		p.Set("seat_price_eur", v[1])
		p.Set("storage_price_gb_eur", v[2])
		if err := app.Save(p); err != nil {
			return err
		}
	}
	if err := pbm.Existing(app, "tenants").Add(pbm.Money("price_month_eur")).Save(); err != nil {
		return err
	}
	err = pbm.Existing(app, "invoices").Add(
		pbm.Int("seq", false),
		pbm.Number("net_eur", false, nil, nil),
		pbm.Number("vat_eur", false, nil, nil),
		pbm.Date("issued_at", false),
		pbm.Date("due_at", false),
		pbm.Date("paid_at", false),
		pbm.Text("void_reason", false, 500),
		pbm.Text("pdf", false, 200),
		pbm.Text("sha256", false, 64),
		pbm.Text("buyer", false, 200),
	).Index(true, "seq").Index(false, "tenant", "period").Save()
	if err != nil {
		return err
	}
	err = pbm.NewBase(app, "billing_settings").Add(
		pbm.Text("key", true, 32),
		pbm.Text("seller_name", false, 200),
		pbm.Text("legal_form", false, 40),
		pbm.Text("siren", false, 9),
		pbm.Text("vat_number", false, 20),
		pbm.Text("rcs", false, 100),
		pbm.Text("address", false, 200),
		pbm.Text("post_code", false, 10),
		pbm.Text("city", false, 100),
		pbm.Text("country", false, 2),
		pbm.Text("email", false, 200),
		pbm.Text("iban", false, 34),
		pbm.Text("bic", false, 11),
		pbm.Number("vat_rate", false, nil, nil),
		pbm.Int("payment_days", false),
		pbm.Money("cpu_hour_eur"),
		pbm.Money("memory_month_eur"),
		pbm.Money("storage_gb_month_eur"),
		pbm.Money("replica_gb_month_eur"),
	).Index(true, "key").Save()
	if err != nil {
		return err
	}
	col, err := app.FindCollectionByNameOrId("billing_settings")
	if err != nil {
		return err
	}
	rec := core.NewRecord(col)
	rec.Load(map[string]any{
		"key": "default", "country": "FR", "vat_rate": 20, "payment_days": 30,
		"cpu_hour_eur": 0.05, "memory_month_eur": 40, "storage_gb_month_eur": 0.10, "replica_gb_month_eur": 0.02,
	})
	return app.Save(rec)
}
