package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// DemoSectors are the sectors the demo company works in: building (its
// primary sector, from the template), electrical and public works (their
// packs added as a tenant admin would from the settings).
var DemoSectors = []string{SectorBTP, SectorElec, SectorTP}

// seedDemoSectors enables the demo's other sectors and gives the
// electrician and the pipe layer the skills and clearances of their
// trade (the building people keep theirs).
func seedDemoSectors(tx core.App, users map[string]*core.Record, now time.Time) error {
	for _, s := range DemoSectors {
		if _, err := EnableSector(tx, nil, s); err != nil {
			return err
		}
	}
	trades := []struct {
		name       string
		skills     []string
		clearances []string
	}{
		{"David Lambert", []string{"irve", "raccordement", "tableaux", "mise_en_service"}, []string{"B2V", "BR", "IRVE-P2"}},
		{"Paulo Ferreira", []string{"reseaux_humides", "soudure_pehd"}, []string{"AIPR-O", "CACES-R482-B1"}},
	}
	for _, tr := range trades {
		u := users[tr.name]
		for _, code := range tr.skills {
			sk, err := tx.FindFirstRecordByData(CollectionSkills, "code", code)
			if err != nil {
				return err
			}
			if err := SetSkill(tx, nil, u.Id, sk.Id); err != nil {
				return err
			}
		}
		for _, code := range tr.clearances {
			if _, err := AddClearance(tx, nil, u.Id, ClearanceInput{Kind: code, ObtainedOn: now.AddDate(0, -8, 0), Issuer: "APAVE"}); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoWorkType returns the id of the work type of sector and code ("" if
// the tenant has none).
func demoWorkType(tx core.App, sector, code string) string {
	r, err := tx.FindFirstRecordByFilter(CollectionWorkTypes, "sector = {:s} && code = {:c}", map[string]any{"s": sector, "c": code})
	if err != nil {
		return ""
	}
	return r.Id
}
