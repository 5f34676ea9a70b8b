package domain

import (
	"math"
	"testing"
	"time"
)

func paris(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a local time of Paris ("2026-03-02 08:00").
func at(t testing.TB, s string) time.Time {
	v, err := time.ParseInLocation("2006-01-02 15:04", s, paris(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestOvertimeRulesNormalized(t *testing.T) {
	for _, c := range []struct {
		name string
		in   OvertimeRules
		want OvertimeRules
	}{
		{"empty: French defaults", OvertimeRules{}, OvertimeRules{35, 43, 25, 50}},
		{"39 h company", OvertimeRules{WeeklyHours: 39}, OvertimeRules{39, 43, 25, 50}},
		{"threshold above 43 h", OvertimeRules{WeeklyHours: 45}, OvertimeRules{45, 45, 25, 50}},
		{"tier end below threshold", OvertimeRules{WeeklyHours: 39, Tier1Hours: 37, Tier1Pct: 10, Tier2Pct: 20}, OvertimeRules{39, 39, 10, 20}},
	} {
		if got := c.in.Normalized(); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if got := (OvertimeRules{}).DailyHours(); got != 7 {
		t.Errorf("daily hours = %v, want 7", got)
	}
}

// TestLabourCostOvertime: hand-computed weeks of one person at 20 €/h.
func TestLabourCostOvertime(t *testing.T) {
	loc := paris(t)
	span := func(id, site, from, to string) WorkSpan {
		return WorkSpan{ID: id, UserID: "u1", SiteID: site, In: at(t, from), Out: at(t, to)}
	}
	// Monday 2 to Friday 6 March 2026: 10 h a day, then 8 h on Friday = 48 h.
	week := []WorkSpan{
		span("e1", "A", "2026-03-02 08:00", "2026-03-02 18:00"),
		span("e2", "A", "2026-03-03 08:00", "2026-03-03 18:00"),
		span("e3", "A", "2026-03-04 08:00", "2026-03-04 18:00"),
		span("e4", "B", "2026-03-05 08:00", "2026-03-05 18:00"),
		span("e5", "A", "2026-03-06 08:00", "2026-03-06 16:00"),
	}
	type want struct{ hours, tier1, tier2, cost float64 }
	cases := []struct {
		name  string
		spans []WorkSpan
		rules OvertimeRules
		want  map[string]want
	}{
		{
			name: "French defaults: 35 h, +25 % to 43 h, +50 % beyond", spans: week, rules: OvertimeRules{},
			want: map[string]want{
				"e1": {10, 0, 0, 200}, "e2": {10, 0, 0, 200}, "e3": {10, 0, 0, 200},
				// 30 → 40 h: 5 h normal (100 €) + 5 h at +25 % (125 €)
				"e4": {10, 5, 0, 225},
				// 40 → 48 h: 3 h at +25 % (75 €) + 5 h at +50 % (150 €)
				"e5": {8, 3, 5, 225},
			},
		},
		{
			name: "39 h company, +10 % to 43 h, +25 % beyond", spans: week, rules: OvertimeRules{WeeklyHours: 39, Tier1Pct: 10, Tier2Pct: 25},
			want: map[string]want{
				"e4": {10, 1, 0, 9*20 + 1*22}, // 30 → 40 h
				"e5": {8, 3, 5, 3*22 + 5*25},  // 40 → 48 h
				"e1": {10, 0, 0, 200},
			},
		},
		{
			name: "clock-in order, not input order; a new week starts on Monday (Paris)", rules: OvertimeRules{},
			spans: []WorkSpan{
				// Monday 00:30 in Paris is Sunday 23:30 UTC: next week, normal time
				span("n1", "A", "2026-03-09 00:30", "2026-03-09 04:30"),
				span("s2", "A", "2026-03-08 08:00", "2026-03-08 18:00"), // Sunday: 40 → 50 h
				span("s1", "A", "2026-03-07 06:00", "2026-03-08 00:00"), // Saturday 18 h: 22 → 40 h
				span("w1", "A", "2026-03-02 08:00", "2026-03-02 18:00"),
				span("w2", "A", "2026-03-03 08:00", "2026-03-03 20:00"), // 10 → 22 h
			},
			want: map[string]want{
				"w1": {10, 0, 0, 200}, "w2": {12, 0, 0, 240},
				"s1": {18, 5, 0, 13*20 + 5*25},
				"s2": {10, 3, 7, 3*25 + 7*30},
				"n1": {4, 0, 0, 80},
			},
		},
		{
			name: "an unclosed span costs nothing", rules: OvertimeRules{},
			spans: []WorkSpan{{ID: "o1", UserID: "u1", SiteID: "A", In: at(t, "2026-03-02 08:00")}},
			want:  map[string]want{"o1": {0, 0, 0, 0}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines := LabourCost(c.spans, map[string]float64{"u1": 20}, c.rules, loc)
			if len(lines) != len(c.spans) {
				t.Fatalf("%d lines for %d spans", len(lines), len(c.spans))
			}
			for i := 1; i < len(lines); i++ {
				if lines[i].In.Before(lines[i-1].In) {
					t.Errorf("lines not in clock-in order at %d", i)
				}
			}
			for _, l := range lines {
				w, ok := c.want[l.ID]
				if !ok {
					continue
				}
				if !near(l.Hours, w.hours) || !near(l.Tier1, w.tier1) || !near(l.Tier2, w.tier2) || !near(l.Cost, w.cost) {
					t.Errorf("%s: hours %v tier1 %v tier2 %v cost %v, want %+v", l.ID, l.Hours, l.Tier1, l.Tier2, l.Cost, w)
				}
			}
		})
	}
	// the week's total: 35 × 20 + 8 × 25 + 5 × 30
	total := 0.0
	for _, l := range LabourCost(week, map[string]float64{"u1": 20}, OvertimeRules{}, loc) {
		total += l.Cost
	}
	if !near(total, 1050) {
		t.Errorf("week total = %v, want 1050", total)
	}
}

func TestBookedDays(t *testing.T) {
	loc := paris(t)
	for _, c := range []struct {
		name     string
		from, to string
		want     []string
	}{
		{"one working day", "2026-03-02 08:00", "2026-03-02 17:00", []string{"2026-03-02"}},
		{"afternoon to next morning", "2026-03-02 14:00", "2026-03-03 10:00", []string{"2026-03-02", "2026-03-03"}},
		{"midnight to midnight: two days", "2026-03-02 00:00", "2026-03-04 00:00", []string{"2026-03-02", "2026-03-03"}},
		{"over the weekend", "2026-03-06 08:00", "2026-03-09 17:00", []string{"2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09"}},
		{"empty", "2026-03-02 08:00", "2026-03-02 08:00", nil},
	} {
		var got []string
		for _, d := range BookedDays(at(t, c.from), at(t, c.to), loc) {
			got = append(got, d.Format(time.DateOnly))
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	}
}

func TestRollupDays(t *testing.T) {
	loc := paris(t)
	labour := LabourCost([]WorkSpan{
		{ID: "e1", UserID: "u1", SiteID: "A", PhaseID: "p1", In: at(t, "2026-03-02 08:00"), Out: at(t, "2026-03-02 16:00")},
		{ID: "e2", UserID: "u2", SiteID: "A", PhaseID: "p1", In: at(t, "2026-03-02 09:00"), Out: at(t, "2026-03-02 12:30")},
	}, map[string]float64{"u1": 30, "u2": 40}, OvertimeRules{}, loc)
	cons := []Consumption{{SiteID: "A", PhaseID: "p1", At: at(t, "2026-03-02 10:00"), Qty: 2.5, UnitCost: 12}}
	book := []AssetBooking{
		{SiteID: "A", AssetKind: AssetVehicle, From: at(t, "2026-03-02 07:00"), To: at(t, "2026-03-03 19:00"), DailyRate: 80},
		{SiteID: "A", AssetKind: AssetEquipment, From: at(t, "2026-03-02 07:00"), To: at(t, "2026-03-02 19:00"), DailyRate: 45},
	}
	inc := []IncidentImpact{{SiteID: "B", At: at(t, "2026-03-03 00:30"), ImpactEUR: 1500}}
	rows := RollupDays(labour, cons, book, inc, loc)
	want := []KPIDay{
		{SiteID: "A", PhaseID: "", Day: "2026-03-02", VehicleCost: 80, EquipmentCost: 45},
		// 8 h × 30 + 3.5 h × 40 = 380; 2.5 × 12 = 30
		{SiteID: "A", PhaseID: "p1", Day: "2026-03-02", Hours: 11.5, LabourCost: 380, MaterialCost: 30},
		{SiteID: "A", PhaseID: "", Day: "2026-03-03", VehicleCost: 80},
		{SiteID: "B", PhaseID: "", Day: "2026-03-03", IncidentCost: 1500},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %+v", rows)
	}
	for i, w := range want {
		r := rows[i]
		r.date = time.Time{}
		if r != w {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
	}
	if c := rows[1].Cost(); c != 410 {
		t.Errorf("cost of A/p1 = %v, want 410", c)
	}
}
