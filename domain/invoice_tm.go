package domain

import (
	"encoding/json"
	"math"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// BillingRates are the tenant's hourly sale rates per role (€ excl. VAT
// per hour), company.billing_rates, used by time-and-materials invoices.
type BillingRates map[string]float64

// BillingRateRoles are the roles a rate may be set for.
var BillingRateRoles = []string{RoleCrew, RoleSiteLead, RoleProjectManager, RoleManager}

// Rates returns the company's billing rates.
func (c Company) Rates() BillingRates {
	r := BillingRates{}
	_ = json.Unmarshal(c.BillingRates(), &r)
	return r
}

// SetBillingRates stores the tenant's billing rates (a tenant admin or a
// manager).
func SetBillingRates(app core.App, actor *core.Record, rates BillingRates) error {
	if actor == nil || !(actor.GetBool("tenant_admin") || actor.GetString("role") == RoleManager) || !actor.GetBool("active") {
		return Errorf(EForbidden, "err.invoice.forbidden")
	}
	clean := BillingRates{}
	for _, role := range BillingRateRoles {
		v := rates[role]
		if v < 0 || v > 10000 || math.IsNaN(v) {
			return FieldError("rate_"+role, "err.invoice.bad_rate")
		}
		if v > 0 {
			clean[role] = v
		}
	}
	c, err := FindCompany(app)
	if err != nil {
		return err
	}
	c.Set("billing_rates", clean)
	setActor(c.Record, actor)
	return app.Save(c.Record)
}

// CreateTimeMaterialsInvoice drafts the time-and-materials invoice (régie)
// of a site for the days from–to (inclusive, civil dates in UTC): one line
// per role of the approved time entries (hours × the role's billing rate)
// and one per material consumed on the site (quantity × sale price), each
// rounded to the cent. A role without a rate or a material without a sale
// price refuses the invoice, naming it. Periods of a site's
// time-and-materials invoices may not overlap.
func CreateTimeMaterialsInvoice(app core.App, actor *core.Record, siteID string, from, to time.Time) (Invoice, error) {
	_, client, err := invoiceSite(app, actor, siteID)
	if err != nil {
		return Invoice{}, err
	}
	if from.IsZero() || to.Before(from) {
		return Invoice{}, FieldError("period", "err.invoice.bad_period")
	}
	end := to.AddDate(0, 0, 1)
	n, err := app.CountRecords(CollectionInvoices, dbx.NewExp(`site = {:s} AND kind = {:k} AND period_start < {:e} AND period_end >= {:f}`,
		dbx.Params{"s": siteID, "k": InvoiceTimeMaterials, "e": DBTime(end), "f": DBTime(from)}))
	if err != nil {
		return Invoice{}, err
	}
	if n > 0 {
		return Invoice{}, Errorf(EConflict, "err.invoice.period_overlaps")
	}
	company, err := FindCompany(app)
	if err != nil {
		return Invoice{}, err
	}
	rates := company.Rates()
	labour, err := labourLines(app, siteID, from, end, rates)
	if err != nil {
		return Invoice{}, err
	}
	materials, err := materialLines(app, siteID, from, end)
	if err != nil {
		return Invoice{}, err
	}
	lines := append(labour, materials...)
	if len(lines) == 0 {
		return Invoice{}, Errorf(EInvalid, "err.invoice.nothing_to_bill")
	}
	head := map[string]any{
		"site": siteID, "client": client.Id, "kind": InvoiceTimeMaterials, "status": InvoiceDraft,
		"period_start": from.UTC(), "period_end": to.UTC(), "reverse_charge": client.IsMainContractor(),
	}
	return saveDraft(app, actor, head, lines)
}

// roleLabels are the labour lines' designations (invoices are written in
// French, the language of the contract).
var roleLabels = map[string]string{
	RoleCrew: "Main-d'œuvre : compagnon", RoleSiteLead: "Main-d'œuvre : chef de chantier",
	RoleProjectManager: "Main-d'œuvre : conducteur de travaux", RoleManager: "Main-d'œuvre : encadrement",
}

func labourLines(app core.App, siteID string, from, end time.Time, rates BillingRates) ([]map[string]any, error) {
	var rows []struct {
		Role  string  `db:"role"`
		Hours float64 `db:"hours"`
	}
	err := app.DB().NewQuery(`SELECT u.role AS role,
		SUM((julianday(t.clock_out) - julianday(t.clock_in)) * 24) AS hours
		FROM time_entries t JOIN users u ON u.id = t.user
		WHERE t.site = {:s} AND t.status = 'approved' AND t.clock_out != ''
		AND t.clock_in >= {:f} AND t.clock_in < {:e}
		GROUP BY u.role`).
		Bind(dbx.Params{"s": siteID, "f": DBTime(from), "e": DBTime(end)}).All(&rows)
	if err != nil {
		return nil, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Role < rows[j].Role })
	var out []map[string]any
	for _, r := range rows {
		hours := math.Round(r.Hours*100) / 100
		if hours <= 0 {
			continue
		}
		rate := rates[r.Role]
		if rate <= 0 {
			return nil, Errorf(EInvalid, "err.invoice.no_rate", r.Role)
		}
		cents := RoundCents(rate * 100)
		out = append(out, map[string]any{
			"kind": "labour", "designation": roleLabels[r.Role], "unit": "h", "quantity": hours,
			"unit_price_cents": cents, "net_cents": RoundCents(hours * float64(cents)), "vat_rate": 20.0,
		})
	}
	return out, nil
}

func materialLines(app core.App, siteID string, from, end time.Time) ([]map[string]any, error) {
	var rows []struct {
		Name  string  `db:"name"`
		Unit  string  `db:"unit"`
		Price float64 `db:"price"`
		Qty   float64 `db:"qty"`
	}
	err := app.DB().NewQuery(`SELECT m.name AS name, m.unit AS unit, COALESCE(m.sale_price, 0) AS price,
		SUM(ABS(s.qty)) AS qty
		FROM stock_moves s JOIN materials m ON m.id = s.material
		WHERE s.site = {:s} AND s.kind = 'consumption'
		AND COALESCE(NULLIF(s.at, ''), s.created) >= {:f} AND COALESCE(NULLIF(s.at, ''), s.created) < {:e}
		GROUP BY m.id ORDER BY m.name`).
		Bind(dbx.Params{"s": siteID, "f": DBTime(from), "e": DBTime(end)}).All(&rows)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, r := range rows {
		if r.Qty == 0 {
			continue
		}
		if r.Price <= 0 {
			return nil, Errorf(EInvalid, "err.invoice.no_sale_price", r.Name)
		}
		cents := RoundCents(r.Price * 100)
		out = append(out, map[string]any{
			"kind": "material", "designation": r.Name, "unit": r.Unit, "quantity": r.Qty,
			"unit_price_cents": cents, "net_cents": RoundCents(r.Qty * float64(cents)), "vat_rate": 20.0,
		})
	}
	return out, nil
}

// MaterialSalePrice is a material and its sale price (€ excl. VAT per
// unit) as the invoicing settings list them.
type MaterialSalePrice struct {
	ID, SKU, Name, Unit string
	SalePrice           float64
}

// FindMaterialSalePrices lists the materials with their sale price.
func FindMaterialSalePrices(app core.App) ([]MaterialSalePrice, error) {
	rs, err := app.FindRecordsByFilter(CollectionMaterials, "", "name", 500, 0)
	if err != nil {
		return nil, err
	}
	out := make([]MaterialSalePrice, 0, len(rs))
	for _, m := range AsMaterials(rs) {
		out = append(out, MaterialSalePrice{ID: m.Id, SKU: m.Sku(), Name: m.Name(), Unit: m.Unit(), SalePrice: m.SalePrice()})
	}
	return out, nil
}

// SetMaterialSalePrices stores sale prices (material id → € per unit) in
// one transaction (managers and tenant admins).
func SetMaterialSalePrices(app core.App, actor *core.Record, prices map[string]float64) error {
	if !CanManageInvoicing(actor) {
		return Errorf(EForbidden, "err.invoice.forbidden")
	}
	return app.RunInTransaction(func(tx core.App) error {
		for id, p := range prices {
			if p < 0 || p > 1e7 || math.IsNaN(p) {
				return FieldError("price_"+id, "err.invoice.bad_amount")
			}
			m, err := FindMaterial(tx, id)
			if err != nil {
				return Errorf(ENotFound, "err.record.not_found")
			}
			if m.SalePrice() == p {
				continue
			}
			m.SetSalePrice(p)
			setActor(m.Record, actor)
			if err := tx.Save(m.Record); err != nil {
				return SaveError(err)
			}
		}
		return nil
	})
}
