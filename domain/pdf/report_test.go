package pdf_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/tenanttest"
	"github.com/fieldops360/fieldops/views/i18n"
)

var paris, _ = time.LoadLocation("Europe/Paris")

func at(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, paris) }

func locale(t testing.TB, lang string) context.Context {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return i18n.WithLocale(context.Background(), cat, lang, time.UTC) // the report's own zone wins
}

// thumb is a JPEG thumbnail like the ones reports print.
func thumb(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for x := 0; x < 320; x++ {
		img.Set(x, x%240, color.RGBA{30, 120, 200, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// daily is a day with hand-computed totals and tasks tasks under way
// (enough to run the tasks table over several pages).
func daily(t testing.TB, tasks, photos int) domain.DailyReport {
	d := domain.DailyReport{
		Branding: domain.ReportBranding{Company: "BTP Martin", Address: "1 rue de la Paix, Nantes", Color: "#AA3300"},
		Site:     domain.ReportSite{Code: "CH-7", Name: "Groupe scolaire", Client: "Mairie", SiteLead: "Léa"},
		Day:      at(18, 0, 0), Location: paris,
		Crew: []domain.ReportCrewLine{
			{Name: "Alice Martin", Role: "crew", FirstIn: at(18, 7, 30), LastOut: at(18, 16, 45), Hours: 8.25, Entries: 2, Status: "submitted", Tasks: []string{"Coffrage"}},
			{Name: "Bruno Petit", Role: "crew", FirstIn: at(18, 8, 0), LastOut: at(18, 16, 0), Hours: 8, Entries: 1, Status: "approved"},
		},
		Hours:     16.25,
		TasksDone: []domain.ReportTask{{Title: "Coffrage", Status: "done", Progress: 100, Hours: 4.5, PlannedStart: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), PlannedEnd: time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)}},
		Incidents: []domain.ReportIncidentLine{{At: at(18, 10, 0), Kind: "weather", Severity: "medium", Status: "open", Description: "Pluie", ImpactDays: 2, ImpactEUR: 1234.5}},
		Moves: []domain.ReportMove{
			{At: at(18, 9, 0), Kind: "receipt", Material: "Ciment", Unit: "sac", Qty: 10, UnitCost: 9.5, Amount: 95},
			{At: at(18, 14, 0), Kind: "consumption", Material: "Ciment", Unit: "sac", Qty: 4, UnitCost: 9.5, Amount: 38},
		},
	}
	for i := range tasks {
		d.TasksOpen = append(d.TasksOpen, domain.ReportTask{Title: fmt.Sprintf("Tâche n° %03d", i+1), Phase: "Gros œuvre", Status: "in_progress", Progress: 40,
			PlannedStart: time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC), PlannedEnd: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	}
	th := thumb(t)
	for i := range photos {
		d.Photos = append(d.Photos, domain.ReportPhoto{ID: fmt.Sprint(i), TakenAt: at(18, 10, i%60), Author: "Alice", Caption: "Armatures", Thumb: th})
	}
	return d
}

// pdfText extracts the text of a PDF with pdftotext, one string per page,
// no-break spaces as spaces.
func pdfText(t *testing.T, b []byte) []string {
	t.Helper()
	tool := tenanttest.Tool(t, "pdftotext")
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	s := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(string(out))
	return strings.Split(strings.TrimRight(s, "\f"), "\f")
}

func TestDailyPDF(t *testing.T) {
	t.Parallel()
	b, err := pdf.Daily(locale(t, "fr"), daily(t, 120, 4), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfText(t, b)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the 120 tasks over several", len(pages))
	}
	all := strings.Join(pages, "\n")
	for _, want := range []string{
		"BTP Martin", "Journal de chantier CH-7 — Groupe scolaire du 18/11/2026", "Météo",
		"07:30", "16:45", "8,25 h", "16,25 h", // crew and their total
		"1 234,50 €",                   // the incident's cost
		"9,50 €", "95,00 €", "38,00 €", // unit cost, delivery, consumption
		"16/11/2026", "Terminée", "40 %", "Tâche n° 120",
		"Photos", "Armatures",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q", want)
		}
	}
	for i, p := range pages {
		if want := fmt.Sprintf("Page %d / %d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d has no %q", i+1, want)
		}
	}
	// the tasks table runs over the second page: its header comes again
	// at the top of the page
	second := strings.TrimSpace(pages[1])
	if first := strings.SplitN(second, "\n", 2)[0]; !strings.Contains(first, "Tâche") || !strings.Contains(first, "Avancement") {
		t.Errorf("page 2 starts with %q, want the tasks table's header", first)
	}
}

func TestDailyPDFEnglish(t *testing.T) {
	t.Parallel()
	b, err := pdf.Daily(locale(t, "en"), daily(t, 2, 0), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(pdfText(t, b), "\n")
	for _, want := range []string{"Daily site report CH-7 — Groupe scolaire, 18 Nov 2026", "€1,234.50", "16.25 h", "Page 1 / 1", "No photos in this period."} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
}

func TestWeeklyPDF(t *testing.T) {
	t.Parallel()
	w := domain.WeeklyReport{Branding: domain.ReportBranding{Company: "BTP Martin"}, Site: domain.ReportSite{Code: "CH-7", Name: "École"},
		Week: at(16, 0, 0), Location: paris, ISOWeek: "2026-W47", Progress: 46.36, TasksTotal: 4, TasksDone: 1, Hours: 18.25,
		Crew:      []domain.ReportCrewLine{{Name: "Alice", Hours: 10.25, Days: []float64{0, 0, 8.25, 2, 0, 0, 0}}, {Name: "Bruno", Hours: 8, Days: []float64{0, 0, 8, 0, 0, 0, 0}}},
		ThisWeek:  []domain.ReportTask{{Title: "Coffrage", Status: "done", Progress: 100, Hours: 4.5}},
		NextWeek:  []domain.ReportTask{{Title: "Coulage", Status: "planned", PlannedStart: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}},
		Incidents: []domain.ReportIncidentLine{{At: at(18, 10, 0), Kind: "weather", Severity: "medium", ImpactDays: 2, ImpactEUR: 1234.5}},
	}
	b, err := pdf.Weekly(locale(t, "fr"), w, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(pdfText(t, b), "\n")
	for _, want := range []string{"semaine 2026-W47 (16/11/2026 – 22/11/2026)", "46 % (1 tâches terminées sur 4)", "Mer 18", "16,25", "18,25 h",
		"Semaine prochaine", "Coulage", "23/11/2026", "Page 1 / 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	if strings.Contains(all, "1 234,50") {
		t.Error("the client's weekly report shows an incident's cost")
	}
}

// BenchmarkDailyPDF renders a site report with 600 tasks and 60 photos
// (issue #17: under 1 s).
func BenchmarkDailyPDF(b *testing.B) {
	ctx, d := locale(b, "fr"), daily(b, 600, 60)
	for b.Loop() {
		if _, err := pdf.Daily(ctx, d, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
