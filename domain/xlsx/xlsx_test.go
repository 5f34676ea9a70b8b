package xlsx_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/xlsx"
	"github.com/fieldops360/fieldops/views/i18n"
)

var paris, _ = time.LoadLocation("Europe/Paris")

func locale(t testing.TB, lang string) context.Context {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return i18n.WithLocale(context.Background(), cat, lang, time.UTC) // the report's own zone wins
}

func at(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, paris) }

// daily is a day with hand-computed totals: 8.25 + 8 = 16.25 h; a
// consumption of 4 × 9.5 = 38 € and a delivery of 95 €; an incident of
// 1 234,50 €.
func daily() domain.DailyReport {
	return domain.DailyReport{
		Branding: domain.ReportBranding{Company: "BTP Martin", Color: "#AA3300"},
		Site:     domain.ReportSite{ID: "s1", Code: "CH-7", Name: "Groupe scolaire", Client: "Mairie"},
		Day:      at(18, 0, 0), Location: paris,
		Crew: []domain.ReportCrewLine{
			{Name: "Alice Martin", Role: "crew", FirstIn: at(18, 7, 30), LastOut: at(18, 16, 45), Hours: 8.25, Days: []float64{8.25}, Entries: 2, Status: "submitted"},
			{Name: "Bruno Petit", Role: "crew", FirstIn: at(18, 8, 0), LastOut: at(18, 16, 0), Hours: 8, Days: []float64{8}, Entries: 1, Status: "approved"},
		},
		Hours:     16.25,
		TasksDone: []domain.ReportTask{{Title: "Coffrage", Status: "done", Progress: 100, Hours: 4.5, PlannedStart: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), PlannedEnd: time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)}},
		TasksOpen: []domain.ReportTask{{Title: "Ferraillage", Status: "in_progress", Progress: 40, Hours: 11.75}},
		Incidents: []domain.ReportIncidentLine{{At: at(18, 10, 0), Kind: "weather", Severity: "medium", Status: "open", Description: "Pluie", ImpactDays: 2, ImpactEUR: 1234.5}},
		Moves: []domain.ReportMove{
			{At: at(18, 9, 0), Kind: "receipt", SKU: "CIM-35", Material: "Ciment", Unit: "sac", Qty: 10, UnitCost: 9.5, Amount: 95},
			{At: at(18, 14, 0), Kind: "consumption", SKU: "CIM-35", Material: "Ciment", Unit: "sac", Qty: 4, UnitCost: 9.5, Amount: 38},
		},
	}
}

func open(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func calc(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.CalcCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

func TestDailyWorkbook(t *testing.T) {
	t.Parallel()
	b, err := xlsx.Daily(locale(t, "fr"), daily())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, b)
	want := []string{"Synthèse", "Équipe", "Tâches", "Aléas", "Matériaux", "Photos"}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	// the crew sheet: typed cells, frozen header, filter, SUM formula
	if v, _ := f.GetCellValue("Équipe", "A1"); v != "Personne" {
		t.Errorf("header A1 %q", v)
	}
	if typ, _ := f.GetCellType("Équipe", "E2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("hours cell type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue("Équipe", "E2", excelize.Options{RawCellValue: true}); v != "8.25" {
		t.Errorf("hours raw %q, want 8.25", v)
	}
	// 18/11/2026 07:30 as an Excel serial: 46344 + 7.5/24
	if v, _ := f.GetCellValue("Équipe", "C2", excelize.Options{RawCellValue: true}); !strings.HasPrefix(v, "46344.3125") {
		t.Errorf("clock-in raw %q, want the serial 46344.3125", v)
	}
	if v, _ := f.GetCellValue("Équipe", "C2"); v != "18/11/2026 07:30" {
		t.Errorf("clock-in shown %q, want 18/11/2026 07:30", v)
	}
	if fm, _ := f.GetCellFormula("Équipe", "E4"); fm != "SUM(E2:E3)" {
		t.Errorf("total formula %q", fm)
	}
	if v := calc(t, f, "Équipe", "E4"); v != "16.25" {
		t.Errorf("total hours %s, want 16.25", v)
	}
	panes, err := f.GetPanes("Équipe")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v, want the header row frozen", panes, err)
	}
	// the materials sheet: amounts as numbers in a € format
	if v := calc(t, f, "Matériaux", "H4"); v != "133" {
		t.Errorf("materials total %s, want 95 + 38 = 133", v)
	}
	if v, _ := f.GetCellValue("Matériaux", "H2"); v != "95,00 €" && v != "95.00 €" {
		t.Errorf("amount shown %q, want 95,00 € (the reader's separators)", v)
	}
	// the summary reads the other sheets
	summary := map[string]string{"B6": "16.25", "B9": "1234.5", "B10": "133", "B11": "38"}
	for cell, want := range summary {
		if v := calc(t, f, "Synthèse", cell); v != want {
			label, _ := f.GetCellValue("Synthèse", "A"+cell[1:])
			t.Errorf("summary %s (%s) = %s, want %s", cell, label, v, want)
		}
	}
	if v, _ := f.GetCellValue("Synthèse", "B3"); v != "18/11/2026" {
		t.Errorf("summary date %q", v)
	}
	if v, _ := f.GetCellValue("Tâches", "D2"); v != "18/11/2026" {
		t.Errorf("task end %q, want the civil date 18/11/2026", v)
	}
}

func TestDailyWorkbookEnglish(t *testing.T) {
	t.Parallel()
	b, err := xlsx.Daily(locale(t, "en"), daily())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, b)
	if got := f.GetSheetList(); got[0] != "Summary" || got[1] != "Crew" {
		t.Errorf("sheets %v", got)
	}
	if v := calc(t, f, "Crew", "E4"); v != "16.25" {
		t.Errorf("total %s", v)
	}
}

func TestWeeklyWorkbook(t *testing.T) {
	t.Parallel()
	w := domain.WeeklyReport{Site: domain.ReportSite{Code: "CH-7", Name: "École"}, Week: at(16, 0, 0), Location: paris, ISOWeek: "2026-W47",
		Progress: 46.36, TasksTotal: 4, TasksDone: 1, Hours: 18.25,
		Crew: []domain.ReportCrewLine{
			{Name: "Alice", Hours: 10.25, Days: []float64{0, 0, 8.25, 2, 0, 0, 0}},
			{Name: "Bruno", Hours: 8, Days: []float64{0, 0, 8, 0, 0, 0, 0}},
		},
		ThisWeek: []domain.ReportTask{{Title: "Coffrage", Status: "done", Progress: 100, Hours: 4.5}},
		NextWeek: []domain.ReportTask{{Title: "Coulage", Status: "planned"}},
	}
	b, err := xlsx.Weekly(locale(t, "fr"), w)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, b)
	want := "Synthèse|Tâches de la semaine|Heures|Aléas|Semaine suivante|Photos"
	if got := strings.Join(f.GetSheetList(), "|"); got != want {
		t.Fatalf("sheets %s", got)
	}
	// per-person totals and day totals are formulas
	cells := map[string]string{"I2": "10.25", "I3": "8", "D4": "16.25", "E4": "2", "I4": "18.25"}
	for cell, want := range cells {
		if v := calc(t, f, "Heures", cell); v != want {
			t.Errorf("Heures!%s = %s, want %s", cell, v, want)
		}
	}
	if v, _ := f.GetCellValue("Heures", "D1"); v != "Mer 18/11" {
		t.Errorf("day header %q", v)
	}
	if v := calc(t, f, "Synthèse", "B9"); v != "18.25" {
		t.Errorf("summary hours %s", v)
	}
	if v, _ := f.GetCellValue("Synthèse", "B6"); v != "46%" {
		t.Errorf("progress shown %q, want 46%%", v)
	}
}

// export is a period with hand-computed totals per person.
func export() domain.TimesheetExport {
	day := func(d int) time.Time { return at(d, 0, 0) }
	return domain.TimesheetExport{Company: "BTP Martin", From: day(1), To: day(30), Location: paris, Total: 19.75,
		Rows: []domain.TimesheetExportRow{
			{UserID: "u1", Name: "Alice Martin", Role: "crew", Day: day(18), SiteCode: "CH-7", SiteName: "École", Hours: 8.25, Entries: 2, Status: "submitted"},
			{UserID: "u1", Name: "Alice Martin", Role: "crew", Day: day(19), SiteCode: "CH-7", SiteName: "École", Hours: 2, Entries: 1, Status: "approved"},
			{UserID: "u2", Name: "=HYPERLINK(\"x\")", Role: "crew", Day: day(18), SiteCode: "CH-7", SiteName: "École", Hours: 8, Entries: 1, Status: "approved"},
			{UserID: "u2", Name: "=HYPERLINK(\"x\")", Role: "crew", Day: day(18), SiteCode: "CH-8", SiteName: "Autre", Hours: 1.5, Entries: 1, Status: "approved"},
		},
		Totals: []domain.TimesheetExportTotal{{UserID: "u1", Name: "Alice Martin", Hours: 10.25, Days: 2}, {UserID: "u2", Name: "=HYPERLINK(\"x\")", Hours: 9.5, Days: 1}},
	}
}

func TestTimesheetWorkbook(t *testing.T) {
	t.Parallel()
	b, err := xlsx.Timesheet(locale(t, "fr"), export())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, b)
	if got := strings.Join(f.GetSheetList(), "|"); got != "Pointages|Totaux par personne" {
		t.Fatalf("sheets %s", got)
	}
	if v, _ := f.GetCellValue("Pointages", "D2"); v != "18/11/2026" {
		t.Errorf("date %q", v)
	}
	if v := calc(t, f, "Pointages", "G6"); v != "19.75" {
		t.Errorf("grand total %s, want 19.75", v)
	}
	for cell, want := range map[string]string{"C2": "10.25", "C3": "9.5", "C4": "19.75"} {
		if v := calc(t, f, "Totaux par personne", cell); v != want {
			t.Errorf("totals %s = %s, want %s", cell, v, want)
		}
	}
	if fm, _ := f.GetCellFormula("Pointages", "B4"); fm != "" {
		t.Errorf("a name became a formula: %q", fm)
	}
}

func TestTimesheetCSV(t *testing.T) {
	t.Parallel()
	b, err := xlsx.TimesheetCSV(locale(t, "fr"), export())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatal("no UTF-8 byte-order mark")
	}
	lines := strings.Split(strings.TrimSpace(string(b[3:])), "\r\n")
	want := []string{
		"Ligne;Matricule;Personne;Rôle;Date;Code chantier;Chantier;Heures;Pointages;État",
		"jour;u1;Alice Martin;Compagnon;18/11/2026;CH-7;École;8,25;2;À valider",
		"jour;u1;Alice Martin;Compagnon;19/11/2026;CH-7;École;2,00;1;Validé",
		`jour;u2;"'=HYPERLINK(""x"")";Compagnon;18/11/2026;CH-7;École;8,00;1;Validé`,
		`jour;u2;"'=HYPERLINK(""x"")";Compagnon;18/11/2026;CH-8;Autre;1,50;1;Validé`,
		"total;u1;Alice Martin;;;;;10,25;;",
		`total;u2;"'=HYPERLINK(""x"")";;;;;9,50;;`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("csv:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	en, _ := xlsx.TimesheetCSV(locale(t, "en"), export())
	if !strings.Contains(string(en), ";2026-11-18;CH-7;École;8.25;") {
		t.Errorf("english csv: %s", en)
	}
}
