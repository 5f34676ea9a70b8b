package xlsx_test

import (
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/xlsx"
)

// TestDailyWorkbookLog: the summary sheet holds the daily log's weather
// and temperature, and its notes with their author on the last line (the
// cells of the totals keep their places).
func TestDailyWorkbookLog(t *testing.T) {
	t.Parallel()
	d := daily()
	d.Log = &domain.ReportDailyLog{Weather: "frost", Temperature: -2, HasTemperature: true, Notes: "Coulage reporté", Author: "Léa Durand"}
	b, err := xlsx.Daily(locale(t, "fr"), d)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, b)
	for cell, want := range map[string]string{"A4": "Météo", "B4": "Gel, -2 °C", "A12": "Notes du jour", "B12": "Coulage reporté — Léa Durand"} {
		if v, _ := f.GetCellValue("Synthèse", cell); v != want {
			t.Errorf("summary %s = %q, want %q", cell, v, want)
		}
	}
	if v := calc(t, f, "Synthèse", "B6"); v != "16.25" {
		t.Errorf("hours %s, want 16.25 (unchanged place)", v)
	}
	d.Log = nil
	if b, err = xlsx.Daily(locale(t, "fr"), d); err != nil {
		t.Fatal(err)
	}
	f = open(t, b)
	if v, _ := f.GetCellValue("Synthèse", "B4"); v != "" {
		t.Errorf("weather without a log %q", v)
	}
}
