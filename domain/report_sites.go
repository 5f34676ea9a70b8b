package domain

import "github.com/pocketbase/pocketbase/core"

// FindReportSites returns the sites whose reports u may read, by code.
func FindReportSites(app core.App, u *core.Record) ([]Site, error) {
	if !officeViewer(u) {
		return nil, nil
	}
	recs, err := app.FindRecordsByFilter(CollectionSites, "", "code", 0, 0)
	if err != nil {
		return nil, err
	}
	var out []Site
	for _, r := range recs {
		if CanReadSiteReports(u, r) {
			out = append(out, Site{r})
		}
	}
	return out, nil
}

// ReportFileBase is the French file name, without extension, of a
// report: "journal-chantier-CH-1-2026-12-05",
// "rapport-hebdo-CH-1-2026-W49", "pointages-2026-11-01-au-2026-11-30".
// Characters other than ASCII letters, digits, "-" and "_" become "-".
func ReportFileBase(kind, siteCode, period string) string {
	prefix := map[string]string{ReportDaily: "journal-chantier", ReportWeekly: "rapport-hebdo", ReportMonthly: "rapport-mensuel", "timesheets": "pointages"}[kind]
	if prefix == "" {
		prefix = "rapport"
	}
	name := prefix
	for _, part := range []string{siteCode, period} {
		if part != "" {
			name += "-" + part
		}
	}
	out := []rune(name)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			out[i] = '-'
		}
	}
	return string(out)
}
