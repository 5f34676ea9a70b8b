package domain

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Finders of module 2 (vehicles, equipment, materials, stock, purchases)
// that the pages need beyond the registers' own searches.

// maxOptions caps the lists offered in a select.
const maxOptions = 500

// FindOpenSites returns the sites work can still be booked on (neither
// cancelled nor done), by code.
func FindOpenSites(app core.App) ([]Site, error) {
	recs, err := app.FindRecordsByFilter(CollectionSites, "status != 'cancelled' && status != 'done'", "code", maxOptions, 0)
	return AsSites(recs), err
}

// FindStockSites returns the sites that may hold stock (all but cancelled
// ones: a finished site may still return material), by code.
func FindStockSites(app core.App) ([]Site, error) {
	recs, err := app.FindRecordsByFilter(CollectionSites, "status != 'cancelled'", "code", maxOptions, 0)
	return AsSites(recs), err
}

// FindVans returns every vehicle (a van is a stock location), by plate.
func FindVans(app core.App) ([]Vehicle, error) {
	recs, err := app.FindRecordsByFilter(CollectionVehicles, "", "plate", maxOptions, 0)
	return AsVehicles(recs), err
}

// FindSuppliers returns the suppliers, by name.
func FindSuppliers(app core.App) ([]Supplier, error) {
	recs, err := app.FindRecordsByFilter(CollectionSuppliers, "", "name", maxOptions, 0)
	return AsSuppliers(recs), err
}

// FindMaterials returns the materials of the catalogue, by name.
func FindMaterials(app core.App) ([]Material, error) {
	recs, err := app.FindRecordsByFilter(CollectionMaterials, "", "name", 2000, 0)
	return AsMaterials(recs), err
}

// FindPurchaseOrders returns the latest purchase orders, newest first,
// with their supplier expanded.
func FindPurchaseOrders(app core.App, limit int) ([]PurchaseOrder, error) {
	recs, err := app.FindRecordsByFilter(CollectionPurchaseOrders, "", "-created", limit, 0)
	if err != nil {
		return nil, err
	}
	if errs := app.ExpandRecords(recs, []string{"supplier"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	return AsPurchaseOrders(recs), nil
}

// FindRecentConsumptions returns a user's latest consumption moves, with
// their material and site expanded.
func FindRecentConsumptions(app core.App, userID string, limit int) ([]StockMove, error) {
	recs, err := app.FindRecordsByFilter(CollectionStockMoves, "by = {:u} && kind = 'consumption'", "-at", limit, 0, dbx.Params{"u": userID})
	if err != nil {
		return nil, err
	}
	if errs := app.ExpandRecords(recs, []string{"material", "site"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	return AsStockMoves(recs), nil
}

// FindPurchaseOrderExpanded returns an order with its supplier expanded
// (ENotFound when missing).
func FindPurchaseOrderExpanded(app core.App, id string) (PurchaseOrder, error) {
	po, err := FindPurchaseOrder(app, id)
	if err != nil {
		return po, err
	}
	if err := app.ExpandRecord(po.Record, []string{"supplier"}, nil); len(err) > 0 {
		for _, e := range err {
			return po, e
		}
	}
	return po, nil
}

// FindEquipmentExpanded returns an item with its holder and site
// expanded (ENotFound when missing).
func FindEquipmentExpanded(app core.App, id string) (Equipment, error) {
	eq, err := FindEquipmentByID(app, id)
	if err != nil {
		return eq, err
	}
	if errs := app.ExpandRecord(eq.Record, []string{"holder", "site"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return eq, e
		}
	}
	return eq, nil
}
