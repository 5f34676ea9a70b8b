package domain

import (
	"testing"
)

func TestApplyMoveNeverNegativeExceptAdjustment(t *testing.T) {
	site := SiteLocation("s1")
	van := VanLocation("v1")
	start := map[string]float64{LocationDepot: 10, site: 2.5}
	scenarios := []struct {
		name     string
		move     Move
		wantCode string
		want     map[string]float64 // balances after, for the touched locations
	}{
		{"receipt adds", Move{Kind: MoveReceipt, Qty: 5, Location: LocationDepot}, "", map[string]float64{LocationDepot: 15}},
		{"order moves nothing", Move{Kind: MoveOrder, Qty: 100, Location: LocationDepot}, "", map[string]float64{LocationDepot: 10}},
		{"consume what is there", Move{Kind: MoveConsumption, Qty: 2.5, Location: site}, "", map[string]float64{site: 0}},
		{"consume more than there", Move{Kind: MoveConsumption, Qty: 2.6, Location: site}, EConflict, nil},
		{"consume from an empty van", Move{Kind: MoveConsumption, Qty: 1, Location: van}, EConflict, nil},
		{"transfer all", Move{Kind: MoveTransfer, Qty: 10, Location: LocationDepot, ToLocation: van}, "", map[string]float64{LocationDepot: 0, van: 10}},
		{"transfer too much", Move{Kind: MoveTransfer, Qty: 10.001, Location: LocationDepot, ToLocation: van}, EConflict, nil},
		{"transfer to itself", Move{Kind: MoveTransfer, Qty: 1, Location: LocationDepot, ToLocation: LocationDepot}, EInvalid, nil},
		{"transfer nowhere", Move{Kind: MoveTransfer, Qty: 1, Location: LocationDepot}, EInvalid, nil},
		{"adjustment down below zero with reason", Move{Kind: MoveAdjustment, Qty: -12, Location: LocationDepot, Reason: "inventaire"}, "", map[string]float64{LocationDepot: -2}},
		{"adjustment up with reason", Move{Kind: MoveAdjustment, Qty: 3, Location: van, Reason: "retour chantier"}, "", map[string]float64{van: 3}},
		{"adjustment without reason", Move{Kind: MoveAdjustment, Qty: -1, Location: LocationDepot, Reason: "  "}, EInvalid, nil},
		{"adjustment of zero", Move{Kind: MoveAdjustment, Qty: 0, Location: LocationDepot, Reason: "x"}, EInvalid, nil},
		{"negative receipt", Move{Kind: MoveReceipt, Qty: -1, Location: LocationDepot}, EInvalid, nil},
		{"zero consumption", Move{Kind: MoveConsumption, Qty: 0, Location: site}, EInvalid, nil},
		{"unknown kind", Move{Kind: "gift", Qty: 1, Location: LocationDepot}, EInvalid, nil},
		{"unknown location", Move{Kind: MoveReceipt, Qty: 1, Location: "garage"}, EInvalid, nil},
		{"float rounding", Move{Kind: MoveConsumption, Qty: 0.1 + 0.2, Location: site}, "", map[string]float64{site: 2.2}},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got, err := ApplyMove(start, s.move)
			if code := ErrorCode(err); code != s.wantCode {
				t.Fatalf("code = %q (%v), want %q", code, err, s.wantCode)
			}
			for loc, want := range s.want {
				if got[loc] != want {
					t.Errorf("%s = %v, want %v", loc, got[loc], want)
				}
			}
			if start[LocationDepot] != 10 || start[site] != 2.5 {
				t.Error("ApplyMove modified its input")
			}
		})
	}
}

func TestBalancesReplayAndLowStock(t *testing.T) {
	site := SiteLocation("s1")
	moves := []Move{
		{Kind: MoveOrder, Qty: 50, Location: LocationDepot},
		{Kind: MoveReceipt, Qty: 50, Location: LocationDepot},
		{Kind: MoveTransfer, Qty: 20, Location: LocationDepot, ToLocation: site},
		{Kind: MoveConsumption, Qty: 12.5, Location: site},
		{Kind: MoveAdjustment, Qty: -1, Location: LocationDepot, Reason: "casse"},
	}
	b := Balances(moves)
	scenarios := []struct {
		name      string
		got, want float64
	}{
		{"depot", b[LocationDepot], 29},
		{"site", b[site], 7.5},
		{"total", Total(b), 36.5},
	}
	for _, s := range scenarios {
		if s.got != s.want {
			t.Errorf("%s = %v, want %v", s.name, s.got, s.want)
		}
	}
	if got := Locations(map[string]float64{"van:z": 1, site: 1, LocationDepot: 1}); got[0] != LocationDepot {
		t.Errorf("Locations = %v, want depot first", got)
	}
	low := []struct {
		total, min float64
		want       bool
	}{{5, 10, true}, {10, 10, false}, {0, 0, false}, {-1, 0, false}, {9.9999999999, 10, false}}
	for _, s := range low {
		if got := IsLowStock(s.total, s.min); got != s.want {
			t.Errorf("IsLowStock(%v, %v) = %v, want %v", s.total, s.min, got, s.want)
		}
	}
}

func TestParseLocationAndFormatQty(t *testing.T) {
	scenarios := []struct {
		loc, kind, id string
		ok            bool
	}{
		{"depot", "depot", "", true},
		{"site:abc", "site", "abc", true},
		{"van:v1", "van", "v1", true},
		{"site:", "", "", false},
		{"warehouse", "", "", false},
	}
	for _, s := range scenarios {
		kind, id, ok := ParseLocation(s.loc)
		if kind != s.kind || id != s.id || ok != s.ok {
			t.Errorf("ParseLocation(%q) = %q %q %v, want %q %q %v", s.loc, kind, id, ok, s.kind, s.id, s.ok)
		}
	}
	for in, want := range map[float64]string{2.5: "2.5", 3: "3", -0.0000001: "0", 0.1 + 0.2: "0.3"} {
		if got := FormatQty(in); got != want {
			t.Errorf("FormatQty(%v) = %q, want %q", in, got, want)
		}
	}
}
