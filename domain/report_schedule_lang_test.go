package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestReportScheduleLanguagesAndToggle: a monthly schedule mailed to a
// user reading English, a user reading French and an outside address
// makes October's report twice: in French (archived, mailed to the French
// reader and the outside address) and in English (archived too, mailed to
// the English reader), each with its own SHA-256 and a mail in its
// language (mailpit). Switched off (audited; a crew member may not), it
// does not run on 1 December; switched on again (on 2 December) it makes
// December's report on 1 January but never November's, missed while off.
func TestReportScheduleLanguagesAndToggle(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	mp := tenanttest.StartMailpit(t)
	mp.UseFor(t, tt.Registry)
	app := tt.App()
	tt.Record("sites", map[string]any{"code": "CH-L", "name": "Lycée", "sector": "btp", "status": "active", "budget": 1000})
	boss := tt.User(domain.RoleManager, "boss@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	for email, lang := range map[string]string{"anna@acme.test": "en", "bruno@acme.test": "fr"} {
		u := tt.User(domain.RoleProjectManager, email)
		u.SetLocale(lang)
		if err := app.Save(u.Record); err != nil {
			t.Fatal(err)
		}
	}
	loc := paris(t)
	s := newSchedule(t, app, domain.ReportMonthly, "0 7 1 * *", []string{"Anna@acme.test", "bruno@acme.test", "dir@client.test"},
		time.Date(2026, 10, 15, 12, 0, 0, 0, loc))
	made := map[string][]byte{}
	gen := scheduleGen(t, made)

	runs, err := domain.RunReportSchedules(app, time.Date(2026, 11, 1, 9, 0, 0, 0, loc), gen, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Report.Lang() != "fr" || runs[1].Report.Lang() != "en" || runs[0].Mailed != 2 || runs[1].Mailed != 1 {
		t.Fatalf("runs %+v, want October in French (2 mails) then English (1 mail)", runs)
	}
	base := "rapport-mensuel-2026-10"
	for i, key := range []string{base, base + "@en"} {
		if len(made[key]) == 0 || runs[i].Report.PDFSHA256() != domain.SHA256Hex(made[key]) {
			t.Errorf("%s: archived hash %s does not match the file made", key, runs[i].Report.PDFSHA256())
		}
	}
	if runs[0].Report.PDFSHA256() == runs[1].Report.PDFSHA256() {
		t.Error("the English and French PDFs are the same file")
	}
	for _, c := range []struct{ to, subject, body string }{
		{"Anna@acme.test", "Report " + base, "Please find attached report"},
		{"bruno@acme.test", "Rapport " + base, "Veuillez trouver ci-joint"},
		{"dir@client.test", "Rapport " + base, "Veuillez trouver ci-joint"},
	} {
		m := mp.WaitFor(t, c.to, c.subject)
		if !strings.Contains(m.Text, c.body) {
			t.Errorf("%s: body %q, want %q", c.to, m.Text, c.body)
		}
	}
	if n := mp.Count(t); n != 3 {
		t.Errorf("%d mails, want 3", n)
	}

	// off: a crew member may not; the manager may (audited); no run on 1 December
	if _, err := domain.SetReportScheduleEnabled(app, crew.Record, s.Id, false); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("crew switches a schedule off: %v", err)
	}
	if _, err := domain.SetReportScheduleEnabled(app, boss.Record, s.Id, false); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "report_schedules", "record": s.Id, "action": "update"}); n != 1 {
		t.Errorf("%d audit events for the switch, want 1", n)
	}
	if runs, err := domain.RunReportSchedules(app, time.Date(2026, 12, 1, 9, 0, 0, 0, loc), gen, nil); err != nil || len(runs) != 0 {
		t.Fatalf("disabled schedule: %d runs, %v", len(runs), err)
	}
	// on again: stamped now; as if switched on on 2 December
	on, err := domain.SetReportScheduleEnabled(app, boss.Record, s.Id, true)
	if err != nil {
		t.Fatal(err)
	}
	if since := on.EnabledSince(); time.Since(since) > time.Minute || since.After(time.Now()) {
		t.Errorf("enabled_since = %v, want now", since)
	}
	dt, _ := types.ParseDateTime(time.Date(2026, 12, 2, 10, 0, 0, 0, loc))
	on.Set("enabled_since", dt)
	if err := app.Save(on.Record); err != nil {
		t.Fatal(err)
	}
	runs, err = domain.RunReportSchedules(app, time.Date(2027, 1, 1, 9, 0, 0, 0, loc), gen, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Period != "2026-12" || runs[1].Period != "2026-12" {
		t.Fatalf("after re-enabling: runs %+v, want December only (fr, en)", runs)
	}
	if n, _ := app.CountRecords(domain.CollectionReports, dbx.HashExp{"period": "2026-11"}); n != 0 {
		t.Errorf("November, missed while off, was replayed (%d reports)", n)
	}
}
