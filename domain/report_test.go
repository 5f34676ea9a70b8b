package domain_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/imaging"
	"github.com/fieldops360/fieldops/tenanttest"
)

// reportWorld is a site with a day of work on Wednesday 18 November 2026
// (Europe/Paris), whose figures the tests below compute by hand.
type reportWorld struct {
	tt                        *tenanttest.Tenant
	site, lead, crew1, crew2  string
	done, doing, later, other string
}

var rptParis, _ = time.LoadLocation("Europe/Paris")

func nov(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, rptParis) }

func newReportWorld(t *testing.T) reportWorld {
	t.Helper()
	tt := tenanttest.New(t)
	w := reportWorld{tt: tt}
	w.lead = tt.User(domain.RoleSiteLead, "lead@acme.test").Id
	w.crew1 = tt.User(domain.RoleCrew, "alice@acme.test").Id
	w.crew2 = tt.User(domain.RoleCrew, "bruno@acme.test").Id
	tt.App().DB().NewQuery("UPDATE users SET name = 'Alice Martin' WHERE id = {:id}").Bind(dbx.Params{"id": w.crew1}).Execute()
	tt.App().DB().NewQuery("UPDATE users SET name = 'Bruno Petit' WHERE id = {:id}").Bind(dbx.Params{"id": w.crew2}).Execute()
	w.site = tt.Record("sites", map[string]any{"code": "CH-7", "name": "Groupe scolaire", "sector": "btp", "status": "active",
		"site_lead": w.lead, "team": []string{w.crew1, w.crew2}}).Id
	other := tt.Record("sites", map[string]any{"code": "CH-8", "name": "Autre", "sector": "btp", "status": "active"}).Id
	civil := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	task := func(title, status string, from, to int, dur, progress float64) string {
		return tt.Record("tasks", map[string]any{"site": w.site, "title": title, "status": status, "planned_start": civil(from),
			"planned_end": civil(to), "duration_days": dur, "progress": progress}).Id
	}
	w.done = task("Coffrage", domain.TaskDone, 16, 18, 3, 100)     // weight 3, 100 %
	w.doing = task("Ferraillage", "in_progress", 18, 20, 3, 40)    // weight 3, 40 %
	w.later = task("Coulage", domain.TaskPlanned, 23, 24, 2, 0)    // next week, weight 2, 0 %
	w.other = task("Réception", domain.TaskPlanned, 30, 30, 0, 10) // weight 1 (unset), 10 %
	entry := func(user, task, site string, h1, m1, h2, m2 int, status string) {
		f := map[string]any{"user": user, "site": site, "task": task, "clock_in": nov(18, h1, m1).UTC(), "status": status}
		if h2 >= 0 {
			f["clock_out"] = nov(18, h2, m2).UTC()
		}
		tt.Record("time_entries", f)
	}
	entry(w.crew1, w.done, w.site, 7, 30, 12, 0, domain.TimeApproved)                                          // 4.5 h
	entry(w.crew1, w.doing, w.site, 13, 0, 16, 45, domain.TimeSubmitted)                                       // 3.75 h
	entry(w.crew2, w.doing, w.site, 8, 0, 16, 0, domain.TimeApproved)                                          // 8 h
	entry(w.crew2, "", other, 16, 30, 18, 0, domain.TimeApproved)                                              // 1.5 h on the other site
	tt.Record("time_entries", map[string]any{"user": w.crew1, "site": w.site, "clock_in": nov(19, 8, 0).UTC(), // Thursday: 2 h
		"clock_out": nov(19, 10, 0).UTC(), "status": domain.TimeSubmitted})
	// the incident's 2 days push Ferraillage's end from Fri 20 to Tue 24
	// (5 working days); it is dated Wednesday 18 at 10:00
	inc := tt.Record("incidents", map[string]any{"site": w.site, "task": w.doing, "kind": "weather", "severity": "medium",
		"description": "<p>Pluie &amp; vent</p>", "impact_days": 2, "impact_eur": 1234.5})
	if _, err := tt.App().DB().NewQuery("UPDATE incidents SET created = {:at} WHERE id = {:id}").
		Bind(dbx.Params{"at": domain.DBTime(nov(18, 10, 0)), "id": inc.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	app := tt.App()
	mat, err := domain.SaveMaterial(app, nil, "", domain.MaterialInput{SKU: "CIM-35", Name: "Ciment", Unit: "sac", UnitCost: 9.5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.RecordStockMove(app, nil, domain.StockMoveInput{Material: mat.Id, Kind: domain.MoveReceipt, Qty: 10,
		Location: domain.SiteLocation(w.site), At: nov(18, 9, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.RecordStockMove(app, nil, domain.StockMoveInput{Material: mat.Id, Kind: domain.MoveConsumption, Qty: 4,
		Location: domain.SiteLocation(w.site), Site: w.site, At: nov(18, 14, 0)}); err != nil {
		t.Fatal(err)
	}
	return w
}

// photo adds a photo of the site taken at t.
func (w reportWorld) photo(t *testing.T, taken time.Time) {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for x := 0; x < 800; x += 4 {
		img.Set(x, x%600, color.RGBA{200, 30, 30, 255})
	}
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	f, err := filesystem.NewFileFromBytes(buf.Bytes(), "IMG.jpg")
	if err != nil {
		t.Fatal(err)
	}
	crew, _ := w.tt.App().FindRecordById("users", w.crew1)
	if _, err := domain.AddPhoto(w.tt.App(), crew, domain.PhotoInput{Subject: w.doing, File: f, TakenAt: taken, Caption: "Armatures"}); err != nil {
		t.Fatal(err)
	}
}

func TestDailyReportData(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	w.photo(t, nov(18, 10, 0))
	w.photo(t, nov(19, 10, 0)) // another day
	d, err := domain.DailyReportData(w.tt.App(), w.site, nov(18, 15, 0), imaging.ThumbnailJPEG)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Day.Equal(nov(18, 0, 0)) || d.Site.Code != "CH-7" || d.Log != nil {
		t.Errorf("head: day %v site %+v log %+v (none written)", d.Day, d.Site, d.Log)
	}
	if len(d.Crew) != 2 || d.Crew[0].Name != "Alice Martin" || d.Crew[1].Name != "Bruno Petit" {
		t.Fatalf("crew %+v", d.Crew)
	}
	alice := d.Crew[0]
	if alice.Hours != 8.25 || !alice.FirstIn.Equal(nov(18, 7, 30)) || !alice.LastOut.Equal(nov(18, 16, 45)) ||
		alice.Status != domain.TimeSubmitted || alice.Entries != 2 || len(alice.Tasks) != 2 {
		t.Errorf("alice %+v, want 8.25 h 07:30–16:45 submitted, 2 entries on 2 tasks", alice)
	}
	if d.Crew[1].Hours != 8 || d.Crew[1].Status != domain.TimeApproved || d.Hours != 16.25 {
		t.Errorf("bruno %+v, total %v: want 8 h approved (not the other site's 1.5 h), 16.25 h", d.Crew[1], d.Hours)
	}
	if len(d.TasksDone) != 1 || d.TasksDone[0].Title != "Coffrage" || d.TasksDone[0].Hours != 4.5 {
		t.Errorf("done %+v, want Coffrage 4.5 h", d.TasksDone)
	}
	if len(d.TasksOpen) != 1 || d.TasksOpen[0].Title != "Ferraillage" || d.TasksOpen[0].Hours != 11.75 || d.TasksOpen[0].Progress != 40 {
		t.Errorf("open %+v, want Ferraillage 3.75 + 8 = 11.75 h at 40 %%", d.TasksOpen)
	}
	if len(d.Incidents) != 1 || d.Incidents[0].Description != "Pluie & vent" || d.Incidents[0].ImpactEUR != 1234.5 || d.Incidents[0].Task != "Ferraillage" {
		t.Errorf("incidents %+v", d.Incidents)
	}
	if len(d.Moves) != 2 || d.Moves[0].Kind != domain.MoveReceipt || d.Moves[0].Amount != 95 || d.Moves[1].Amount != 38 || d.MaterialAmount() != 38 {
		t.Errorf("moves %+v, consumption %v: want a 95 € delivery and a 4 × 9.5 = 38 € consumption", d.Moves, d.MaterialAmount())
	}
	if len(d.Photos) != 1 || len(d.Photos[0].Thumb) == 0 || d.Photos[0].Caption != "Armatures" || d.Photos[0].Author != "Alice Martin" {
		t.Fatalf("photos %d %+v", len(d.Photos), d.Photos)
	}
	th, _, err := image.DecodeConfig(bytes.NewReader(d.Photos[0].Thumb))
	if err != nil || th.Width != domain.ReportThumbSide {
		t.Errorf("thumbnail %+v %v, want %d px wide", th, err, domain.ReportThumbSide)
	}
	// the thumbnail is kept: a second report reads it back
	again, err := domain.DailyReportData(w.tt.App(), w.site, nov(18, 0, 0), nil)
	if err != nil || len(again.Photos) != 1 || !bytes.Equal(again.Photos[0].Thumb, d.Photos[0].Thumb) {
		t.Errorf("cached thumbnail: %v", err)
	}
	if _, err := domain.DailyReportData(w.tt.App(), "nosuchsite00000", nov(18, 0, 0), nil); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("missing site: %v", err)
	}
}

func TestWeeklyReportData(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	r, err := domain.WeeklyReportData(w.tt.App(), w.site, nov(20, 12, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.ISOWeek != "2026-W47" || !r.Week.Equal(nov(16, 0, 0)) {
		t.Errorf("week %s %v, want 2026-W47 from Monday 16", r.ISOWeek, r.Week)
	}
	// (3×100 + 5×40 + 2×0 + 1×10) / 11 = 510 / 11 (Ferraillage lasts 5
	// days since the incident, Réception's unset duration counts 1)
	if want := 510.0 / 11; r.Progress < want-1e-9 || r.Progress > want+1e-9 || r.TasksTotal != 4 || r.TasksDone != 1 {
		t.Errorf("progress %v (%d/%d), want %v (1/4)", r.Progress, r.TasksDone, r.TasksTotal, want)
	}
	if len(r.ThisWeek) != 2 || len(r.NextWeek) != 2 || r.NextWeek[0].Title != "Ferraillage" || r.NextWeek[1].Title != "Coulage" {
		t.Errorf("this week %+v next %+v", r.ThisWeek, r.NextWeek)
	}
	if r.Hours != 18.25 || len(r.Crew) != 2 || r.Crew[0].Days[2] != 8.25 || r.Crew[0].Days[3] != 2 || r.Crew[0].Hours != 10.25 {
		t.Errorf("hours %v crew %+v, want Alice Wed 8.25 + Thu 2", r.Hours, r.Crew)
	}
}

func TestTimesheetExportData(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	from, end, err := domain.ParseExportPeriod("2026-11-18", "2026-11-19", rptParis)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := domain.TimesheetExportData(w.tt.App(), from, end)
	if err != nil {
		t.Fatal(err)
	}
	// Alice: Wed CH-7 8.25, Thu CH-7 2; Bruno: Wed CH-7 8, Wed CH-8 1.5
	if len(ex.Rows) != 4 || ex.Total != 19.75 {
		t.Fatalf("rows %+v total %v", ex.Rows, ex.Total)
	}
	if r := ex.Rows[0]; r.Name != "Alice Martin" || r.Hours != 8.25 || r.SiteCode != "CH-7" || r.Status != domain.TimeSubmitted || !r.Day.Equal(nov(18, 0, 0)) {
		t.Errorf("first row %+v", r)
	}
	if len(ex.Totals) != 2 || ex.Totals[0].Hours != 10.25 || ex.Totals[0].Days != 2 || ex.Totals[1].Hours != 9.5 || ex.Totals[1].Days != 1 {
		t.Errorf("totals %+v, want Alice 10.25 h on 2 days, Bruno 9.5 h on 1", ex.Totals)
	}
	if !ex.To.Equal(nov(19, 0, 0)) {
		t.Errorf("to %v", ex.To)
	}
}

func TestParseExportPeriod(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name, from, to string
		field          string // "" when valid
	}{
		{"a month", "2026-11-01", "2026-11-30", ""},
		{"one day", "2026-11-18", "2026-11-18", ""},
		{"a leap year", "2028-01-01", "2028-12-31", ""},
		{"a year and a day", "2026-01-01", "2027-01-01", "to"},
		{"a year from mid-month", "2026-03-15", "2027-03-14", ""},
		{"a year from mid-month and a day", "2026-03-15", "2027-03-15", "to"},
		{"missing from", "", "2026-11-30", "from"},
		{"missing to", "2026-11-01", "", "to"},
		{"bad from", "2026-13-01", "2026-11-30", "from"},
		{"french order", "01/11/2026", "30/11/2026", "from"},
		{"reversed", "2026-11-30", "2026-11-01", "to"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			_, _, err := domain.ParseExportPeriod(s.from, s.to, rptParis)
			var de *domain.Error
			switch {
			case s.field == "" && err != nil:
				t.Errorf("got %v, want none", err)
			case s.field != "" && (!errors.As(err, &de) || de.Code != domain.EInvalid || de.Field != s.field):
				t.Errorf("got %v, want EInvalid on %s", err, s.field)
			}
		})
	}
	if _, err := domain.ParseReportWeek("2026-W54", rptParis); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("week 54: %v", err)
	}
	if d, err := domain.ParseReportWeek("2026-W01", rptParis); err != nil || !d.Equal(time.Date(2025, 12, 29, 0, 0, 0, 0, rptParis)) {
		t.Errorf("2026-W01 = %v %v, want Monday 29 Dec 2025", d, err)
	}
}

func TestArchiveReport(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	app := w.tt.App()
	pdf := []byte("%PDF-1.4 test")
	r, err := domain.ArchiveReport(app, domain.ReportArchive{Kind: domain.ReportDaily, Period: "2026-11-18", SiteID: w.site,
		FileBase: domain.ReportFileBase(domain.ReportDaily, "CH-7", "2026-11-18"), PDF: pdf, Lang: "fr", Trigger: domain.ReportBySchedule})
	if err != nil {
		t.Fatal(err)
	}
	// sha256("%PDF-1.4 test"), computed with sha256sum
	if r.PDFSHA256() != domain.SHA256Hex(pdf) || len(r.PDFSHA256()) != 64 || r.XLSX() != "" || r.PDF() == "" {
		t.Errorf("archived %v", r.Record)
	}
	n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "reports", "record": r.Id, "action": "create"})
	if n != 1 {
		t.Errorf("%d audit events for the archive, want 1", n)
	}
	ev, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "record = {:r}", dbx.Params{"r": r.Id})
	if err != nil || !bytes.Contains([]byte(ev.GetString("diff")), []byte(r.PDFSHA256())) {
		t.Errorf("the audit diff does not hold the hash: %v", err)
	}
	if _, err := domain.ArchiveReport(app, domain.ReportArchive{Kind: "yearly", Period: "2026", FileBase: "x", PDF: pdf}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := domain.ArchiveReport(app, domain.ReportArchive{Kind: domain.ReportDaily, Period: "2026-11-18", FileBase: "x"}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("no file: %v", err)
	}
	if got := domain.ReportFileBase(domain.ReportWeekly, "CH 7/é", "2026-W47"); got != "rapport-hebdo-CH-7---2026-W47" {
		t.Errorf("file base %q", got)
	}
}
