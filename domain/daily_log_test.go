package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

func temp(v float64) *float64 { return &v }

// TestSaveDailyLog: the site's lead writes the day's log, once per site
// and day (a second save replaces the entry), audited; the daily report
// prints it with its author.
func TestSaveDailyLog(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	app := w.tt.App()
	now := nov(18, 18, 0)
	lead, _ := app.FindRecordById("users", w.lead)
	if _, err := app.DB().NewQuery("UPDATE users SET name = 'Léa Durand' WHERE id = {:id}").Bind(dbx.Params{"id": w.lead}).Execute(); err != nil {
		t.Fatal(err)
	}
	lead, _ = app.FindRecordById("users", w.lead)
	first, err := domain.SaveDailyLog(app, lead, w.site, domain.DailyLogInput{Day: nov(18, 0, 0), Weather: "cloudy", Notes: "  Livraison béton  "}, now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Notes() != "Livraison béton" || first.TemperatureSet() || first.AuthorID() != w.lead {
		t.Errorf("first save: notes %q temperature set %v author %q", first.Notes(), first.TemperatureSet(), first.AuthorID())
	}
	// the same day again: the entry is replaced, not doubled; 0 °C is a
	// temperature
	again, err := domain.SaveDailyLog(app, lead, w.site, domain.DailyLogInput{Day: nov(18, 23, 0), Weather: "rain", Temperature: temp(0), Notes: "Pluie l'après-midi"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if again.Id != first.Id || again.Weather() != "rain" || !again.TemperatureSet() || again.Temperature() != 0 {
		t.Errorf("second save: id %s (first %s) weather %q temperature %v/%v", again.Id, first.Id, again.Weather(), again.TemperatureSet(), again.Temperature())
	}
	if n, _ := app.CountRecords(domain.CollectionDailyLogs); n != 1 {
		t.Errorf("%d logs, want one per site and day", n)
	}
	if n, _ := app.CountRecords("audit_events", dbx.HashExp{"collection": domain.CollectionDailyLogs, "record": first.Id, "actor": w.lead}); n != 2 {
		t.Errorf("%d audit events, want a create and an update by the lead", n)
	}
	// a second record of the day is refused by the unique index, whatever
	// the path
	col, _ := app.FindCollectionByNameOrId(domain.CollectionDailyLogs)
	dup := core.NewRecord(col)
	dup.Load(map[string]any{"site": w.site, "day": time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC), "weather": "sunny"})
	if err := app.Save(dup); err == nil {
		t.Error("a second log of the same site and day was saved")
	}
	// another day, by a manager
	boss := w.tt.User(domain.RoleManager, "boss@acme.test")
	if _, err := domain.SaveDailyLog(app, boss.Record, w.site, domain.DailyLogInput{Day: nov(17, 0, 0), Temperature: temp(-3.25)}, now); err != nil {
		t.Fatal(err)
	}
	logs, err := domain.SiteDailyLogs(app, w.site, nov(1, 0, 0), nov(19, 0, 0))
	if err != nil || len(logs) != 2 || !logs[0].Day().Equal(time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)) || logs[1].Temperature() != -3.3 {
		t.Errorf("site logs %v %v, want the 18th then the 17th at −3.3 °C", err, logs)
	}

	d, err := domain.DailyReportData(app, w.site, nov(18, 12, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := d.Log; l == nil || l.Weather != "rain" || !l.HasTemperature || l.Temperature != 0 || l.Notes != "Pluie l'après-midi" || l.Author != "Léa Durand" {
		t.Errorf("report's log %+v", d.Log)
	}
	if d, _ := domain.DailyReportData(app, w.site, nov(16, 12, 0), nil); d.Log != nil {
		t.Errorf("a day without a log has %+v", d.Log)
	}
}

// TestSaveDailyLogRefusals: crews, a lead of another site and a project
// manager of none may not write the log; bad input is refused before
// anything is written.
func TestSaveDailyLogRefusals(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	app := w.tt.App()
	now := nov(18, 18, 0)
	lead, _ := app.FindRecordById("users", w.lead)
	crew, _ := app.FindRecordById("users", w.crew1)
	otherLead := w.tt.User(domain.RoleSiteLead, "other-lead@acme.test").Record
	pm := w.tt.User(domain.RoleProjectManager, "pm@acme.test").Record
	ok := domain.DailyLogInput{Day: nov(18, 0, 0), Weather: "sunny"}
	// a crew member named site lead of the site is still refused
	setLeads := func(lead, pm string) {
		t.Helper()
		if _, err := app.DB().NewQuery("UPDATE sites SET site_lead = {:u}, project_manager = {:p} WHERE id = {:s}").
			Bind(dbx.Params{"u": lead, "p": pm, "s": w.site}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	setLeads(w.crew2, "")
	crewLead, _ := app.FindRecordById("users", w.crew2)
	if _, err := domain.SaveDailyLog(app, crewLead, w.site, ok, now); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("crew member as the site's lead: %v, want forbidden", err)
	}
	setLeads(w.lead, "")
	long := strings.Repeat("é", domain.DailyLogMaxNotes+1)
	for _, c := range []struct {
		name string
		u    *core.Record
		site string
		in   domain.DailyLogInput
		code string
	}{
		{"crew member", crew, w.site, ok, domain.EForbidden},
		{"lead of another site", otherLead, w.site, ok, domain.EForbidden},
		{"project manager of another site", pm, w.site, ok, domain.EForbidden},
		{"nobody", nil, w.site, ok, domain.EForbidden},
		{"unknown site", lead, "nosuchsite0000", ok, domain.ENotFound},
		{"no day", lead, w.site, domain.DailyLogInput{Weather: "sunny"}, domain.EInvalid},
		{"tomorrow", lead, w.site, domain.DailyLogInput{Day: nov(19, 0, 0), Weather: "sunny"}, domain.EInvalid},
		{"unknown weather", lead, w.site, domain.DailyLogInput{Day: nov(18, 0, 0), Weather: "hail"}, domain.EInvalid},
		{"too cold", lead, w.site, domain.DailyLogInput{Day: nov(18, 0, 0), Temperature: temp(-51)}, domain.EInvalid},
		{"too hot", lead, w.site, domain.DailyLogInput{Day: nov(18, 0, 0), Temperature: temp(61)}, domain.EInvalid},
		{"notes too long", lead, w.site, domain.DailyLogInput{Day: nov(18, 0, 0), Notes: long}, domain.EInvalid},
		{"empty", lead, w.site, domain.DailyLogInput{Day: nov(18, 0, 0), Notes: "   "}, domain.EInvalid},
	} {
		if _, err := domain.SaveDailyLog(app, c.u, c.site, c.in, now); domain.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	if n, _ := app.CountRecords(domain.CollectionDailyLogs); n != 0 {
		t.Errorf("%d logs written by refused saves", n)
	}
	// the site's own project manager may
	setLeads(w.lead, pm.Id)
	if _, err := domain.SaveDailyLog(app, pm, w.site, ok, now); err != nil {
		t.Errorf("the site's project manager: %v", err)
	}
}
