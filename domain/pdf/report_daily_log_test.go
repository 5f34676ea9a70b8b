package pdf_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/pdf"
)

// TestDailyPDFLog: the site's daily log prints its weather, temperature
// (French decimals), notes and author; without one, a weather field to
// fill by hand.
func TestDailyPDFLog(t *testing.T) {
	t.Parallel()
	d := daily(t, 0, 0)
	d.Log = &domain.ReportDailyLog{Weather: "rain", Temperature: 7.5, HasTemperature: true, Notes: "Livraison béton à 10 h\nVisite du maître d'ouvrage", Author: "Léa Durand"}
	b, err := pdf.Daily(locale(t, "fr"), d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(pdfText(t, b), "\n")
	for _, want := range []string{"Météo", "Pluie, 7,5 °C", "Notes du jour", "Livraison béton à 10 h", "Visite du maître d'ouvrage", "— Léa Durand"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	d.Log = &domain.ReportDailyLog{HasTemperature: true} // 0 °C, no weather, no notes
	b, err = pdf.Daily(locale(t, "en"), d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(pdfText(t, b), "\n"); !strings.Contains(all, "0 °C") || strings.Contains(all, "Notes of the day") {
		t.Errorf("a 0 °C log without notes:\n%s", all)
	}
	d.Log = nil
	b, err = pdf.Daily(locale(t, "fr"), d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(pdfText(t, b), "\n"); !strings.Contains(all, "______") || strings.Contains(all, "Notes du jour") {
		t.Errorf("no log: want a weather field to fill by hand and no notes:\n%s", all)
	}
}
