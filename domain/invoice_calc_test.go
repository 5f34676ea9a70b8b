package domain

import "testing"

// Hand-computed totals (rounding rules: invoice_calc.go).
func TestComputeTotals(t *testing.T) {
	scenarios := []struct {
		name      string
		lines     []CalcLine
		deduction int64
		reverse   bool
		retention float64
		excl, vat int64
		incl, ret int64
		net       int64
	}{
		{"one rate, no retention", []CalcLine{{10000, 20}, {2550, 20}}, 0, false, 0, 12550, 2510, 15060, 0, 15060},
		// 20 %: 163800 → 32760; 10 %: 133320 → 13332; retention 5 % of
		// 343212 = 17160.6 → 17161
		{"two rates, retention 5 %", []CalcLine{{163800, 20}, {133320, 10}}, 0, false, 5, 297120, 46092, 343212, 17161, 326051},
		// deduction 10000 over 245700/133359/62494 (total 441553):
		// 10 % share 3020.18 → 3020, 5.5 % 1415.32 → 1415, 20 % the rest
		// 5565; bases 240135, 130339, 61079; VAT 48027, 13033.9 → 13034,
		// 3359.345 → 3359
		{"three rates, down payment, retention", []CalcLine{{245700, 20}, {133359, 10}, {62494, 5.5}}, 10000, false, 5, 431553, 64420, 495973, 24799, 471174},
		{"reverse charge: zero VAT", []CalcLine{{245700, 20}, {133359, 10}}, 0, true, 5, 379059, 0, 379059, 18953, 360106},
		// VAT per rate rounded once: 3 × 0.05 € at 20 % = 0.15 → 0.03
		{"VAT rounded per rate, not per line", []CalcLine{{5, 20}, {5, 20}, {5, 20}}, 0, false, 0, 15, 3, 18, 0, 18},
		// 0.125 € VAT rounds half away from zero to 0.13
		{"half away from zero", []CalcLine{{125, 10}, {500, 20}}, 0, false, 0, 625, 113, 738, 0, 738},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got := ComputeTotals(s.lines, s.deduction, s.reverse, s.retention)
			if got.ExclCents != s.excl || got.VATCents != s.vat || got.InclCents != s.incl || got.RetentionCents != s.ret || got.NetToPayCents != s.net {
				t.Errorf("got excl %d vat %d incl %d retention %d net %d, want %d %d %d %d %d",
					got.ExclCents, got.VATCents, got.InclCents, got.RetentionCents, got.NetToPayCents, s.excl, s.vat, s.incl, s.ret, s.net)
			}
			var ded int64
			for _, r := range got.ByRate {
				ded += r.DeductionCents
				if s.reverse && (r.Rate != 0 || r.VATCents != 0) {
					t.Errorf("reverse charge rate %v vat %d", r.Rate, r.VATCents)
				}
			}
			if ded != s.deduction {
				t.Errorf("deduction shares add up to %d, want %d", ded, s.deduction)
			}
		})
	}
}

func TestProgressNetAddsUpToTheLineAmount(t *testing.T) {
	amount := ContractLineAmount(12.5, 9999) // 124987.5 → 124988
	if amount != 124988 {
		t.Fatalf("line amount = %d, want 124988", amount)
	}
	var billed int64
	for _, pct := range []float64{33.33, 66.67, 87.5, 100} {
		_, net := ProgressNet(amount, pct, billed)
		billed += net
	}
	if billed != amount {
		t.Errorf("situations add up to %d, want %d", billed, amount)
	}
	if c, n := ProgressNet(399999, 33.33, 0); c != 133320 || n != 133320 {
		t.Errorf("33.33 %% of 3999.99 = %d/%d, want 133320", c, n)
	}
}

func TestParseDecimalAndContractRows(t *testing.T) {
	for in, want := range map[string]float64{"1 234,56": 1234.56, "1234.56": 1234.56, "5,5": 5.5, "1.234,5": 1234.5, "20 %": 20, "12 €": 12} {
		if got, ok := parseDecimal(in); !ok || got != want {
			t.Errorf("parseDecimal(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	if _, ok := parseDecimal("abc"); ok {
		t.Error("abc parsed")
	}
	rows := [][]string{
		{"Lot", "Réf", "Désignation", "Unité", "Quantité", "Prix unitaire", "TVA"},
		{"01", "1.1", "Terrassement", "m3", "120", "45,50", "20"},
		{"", "", "", "", "", "", ""},
		{"02", "2.1", "Isolation", "m2", "80,5", "32", "5,5"},
	}
	got, err := ContractRows(rows)
	if err != nil || len(got) != 2 || got[1].Quantity != 80.5 || got[0].UnitPriceCents != 4550 || got[1].VATRate != 5.5 {
		t.Fatalf("rows = %+v, %v", got, err)
	}
	bad := [][]string{rows[0], rows[1], {"01", "1.2", "", "u", "1", "10", "20"}, {"01", "1.3", "Béton", "m3", "dix", "10", "20"}, {"01", "1.4", "Acier", "kg", "1", "10", "7"}}
	_, err = ContractRows(bad)
	ie, ok := err.(*ImportError)
	if !ok || len(ie.Problems) != 3 || ie.Problems[0].Row != 3 || ie.Problems[1].Row != 4 || ie.Problems[2].Row != 5 {
		t.Fatalf("bad rows: %#v", err)
	}
	if ie.Problems[2].Text.Key != "err.contract.bad_vat_rate" || ErrorCode(err) != EInvalid {
		t.Errorf("problem = %v, code %s", ie.Problems[2].Text, ErrorCode(err))
	}
	if _, err := ContractRows([][]string{{"Lot", "Désignation"}, {"1", "x"}}); ErrorText(err).Key != "err.contract.import_missing_column" {
		t.Errorf("missing columns: %v", err)
	}
	csv, err := ParseContractCSV([]byte("\xef\xbb\xbfLot;Désignation;Unité;Quantité;PU;TVA\n01;Enduit;m2;10;12,30;10\n"))
	if err != nil || len(csv) != 2 || csv[1][4] != "12,30" {
		t.Errorf("csv = %v, %v", csv, err)
	}
}
