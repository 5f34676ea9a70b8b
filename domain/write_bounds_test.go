package domain_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

func TestRecordBounds(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	now := time.Now()
	col := func(name string) *core.Collection {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	rec := func(name string, fields map[string]any) *core.Record {
		r := core.NewRecord(col(name))
		r.Load(fields)
		return r
	}
	scenarios := []struct {
		name  string
		rec   *core.Record
		field string // "" when accepted
	}{
		{"quantity at the bound", rec("stock_moves", map[string]any{"qty": domain.MaxQuantity}), ""},
		{"quantity of 1e23", rec("stock_moves", map[string]any{"qty": 1e23}), "qty"},
		{"negative adjustment of 1e23", rec("stock_moves", map[string]any{"qty": -1e23}), "qty"},
		{"NaN cost", rec("materials", map[string]any{"unit_cost": math.NaN()}), "unit_cost"},
		{"infinite budget", rec("sites", map[string]any{"budget": math.Inf(1)}), "budget"},
		{"budget of a billion", rec("sites", map[string]any{"budget": 1e9}), ""},
		{"hourly cost over 10000", rec("users", map[string]any{"hourly_cost": 10001}), "hourly_cost"},
		{"task of 1001 days", rec("tasks", map[string]any{"duration_days": 1001}), "duration_days"},
		{"lag of -5000 days", rec("task_links", map[string]any{"lag_days": -5000}), "lag_days"},
		{"latitude: the schema's own bound", rec("sites", map[string]any{"lat": 1e23}), ""},
		{"photo taken in 9999", rec("photos", map[string]any{"taken_at": "9999-12-31 00:00:00.000Z"}), "taken_at"},
		{"photo taken 3 minutes ahead (clock skew)", rec("photos", map[string]any{"taken_at": now.Add(3 * time.Minute)}), ""},
		{"signature of 1970", rec("signatures", map[string]any{"signed_at": "1970-01-01 00:00:00.000Z"}), "signed_at"},
		{"clock-out in 9999", rec("time_entries", map[string]any{"clock_in": now.Add(-time.Hour), "clock_out": "9999-12-31 00:00:00.000Z"}), "clock_out"},
		{"reservation of 367 days", rec("reservations", map[string]any{"from": now, "to": now.AddDate(0, 0, 367)}), "to"},
		{"absence of a year", rec("availability", map[string]any{"from": now, "to": now.AddDate(0, 0, 365)}), ""},
	}
	for _, s := range scenarios {
		err := domain.CheckRecordBounds(s.rec, now)
		var got string
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.EInvalid {
				t.Errorf("%s: %v, want an invalid-input error", s.name, err)
				continue
			}
			got = de.Field
		}
		if got != s.field {
			t.Errorf("%s: field at fault %q (%v), want %q", s.name, got, err, s.field)
		}
	}
	// an old out-of-bounds value does not block edits of other fields
	site := tt.Record("sites", map[string]any{"code": "OLD", "name": "Ancien", "sector": "btp"})
	if _, err := app.DB().NewQuery("UPDATE sites SET budget = 1e23 WHERE id = {:id}").Bind(map[string]any{"id": site.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	site, _ = app.FindRecordById("sites", site.Id)
	site.Set("name", "Ancien chantier")
	if err := app.Save(site); err != nil {
		t.Errorf("editing the name of a site with a legacy budget: %v", err)
	}
	site.Set("budget", 2e23)
	if err := app.Save(site); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("changing it to another absurd budget: %v", err)
	}
}

func TestPOLinesAndStockActor(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	for _, l := range [][]domain.POLine{
		{{Material: "m", Qty: 0, UnitCost: 1}},
		{{Material: "m", Qty: 1e23, UnitCost: 1}},
		{{Material: "m", Qty: math.NaN(), UnitCost: 1}},
		{{Material: "m", Qty: 1, UnitCost: math.Inf(1)}},
		{{Material: "", Qty: 1, UnitCost: 1}},
	} {
		if err := domain.CheckPOLines(l); domain.ErrorCode(err) != domain.EInvalid {
			t.Errorf("lines %+v: %v, want refused", l, err)
		}
	}
	if err := domain.CheckPOLines([]domain.POLine{{Material: "m", Qty: domain.MaxQuantity, UnitCost: 0}}); err != nil {
		t.Errorf("a line at the bounds: %v", err)
	}
	mat, err := domain.SaveMaterial(app, nil, "", domain.MaterialInput{SKU: "CIM", Name: "Ciment", Unit: "sac", UnitCost: 9})
	if err != nil {
		t.Fatal(err)
	}
	other := tt.Record("sites", map[string]any{"code": "CH-9", "name": "Ailleurs", "sector": "btp", "status": "active"})
	for _, site := range []string{tt.site, other.Id} {
		if _, err := domain.RecordStockMove(app, tt.lead, domain.StockMoveInput{Material: mat.Id, Kind: domain.MoveReceipt, Qty: 10, Location: domain.SiteLocation(site)}); err != nil {
			t.Fatalf("a site lead's receipt: %v", err)
		}
	}
	consume := func(site, kind string) error {
		in := domain.StockMoveInput{Material: mat.Id, Kind: kind, Qty: 1, Site: site, Location: domain.SiteLocation(site)}
		_, err := domain.RecordStockMove(app, tt.crew, in)
		return err
	}
	if err := consume(tt.site, domain.MoveConsumption); err != nil {
		t.Errorf("crew consumes on their site: %v", err)
	}
	if err := consume(other.Id, domain.MoveConsumption); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("crew consumes on a site outside their team: %v", err)
	}
	if err := consume(tt.site, domain.MoveReceipt); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("crew records a receipt: %v", err)
	}
}

func TestTimeEntryLength(t *testing.T) {
	t.Parallel()
	tt := newTimeTenant(t)
	app := tt.App()
	start := time.Now().Add(-30 * time.Hour)
	r, err := domain.ClockIn(app, tt.crew, domain.ClockInput{Site: tt.site, At: start})
	if err != nil {
		t.Fatal(err)
	}
	// a forgotten clock-out is closed and flagged, never refused
	r, err = domain.ClockOut(app, tt.crew, r.Id, time.Now(), domain.GeoFix{})
	if err != nil {
		t.Fatalf("closing a 30 h entry: %v", err)
	}
	if f := domain.TimeFlagsOf(r); !f.Long || !f.Alert() {
		t.Errorf("flags %+v: want long (an alert for the lead)", f)
	}
	// but a correction may not make an entry longer than a day
	_, err = domain.EditTimeEntry(app, tt.lead, r.Id, domain.TimeEdit{ClockIn: start.Add(-20 * time.Hour), Reason: "oubli"})
	if domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("editing to 50 h: %v, want refused", err)
	}
	// nor may a closed entry be stored over a day, whoever saves it
	col, _ := app.FindCollectionByNameOrId(domain.CollectionTimeEntries)
	long := core.NewRecord(col)
	long.Load(map[string]any{"user": tt.crew.Id, "site": tt.site, "clock_in": start.Add(-time.Hour), "clock_out": start.Add(24 * time.Hour), "status": "submitted"})
	if err := app.Save(long); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("a 25 h entry saved by the system: %v, want refused", err)
	}
	// switching from an entry open for two days closes it, flagged
	old := tt.Record(domain.CollectionTimeEntries, map[string]any{"user": tt.other.Id, "site": tt.site, "clock_in": time.Now().Add(-48 * time.Hour), "status": "open"})
	if _, err := domain.ClockIn(app, tt.other, domain.ClockInput{Site: tt.site, At: time.Now()}); err != nil {
		t.Fatalf("clock-in after a forgotten one: %v", err)
	}
	old, _ = app.FindRecordById(domain.CollectionTimeEntries, old.Id)
	if f := domain.TimeFlagsOf(old); old.GetString("status") != domain.TimeSubmitted || !f.Switched || !f.Long {
		t.Errorf("forgotten entry: status %q flags %+v", old.GetString("status"), f)
	}
}
