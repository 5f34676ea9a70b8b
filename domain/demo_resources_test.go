package domain_test

import (
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestSeedDemoResources(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active"})
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	if err := domain.SeedDemoResources(app, []string{site.Id}, []string{u.Id}, now); err != nil {
		t.Fatal(err)
	}
	counts := []struct {
		col  string
		want int64
	}{
		{domain.CollectionVehicles, 5}, {domain.CollectionVehiclePositions, 20}, {domain.CollectionEquipment, 20},
		{domain.CollectionMaterials, 30}, {domain.CollectionSuppliers, 2}, {domain.CollectionPurchaseOrders, 2},
	}
	for _, c := range counts {
		if n, _ := app.CountRecords(c.col); n != c.want {
			t.Errorf("%s = %d, want %d", c.col, n, c.want)
		}
	}
	stock, _ := domain.FindMaterialStock(app, "")
	if low := domain.LowStock(stock); len(low) == 0 || len(low) > 10 {
		t.Errorf("%d low-stock materials", len(low))
	}
	for _, s := range stock {
		for loc, q := range s.Balances {
			if q < 0 {
				t.Errorf("%s negative at %s", s.Material.GetString("sku"), loc)
			}
		}
	}
	if cons, _ := domain.ConsumptionBySite(app); len(cons) != 1 || cons[0].Cost <= 0 {
		t.Errorf("consumption = %+v", cons)
	}
	// with no sites nor users it still works
	tt2 := tenanttest.New(t)
	if err := domain.SeedDemoResources(tt2.App(), nil, nil, now); err != nil {
		t.Fatal(err)
	}
}
