package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Choice is one option of a task form's list: a record id and its label.
type Choice struct{ ID, Label string }

// TaskChoices are the options of the task form of a site, by form field:
// phase (the site's), work_type, crew, assignees (active people),
// vehicle and equipment.
type TaskChoices map[string][]Choice

// FindTaskChoices returns the options of the task form of a site.
func FindTaskChoices(app core.App, siteID string) (TaskChoices, error) {
	out := TaskChoices{}
	list := func(field, col, filter, sort string, label func(*core.Record) string) error {
		recs, err := app.FindRecordsByFilter(col, filter, sort, maxOptions, 0, map[string]any{"s": siteID})
		if err != nil {
			return err
		}
		for _, r := range recs {
			out[field] = append(out[field], Choice{ID: r.Id, Label: label(r)})
		}
		return nil
	}
	name := func(r *core.Record) string { return r.GetString("name") }
	for _, l := range []struct {
		field, col, filter, sort string
		label                    func(*core.Record) string
	}{
		{"phase", CollectionPhases, "site = {:s}", "position,name", name},
		{"work_type", CollectionWorkTypes, "", "name", name},
		{"crew", CollectionCrews, "", "name", name},
		{"assignees", CollectionUsers, "active = true", "name", name},
		{"vehicle", CollectionVehicles, "", "plate", func(r *core.Record) string { return r.GetString("plate") + " · " + r.GetString("label") }},
		{"equipment", CollectionEquipment, "", "name", func(r *core.Record) string { return r.GetString("code") + " · " + r.GetString("name") }},
	} {
		if err := list(l.field, l.col, l.filter, l.sort, l.label); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TaskNeedsUrgentWorks reports whether the excavation gate would refuse
// to start the task now (an excavation work type, no valid DT-DICT
// receipt on its site, no urgent-works declaration): the pages then offer
// the declaration.
func TaskNeedsUrgentWorks(app core.App, t Task, now time.Time) bool {
	probe := t.Clone()
	probe.Set("status", TaskInProgress)
	return CheckExcavationGate(app, probe, now) != nil
}
