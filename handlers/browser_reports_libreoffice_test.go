//go:build browser

package handlers_test

import (
	"encoding/csv"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestBrowserReportsLibreOffice opens the monthly and a weekly Excel
// report with a real reader (issue #17): both are downloaded by a manager
// through the real routes, then LibreOffice (Debian's
// libreoffice-calc-nogui, headless, a profile of its own) recalculates
// every sheet and writes it as CSV, in one call for both files (its first
// start is the slow part). excelize writes the totals as formulas; the
// figures checked here are LibreOffice's, against the hand-computed ones
// of newMonthlyWorld.
func TestBrowserReportsLibreOffice(t *testing.T) {
	soffice := tenanttest.Tool(t, "soffice")
	w := newMonthlyWorld(t)
	boss := w.Login("boss@acme.test", tenanttest.Password)
	site, err := w.App().FindFirstRecordByData(domain.CollectionSites, "code", "CH-A")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"monthly.xlsx": "/reports/monthly.xlsx?month=2026-11",
		"weekly.xlsx":  "/reports/sites/" + site.Id + "/weekly.xlsx?week=2026-W47",
	}
	var inputs []string
	for name, path := range files {
		rec := tenanttest.Get(t, w.Registry, w.Host(), path, boss)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != xlsxType {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if err := os.WriteFile(filepath.Join(dir, name), rec.Body.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, filepath.Join(dir, name))
	}
	// CSV filter options: comma, double quotes, UTF-8, from line 1, raw
	// values rather than as shown (token 9 false), every sheet to a file
	// of its own (token 12 = -1: <file>-<sheet>.csv)
	began := time.Now()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "profile"), "--headless", "--norestore",
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", filepath.Join(dir, "out")}, inputs...)
	cmd := exec.Command(soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	t.Logf("LibreOffice converted %d workbooks in %v", len(inputs), time.Since(began).Round(time.Millisecond))

	sheet := func(file, name string) [][]string {
		t.Helper()
		f, err := os.Open(filepath.Join(dir, "out", file+"-"+name+".csv"))
		if err != nil {
			entries, _ := os.ReadDir(filepath.Join(dir, "out"))
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Fatalf("%v (LibreOffice wrote %q)", err, names)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	cell := func(rows [][]string, ref string) string {
		col, row := int(ref[0]-'A'), 0
		for _, c := range ref[1:] {
			row = row*10 + int(c-'0')
		}
		if row-1 >= len(rows) || col >= len(rows[row-1]) {
			return "(none)"
		}
		return rows[row-1][col]
	}
	check := func(file, name string, want map[string]string) {
		t.Helper()
		rows := sheet(file, name)
		for ref, v := range want {
			if got := cell(rows, ref); got != v {
				t.Errorf("%s %s!%s = %q, want %s (LibreOffice's result)", file, name, ref, got, v)
			}
		}
	}
	// monthly: the summary's formulas over the totals lines, and the
	// totals lines' SUMs and margins (newMonthlyWorld's figures)
	check("monthly", "Synthèse", map[string]string{"B2": "2", "B3": "1025", "B4": "400", "B5": "125",
		"B6": "15000", "B7": "1185", "B8": "-185", "B10": "14", "B12": "2"})
	check("monthly", "Coûts du mois", map[string]string{"A2": "CH-A", "H2": "740", "A3": "CH-B", "H3": "285",
		"A4": "Total", "C4": "400", "D4": "125", "G4": "500", "H4": "1025"})
	// weekly of CH-A, 2026-W47: c1's 8 h on Wednesday 18, each person's
	// week and the day totals as SUMs, the summary reading them
	check("weekly", "Synthèse", map[string]string{"B3": "2026-W47", "B9": "8"})
	hours := sheet("weekly", "Heures")
	if len(hours) < 3 || cell(hours, "D2") != "8" || cell(hours, "I2") != "8" {
		t.Errorf("weekly hours sheet %q, want c1's 8 h on Wednesday (D) and in the week's total (I)", hours)
	}
	if last := hours[len(hours)-1]; last[0] != "Total" || last[3] != "8" || last[8] != "8" {
		t.Errorf("weekly hours total line %q, want 8 h on Wednesday and in the week", last)
	}
}
