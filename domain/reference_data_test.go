package domain

import "testing"

func TestSectorLabelAndValidSector(t *testing.T) {
	tests := []struct {
		code      string
		wantLabel string
		wantValid bool
	}{
		{SectorBTP, "Bâtiment", true},
		{SectorElec, "Électricité", true},
		{SectorTP, "Travaux publics", true},
		{"", "", false},
		{"xx", "", false},
		{"BTP", "", false},
	}
	for _, tt := range tests {
		if got := SectorLabel(tt.code); got != tt.wantLabel {
			t.Errorf("SectorLabel(%q) = %q, want %q", tt.code, got, tt.wantLabel)
		}
		if got := ValidSector(tt.code); got != tt.wantValid {
			t.Errorf("ValidSector(%q) = %v, want %v", tt.code, got, tt.wantValid)
		}
	}
}

func TestSectorsList(t *testing.T) {
	want := []string{"btp", "elec", "tp"}
	if len(Sectors) != len(want) {
		t.Fatalf("len(Sectors) = %d, want %d", len(Sectors), len(want))
	}
	for i, s := range want {
		if Sectors[i] != s {
			t.Errorf("Sectors[%d] = %q, want %q", i, Sectors[i], s)
		}
		if !ValidSector(Sectors[i]) {
			t.Errorf("ValidSector(%q) = false, want true", Sectors[i])
		}
	}
}

func TestReferenceForUnknownSector(t *testing.T) {
	for _, code := range []string{"xx", "", "BTP", "elec "} {
		ref, ok := ReferenceFor(code)
		if ok {
			t.Errorf("ReferenceFor(%q) ok = true, want false", code)
		}
		if ref.Sector != "" || len(ref.WorkTypes) != 0 {
			t.Errorf("ReferenceFor(%q) = non-empty reference, want zero value", code)
		}
	}
}

func TestReferenceForCounts(t *testing.T) {
	for _, sector := range Sectors {
		t.Run(sector, func(t *testing.T) {
			ref, ok := ReferenceFor(sector)
			if !ok {
				t.Fatalf("ReferenceFor(%q) ok = false, want true", sector)
			}
			if ref.Sector != sector {
				t.Errorf("Sector = %q, want %q", ref.Sector, sector)
			}
			if got := len(ref.WorkTypes); got < 8 {
				t.Errorf("len(WorkTypes) = %d, want >= 8", got)
			}
			if got := len(ref.Skills); got < 8 || got > 14 {
				t.Errorf("len(Skills) = %d, want 8..14", got)
			}
			if got := len(ref.Checklists); got < 4 || got > 8 {
				t.Errorf("len(Checklists) = %d, want 4..8", got)
			}
			if got := len(ref.ClearanceKinds); got == 0 {
				t.Errorf("len(ClearanceKinds) = 0, want > 0")
			}
			for _, c := range ref.Checklists {
				if got := len(c.Items); got < 4 || got > 10 {
					t.Errorf("checklist %q: len(Items) = %d, want 4..10", c.Code, got)
				}
			}
		})
	}
}

func TestReferenceForUniqueCodes(t *testing.T) {
	for _, sector := range Sectors {
		t.Run(sector, func(t *testing.T) {
			ref, _ := ReferenceFor(sector)
			lists := []struct {
				name  string
				codes []string
			}{
				{"Skills", refTestSkillCodes(ref)},
				{"ClearanceKinds", refTestClearanceCodes(ref)},
				{"Checklists", refTestChecklistCodes(ref)},
				{"WorkTypes", refTestWorkTypeCodes(ref)},
			}
			for _, l := range lists {
				seen := map[string]bool{}
				for _, c := range l.codes {
					if c == "" {
						t.Errorf("%s: empty code", l.name)
					}
					if seen[c] {
						t.Errorf("%s: duplicate code %q", l.name, c)
					}
					seen[c] = true
				}
			}
		})
	}
}

func TestReferenceForCrossReferences(t *testing.T) {
	for _, sector := range Sectors {
		t.Run(sector, func(t *testing.T) {
			ref, _ := ReferenceFor(sector)
			skills := refTestSet(refTestSkillCodes(ref))
			clearances := refTestSet(refTestClearanceCodes(ref))
			checklists := refTestSet(refTestChecklistCodes(ref))
			for _, wt := range ref.WorkTypes {
				if wt.Name == "" {
					t.Errorf("work type %q: empty Name", wt.Code)
				}
				if wt.DefaultDays <= 0 {
					t.Errorf("work type %q: DefaultDays = %v, want > 0", wt.Code, wt.DefaultDays)
				}
				if len(wt.Skills) == 0 {
					t.Errorf("work type %q: no skills, want at least one", wt.Code)
				}
				for _, s := range wt.Skills {
					if !skills[s] {
						t.Errorf("work type %q: skill %q not defined in sector", wt.Code, s)
					}
				}
				for _, c := range wt.Clearances {
					if !clearances[c] {
						t.Errorf("work type %q: clearance %q not defined in sector", wt.Code, c)
					}
				}
				if wt.Checklist != "" && !checklists[wt.Checklist] {
					t.Errorf("work type %q: checklist %q not defined in sector", wt.Code, wt.Checklist)
				}
			}
		})
	}
}

func TestReferenceForSectorRequirements(t *testing.T) {
	tests := []struct {
		sector         string
		wantClearances []string
		wantExcavation []string // work type codes that must dig
	}{
		{
			sector:         SectorBTP,
			wantClearances: []string{"SST", "TRAVAIL-HAUTEUR", "AIPR-O"},
			wantExcavation: []string{"terrassement", "fondations"},
		},
		{
			sector: SectorElec,
			wantClearances: []string{
				"B0", "B1", "B1V", "B2", "B2V", "BR", "BC",
				"H0", "H0V", "H1V", "H2V", "HC", "SST", "TRAVAIL-HAUTEUR",
			},
			wantExcavation: []string{"eclairage_public_neuf"},
		},
		{
			sector: SectorTP,
			wantClearances: []string{
				"AIPR-O", "AIPR-E", "AIPR-C", "CACES-R482-A", "CACES-R482-B1", "SST",
			},
			wantExcavation: []string{
				"terrassement", "tranchee_reseaux_secs", "canalisation_aep",
				"assainissement", "genie_civil_fibre", "forage_dirige",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.sector, func(t *testing.T) {
			ref, _ := ReferenceFor(tt.sector)
			clearances := refTestSet(refTestClearanceCodes(ref))
			for _, c := range tt.wantClearances {
				if !clearances[c] {
					t.Errorf("clearance %q missing, want present", c)
				}
			}
			byCode := map[string]WorkTypeSeed{}
			for _, wt := range ref.WorkTypes {
				byCode[wt.Code] = wt
			}
			for _, code := range tt.wantExcavation {
				wt, found := byCode[code]
				if !found {
					t.Errorf("work type %q missing, want present", code)
					continue
				}
				if !wt.Excavation {
					t.Errorf("work type %q: Excavation = false, want true", code)
				}
			}
		})
	}
}

func TestReferenceForClearanceKinds(t *testing.T) {
	families := map[string]bool{
		"habilitation_electrique": true,
		"aipr":                    true,
		"caces":                   true,
		"securite":                true,
		"autre":                   true,
	}
	for _, sector := range Sectors {
		t.Run(sector, func(t *testing.T) {
			ref, _ := ReferenceFor(sector)
			for _, c := range ref.ClearanceKinds {
				if !families[c.Family] {
					t.Errorf("clearance %q: Family = %q, want one of the allowed families", c.Code, c.Family)
				}
				if c.Name == "" {
					t.Errorf("clearance %q: empty Name", c.Code)
				}
				if c.ValidityMonths <= 0 {
					t.Errorf("clearance %q: ValidityMonths = %d, want > 0", c.Code, c.ValidityMonths)
				}
			}
		})
	}
}

func TestReferenceForChecklistItems(t *testing.T) {
	kinds := map[string]bool{"check": true, "photo": true, "measure": true, "signature": true, "text": true}
	for _, sector := range Sectors {
		t.Run(sector, func(t *testing.T) {
			ref, _ := ReferenceFor(sector)
			for _, c := range ref.Checklists {
				if c.Name == "" {
					t.Errorf("checklist %q: empty Name", c.Code)
				}
				for i, it := range c.Items {
					if it.Label == "" {
						t.Errorf("checklist %q item %d: empty Label", c.Code, i)
					}
					if !kinds[it.Kind] {
						t.Errorf("checklist %q item %q: Kind = %q, want one of check/photo/measure/signature/text", c.Code, it.Label, it.Kind)
					}
					if it.Kind == "measure" {
						if it.Unit == "" {
							t.Errorf("checklist %q item %q: measure without Unit", c.Code, it.Label)
						}
						if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
							t.Errorf("checklist %q item %q: Min = %v > Max = %v", c.Code, it.Label, *it.Min, *it.Max)
						}
					} else if it.Unit != "" || it.Min != nil || it.Max != nil {
						t.Errorf("checklist %q item %q: Kind = %q has Unit/Min/Max, want none", c.Code, it.Label, it.Kind)
					}
				}
			}
		})
	}
}

func TestReferenceForReturnsIndependentCopies(t *testing.T) {
	for _, sector := range Sectors {
		t.Run(sector, func(t *testing.T) {
			first, _ := ReferenceFor(sector)
			want, _ := ReferenceFor(sector)

			// Mutate every level of the first result.
			first.Skills[0].Name = "modifié"
			first.ClearanceKinds[0].ValidityMonths = -1
			first.Checklists[0].Name = "modifié"
			first.Checklists[0].Items[0].Label = "modifié"
			for i := range first.Checklists {
				for j := range first.Checklists[i].Items {
					if m := first.Checklists[i].Items[j].Min; m != nil {
						*m = -999
					}
					if m := first.Checklists[i].Items[j].Max; m != nil {
						*m = -999
					}
				}
			}
			first.WorkTypes[0].Name = "modifié"
			first.WorkTypes[0].Skills[0] = "modifié"
			if len(first.WorkTypes[0].Clearances) > 0 {
				first.WorkTypes[0].Clearances[0] = "modifié"
			}
			first.WorkTypes = append(first.WorkTypes[:0], WorkTypeSeed{Code: "x"})

			got, _ := ReferenceFor(sector)
			if got.Skills[0].Name != want.Skills[0].Name {
				t.Errorf("Skills[0].Name = %q, want %q", got.Skills[0].Name, want.Skills[0].Name)
			}
			if got.ClearanceKinds[0].ValidityMonths != want.ClearanceKinds[0].ValidityMonths {
				t.Errorf("ClearanceKinds[0].ValidityMonths = %d, want %d", got.ClearanceKinds[0].ValidityMonths, want.ClearanceKinds[0].ValidityMonths)
			}
			if got.Checklists[0].Name != want.Checklists[0].Name {
				t.Errorf("Checklists[0].Name = %q, want %q", got.Checklists[0].Name, want.Checklists[0].Name)
			}
			if got.Checklists[0].Items[0].Label != want.Checklists[0].Items[0].Label {
				t.Errorf("Checklists[0].Items[0].Label = %q, want %q", got.Checklists[0].Items[0].Label, want.Checklists[0].Items[0].Label)
			}
			for i := range got.Checklists {
				for j, it := range got.Checklists[i].Items {
					w := want.Checklists[i].Items[j]
					if it.Min != nil && *it.Min != *w.Min {
						t.Errorf("Checklists[%d].Items[%d].Min = %v, want %v", i, j, *it.Min, *w.Min)
					}
					if it.Max != nil && *it.Max != *w.Max {
						t.Errorf("Checklists[%d].Items[%d].Max = %v, want %v", i, j, *it.Max, *w.Max)
					}
				}
			}
			if len(got.WorkTypes) != len(want.WorkTypes) {
				t.Fatalf("len(WorkTypes) = %d, want %d", len(got.WorkTypes), len(want.WorkTypes))
			}
			if got.WorkTypes[0].Name != want.WorkTypes[0].Name {
				t.Errorf("WorkTypes[0].Name = %q, want %q", got.WorkTypes[0].Name, want.WorkTypes[0].Name)
			}
			if got.WorkTypes[0].Skills[0] != want.WorkTypes[0].Skills[0] {
				t.Errorf("WorkTypes[0].Skills[0] = %q, want %q", got.WorkTypes[0].Skills[0], want.WorkTypes[0].Skills[0])
			}
			if len(got.WorkTypes[0].Clearances) > 0 && got.WorkTypes[0].Clearances[0] != want.WorkTypes[0].Clearances[0] {
				t.Errorf("WorkTypes[0].Clearances[0] = %q, want %q", got.WorkTypes[0].Clearances[0], want.WorkTypes[0].Clearances[0])
			}
		})
	}
}

func refTestSkillCodes(ref Reference) []string {
	out := make([]string, 0, len(ref.Skills))
	for _, s := range ref.Skills {
		out = append(out, s.Code)
	}
	return out
}

func refTestClearanceCodes(ref Reference) []string {
	out := make([]string, 0, len(ref.ClearanceKinds))
	for _, c := range ref.ClearanceKinds {
		out = append(out, c.Code)
	}
	return out
}

func refTestChecklistCodes(ref Reference) []string {
	out := make([]string, 0, len(ref.Checklists))
	for _, c := range ref.Checklists {
		out = append(out, c.Code)
	}
	return out
}

func refTestWorkTypeCodes(ref Reference) []string {
	out := make([]string, 0, len(ref.WorkTypes))
	for _, wt := range ref.WorkTypes {
		out = append(out, wt.Code)
	}
	return out
}

func refTestSet(codes []string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}
