package handlers_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// crawlExtras is what seedCrawlExtras adds to the demo.
type crawlExtras struct {
	Week  string // Monday (YYYY-MM-DD) of the week of recorded time
	Lucas string // the crew member's id
}

// seedCrawlExtras adds to the seeded demo the records its first hour
// creates and the demo lacks, so that their pages and buttons are
// crawled too: an incident on a site of each site lead (reported by its
// crew), and a week of the crew member Lucas Petit's time two weeks back
// on his site — approved, submitted, rejected, overlapping and long
// entries and a correction request — with the week before closed.
func seedCrawlExtras(t testing.TB, tt *tenanttest.Tenant) crawlExtras {
	t.Helper()
	app := tt.App()
	site := func(code string) string {
		s, err := app.FindFirstRecordByData(domain.CollectionSites, "code", code)
		if err != nil {
			t.Fatal(err)
		}
		return s.Id
	}
	user := func(email string) *core.Record {
		u, err := app.FindAuthRecordByEmail(domain.CollectionUsers, email)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	lucas, ines, admin := user("lucas.petit@demo.fieldops360.fr"), user("ines.faure@demo.fieldops360.fr"), user(tt.Admin)
	if _, err := domain.ReportIncident(app, lucas, domain.IncidentInput{Site: site("CH-2026-011"), Kind: "safety", Severity: "high", Description: "Garde-corps manquant au R+1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ReportIncident(app, ines, domain.IncidentInput{Site: site("CH-2026-014"), Kind: "delay", Severity: "medium", Description: "Livraison des menuiseries reportée"}); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation(domain.DefaultTimezone)
	now := time.Now().In(loc)
	mon := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	mon = mon.AddDate(0, 0, -int((mon.Weekday()+6)%7)-14)
	at := func(day, h, m int) time.Time {
		return mon.AddDate(0, 0, day).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).UTC()
	}
	entry := func(day, h1, h2 int, status string) string {
		return tt.Record(domain.CollectionTimeEntries, map[string]any{"user": lucas.Id, "site": site("CH-2026-011"),
			"clock_in": at(day, h1, 0), "clock_out": at(day, h2, 0), "status": status, "source": "self"}).Id
	}
	entry(0, 7, 12, domain.TimeApproved)
	entry(1, 7, 19, domain.TimeSubmitted)
	entry(2, 8, 12, domain.TimeRejected)
	entry(2, 11, 15, domain.TimeSubmitted)
	e := entry(3, 8, 16, domain.TimeSubmitted)
	in := domain.CorrectionInput{ClockIn: at(3, 7, 30), ClockOut: at(3, 16, 0), Reason: "Arrivé plus tôt pour la livraison"}
	if _, err := domain.ProposeCorrection(app, lucas, e, in); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.ClosePeriod(app, admin, "week", mon.AddDate(0, 0, -7)); err != nil {
		t.Fatal(err)
	}
	return crawlExtras{Week: mon.Format(time.DateOnly), Lucas: lucas.Id}
}
