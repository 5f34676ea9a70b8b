package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// seedDemoDispatch gives the demo's dispatch board something to do: a
// crew (Karim Haddad's) and a few tasks of the planning week (this one,
// the next one on a weekend) on the active sites, one assigned and the
// others waiting to be dispatched (one of them an excavation, whose
// clearances not everyone holds, one a charging point for the
// electrician), and the public works jobs of the water main on hold.
func seedDemoDispatch(tx core.App, users map[string]*core.Record, siteIDs []string, now time.Time) error {
	f := TenantFactsOf(tx)
	cal, loc := f.Calendar(), f.Location()
	y, m, d := now.In(loc).Date()
	monday := PlanningWeekMonday(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
	day := func(n int) string { return dateOnly(cal.AddWorkingDays(monday, n)) }
	crew, err := insert(tx, CollectionCrews, map[string]any{"name": "Équipe Haddad", "lead": users["Karim Haddad"].Id,
		"members": []string{users["Lucas Petit"].Id, users["Mehdi Benali"].Id}, "active": true})
	if err != nil {
		return err
	}
	excavation := demoWorkType(tx, SectorBTP, "terrassement")
	concrete := demoWorkType(tx, SectorBTP, "coffrage_ferraillage")
	charger := demoWorkType(tx, SectorElec, "irve_ac")
	tasks := []map[string]any{
		// the crew's job of the week, with its checklist (the crew app's demo)
		{"site": siteIDs[0], "title": "Voile béton du garage", "planned_start": day(0), "duration_days": 2, "work_type": concrete,
			"crew": crew, "assignees": []string{users["Karim Haddad"].Id, users["Lucas Petit"].Id, users["Mehdi Benali"].Id}},
		{"site": siteIDs[0], "title": "Pose des menuiseries extérieures", "planned_start": day(0), "duration_days": 2, "assignees": []string{users["Sébastien Moreau"].Id}},
		{"site": siteIDs[0], "title": "Tranchée pour réseaux secs", "planned_start": day(1), "duration_days": 1, "work_type": excavation},
		{"site": siteIDs[1], "title": "Dépose des faux plafonds", "planned_start": day(1), "duration_days": 2},
		{"site": siteIDs[3], "title": "Pose des bornes 3 et 4", "planned_start": day(2), "duration_days": 1, "work_type": charger},
		{"site": siteIDs[1], "title": "Ragréage salle 2", "planned_start": day(3), "duration_days": 1},
	}
	// the water main on hold: its jobs wait for the resumption
	for i, t := range []struct{ title, code string }{
		{"Tranchée et pose de la conduite AEP", "canalisation_aep"},
		{"Branchements particuliers", "branchement"},
		{"Réfection de chaussée en enrobés", "enrobes"},
	} {
		tasks = append(tasks, map[string]any{"site": siteIDs[4], "title": t.title, "planned_start": day(20 + 5*i), "duration_days": 4,
			"work_type": demoWorkType(tx, SectorTP, t.code)})
	}
	for _, t := range tasks {
		t["status"] = "planned"
		if _, err := insert(tx, CollectionTasks, t); err != nil {
			return err
		}
	}
	return nil
}
