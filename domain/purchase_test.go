package domain

import "testing"

func TestPurchaseOrderLifecycle(t *testing.T) {
	scenarios := []struct {
		from, to string
		want     bool
	}{
		{PODraft, POSent, true},
		{PODraft, POCancelled, true},
		{PODraft, POReceived, false},
		{POSent, POReceived, true},
		{POSent, POPartial, true},
		{POSent, POCancelled, true},
		{POPartial, POReceived, true},
		{POPartial, POCancelled, false},
		{POReceived, POCancelled, false},
		{POCancelled, POSent, false},
		{POSent, PODraft, false},
	}
	for _, s := range scenarios {
		if got := CanTransitionPO(s.from, s.to); got != s.want {
			t.Errorf("%s → %s = %v, want %v", s.from, s.to, got, s.want)
		}
	}
}

func TestPOInputValidateAndTotal(t *testing.T) {
	lines := []POLine{{Material: "m1", Qty: 3, UnitCost: 12.5}, {Material: "m2", Qty: 0.5, UnitCost: 7.333}}
	if got := POTotal(lines); got != 41.17 {
		t.Errorf("total = %v, want 41.17", got)
	}
	scenarios := []struct {
		name      string
		in        POInput
		wantField string
	}{
		{"valid, blank lines dropped", POInput{Supplier: "s", Lines: append([]POLine{{}}, lines...)}, ""},
		{"no supplier", POInput{Lines: lines}, "supplier"},
		{"no lines", POInput{Supplier: "s", Lines: []POLine{{}}}, "lines"},
		{"zero quantity", POInput{Supplier: "s", Lines: []POLine{{Material: "m1"}}}, "lines"},
		{"bad location", POInput{Supplier: "s", Lines: lines, Location: "garage"}, "location"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			err := s.in.Validate()
			got := ""
			if e, ok := err.(*Error); ok {
				got = e.Field
			}
			if got != s.wantField {
				t.Errorf("field = %q (%v), want %q", got, err, s.wantField)
			}
		})
	}
}
