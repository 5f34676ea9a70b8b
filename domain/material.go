package domain

import (
	"regexp"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// MaterialUnits are the usual units of the catalogue.
func MaterialUnits() []string {
	return []string{"u", "m", "m2", "m3", "kg", "t", "l", "sac", "rouleau", "palette", "boîte"}
}

// MaterialInput is the catalogue form of a material.
type MaterialInput struct {
	SKU      string
	Name     string
	Unit     string
	UnitCost float64
	MinStock float64
	Category string
	Supplier string
}

var skuPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9._/-]{1,63}$`)

// Validate checks the form; the first error names its field. SKUs are
// upper-case and unique (checked on save); costs and minimums are ≥ 0.
func (in *MaterialInput) Validate() error {
	in.SKU = strings.ToUpper(strings.TrimSpace(in.SKU))
	in.Name = strings.TrimSpace(in.Name)
	in.Unit = strings.TrimSpace(in.Unit)
	switch {
	case !skuPattern.MatchString(in.SKU):
		return FieldError("sku", "err.material.invalid_sku")
	case in.Name == "":
		return FieldError("name", "err.name_required")
	case in.Unit == "":
		return FieldError("unit", "err.material.unit_required")
	case in.UnitCost < 0:
		return FieldError("unit_cost", "err.material.unit_cost_negative")
	case in.MinStock < 0:
		return FieldError("min_stock", "err.material.min_stock_negative")
	}
	return nil
}

func (in MaterialInput) fields() map[string]any {
	return map[string]any{"sku": in.SKU, "name": in.Name, "unit": in.Unit, "unit_cost": in.UnitCost,
		"min_stock": in.MinStock, "category": in.Category, "supplier": in.Supplier}
}

// MaterialInputOf returns a stored material as a form input.
func MaterialInputOf(r *core.Record) MaterialInput {
	return MaterialInput{SKU: r.GetString("sku"), Name: r.GetString("name"), Unit: r.GetString("unit"),
		UnitCost: r.GetFloat("unit_cost"), MinStock: r.GetFloat("min_stock"), Category: r.GetString("category"), Supplier: r.GetString("supplier")}
}

func materialSKUTaken(app core.App, sku, exceptID string) bool {
	r, err := app.FindFirstRecordByData(CollectionMaterials, "sku", sku)
	return err == nil && r.Id != exceptID
}

// SaveMaterial creates (id "") or updates a catalogue material.
func SaveMaterial(app core.App, actor *core.Record, id string, in MaterialInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if materialSKUTaken(app, in.SKU, id) {
		return nil, FieldError("sku", "err.material.sku_taken")
	}
	if id == "" {
		return resInsert(app, actor, CollectionMaterials, in.fields())
	}
	r, err := app.FindRecordById(CollectionMaterials, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.material.not_found")
	}
	r.Load(in.fields())
	resActor(r, actor)
	if err := app.Save(r); err != nil {
		return nil, resSaveError(err)
	}
	return r, nil
}

// MaterialStock is a catalogue line with its stock.
type MaterialStock struct {
	Material *core.Record
	Balances map[string]float64
	Total    float64
	Low      bool
}

// FindMaterialStock returns the catalogue (optionally searched by sku or
// name) with the stock of each material per location.
func FindMaterialStock(app core.App, q string) ([]MaterialStock, error) {
	filter, p := "id != ''", dbx.Params{}
	if q = strings.TrimSpace(q); q != "" {
		filter += " && (sku ~ {:q} || name ~ {:q} || category ~ {:q})"
		p["q"] = q
	}
	mats, err := app.FindRecordsByFilter(CollectionMaterials, filter, "name", 2000, 0, p)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		Material string  `db:"material"`
		Kind     string  `db:"kind"`
		Qty      float64 `db:"qty"`
		Location string  `db:"location"`
		To       string  `db:"to_location"`
	}
	if err := app.DB().Select("material", "kind", "qty", "location", "to_location").From(CollectionStockMoves).All(&rows); err != nil {
		return nil, err
	}
	moves := map[string][]Move{}
	for _, r := range rows {
		moves[r.Material] = append(moves[r.Material], Move{Kind: r.Kind, Qty: r.Qty, Location: r.Location, ToLocation: r.To})
	}
	out := make([]MaterialStock, 0, len(mats))
	for _, m := range mats {
		b := Balances(moves[m.Id])
		t := Total(b)
		out = append(out, MaterialStock{Material: m, Balances: b, Total: t, Low: IsLowStock(t, m.GetFloat("min_stock"))})
	}
	return out, nil
}

// LowStock keeps the materials under their minimum.
func LowStock(all []MaterialStock) []MaterialStock {
	var out []MaterialStock
	for _, s := range all {
		if s.Low {
			out = append(out, s)
		}
	}
	return out
}

// SiteConsumption is the material consumed on one site, at the unit
// costs recorded with each move.
type SiteConsumption struct {
	SiteID   string  `db:"site"`
	Code     string  `db:"code"`
	Name     string  `db:"name"`
	Moves    int     `db:"moves"`
	Cost     float64 `db:"cost"`
	Material string  `db:"-"`
}

// ConsumptionBySite returns each site's consumption cost, highest first.
func ConsumptionBySite(app core.App) ([]SiteConsumption, error) {
	var out []SiteConsumption
	err := app.DB().NewQuery(`SELECT m.site AS site, COALESCE(s.code, '') AS code, COALESCE(s.name, '') AS name,
			COUNT(*) AS moves, ROUND(SUM(m.qty * m.unit_cost), 2) AS cost
		FROM stock_moves m LEFT JOIN sites s ON s.id = m.site
		WHERE m.kind = 'consumption' AND m.site != ''
		GROUP BY m.site ORDER BY cost DESC`).All(&out)
	return out, err
}
