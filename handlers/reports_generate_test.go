package handlers_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// jobOf returns the job id a generation POST redirects to.
func jobOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	loc := rec.Header().Get("Location")
	u, err := url.Parse(loc)
	if rec.Code != http.StatusSeeOther || err != nil || u.Query().Get("job") == "" {
		t.Fatalf("generate: %d, Location %q, %.300s", rec.Code, loc, rec.Body)
	}
	return u.Query().Get("job")
}

// TestReportGenerateOnDemand: the Rapports page offers "Générer et
// archiver" for the daily report; the POST starts the job and the page
// follows it over SSE: while the archive is held, the stream shows the
// data, PDF and Excel steps done and the archiving step current, and a
// second click follows the same job; then the stream shows the archived
// report with its links and SHA-256, which is the archived record's
// (trigger "request", requested by the manager, audited) and the hash of
// the file it downloads. Bad input is a clear 4xx and starts nothing.
func TestReportGenerateOnDemand(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	app := w.App()
	boss := w.Login("boss@acme.test", tenanttest.Password)
	site, err := app.FindFirstRecordByData(domain.CollectionSites, "code", "CH-A")
	if err != nil {
		t.Fatal(err)
	}
	page := tenanttest.Get(t, w.Registry, w.Host(), "/reports?site="+site.Id+"&date=2026-11-18&week=2026-W47&month=2026-11", boss).Body.String()
	action := "/reports/generate/daily/" + site.Id
	for _, want := range []string{`action="` + action + `"`, `data-testid="dl-daily-generate"`, `action="/reports/generate/weekly/` + site.Id + `"`,
		`action="/reports/generate/monthly"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page without %s", want)
		}
	}
	release := make(chan struct{})
	app.OnRecordCreate(domain.CollectionReports).BindFunc(func(e *core.RecordEvent) error {
		<-release
		return e.Next()
	})
	form := url.Values{"period": {"2026-11-18"}}
	job := jobOf(t, tenanttest.PostForm(t, w.Registry, w.Host(), action, form, boss))

	srv := httptest.NewServer(w.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := sseEvents(t, ctx, srv.URL, w.Host(), "/reports/jobs/"+job+"/stream", boss)
	ev := nextEvent(t, events, `data-testid="job-step-archive" data-state="current"`)
	for _, s := range []string{"collect", "pdf", "xlsx"} {
		if !strings.Contains(ev, `data-testid="job-step-`+s+`" data-state="done"`) {
			t.Errorf("step %s not done while archiving: %.600q", s, ev)
		}
	}
	if again := jobOf(t, tenanttest.PostForm(t, w.Registry, w.Host(), action, form, boss)); again != job {
		t.Errorf("a second click started job %s besides %s", again, job)
	}
	close(release)
	ev = nextEvent(t, events, `data-testid="job-done"`)
	rep, err := app.FindFirstRecordByFilter(domain.CollectionReports, "kind = 'daily' && period = '2026-11-18' && site = {:s}", dbx.Params{"s": site.Id})
	if err != nil {
		t.Fatal(err)
	}
	r := domain.Report{Record: rep}
	if r.Trigger() != domain.ReportByRequest || r.RequestedByID() == "" || len(r.PDFSHA256()) != 64 {
		t.Errorf("archived as %v", rep)
	}
	if !strings.Contains(ev, r.PDFSHA256()) || !strings.Contains(ev, `/reports/archive/`+rep.Id+`/pdf`) || !strings.Contains(ev, `/reports/archive/`+rep.Id+`/xlsx`) {
		t.Errorf("done frame without the archive's links and hash: %.900q", ev)
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "reports", "record": rep.Id, "action": "create", "actor": r.RequestedByID()}); n != 1 {
		t.Errorf("%d audit events by the requester, want 1", n)
	}
	if dl := tenanttest.Get(t, w.Registry, w.Host(), "/reports/archive/"+rep.Id+"/pdf", boss); dl.Code != http.StatusOK || domain.SHA256Hex(dl.Body.Bytes()) != r.PDFSHA256() {
		t.Errorf("archived PDF: %d, hash mismatch", dl.Code)
	}
	if n, _ := app.CountRecords(domain.CollectionReports, dbx.HashExp{"trigger": "request"}); n != 1 {
		t.Errorf("%d reports archived, want 1 (one run per report and period)", n)
	}
	// the page after the run shows the outcome without a stream
	if p := tenanttest.Get(t, w.Registry, w.Host(), "/reports?job="+job, boss).Body.String(); !strings.Contains(p, `data-testid="job-done"`) ||
		strings.Contains(p, "/reports/jobs/"+job+"/stream") {
		t.Errorf("the page does not show the finished job")
	}

	// refusals: nothing started
	pm, crew := w.Login("pm@acme.test", tenanttest.Password), w.Login("crew@acme.test", tenanttest.Password)
	for _, c := range []struct {
		who    *http.Cookie
		path   string
		period string
		want   int
		text   string
	}{
		{boss, action, "2026-13-45", http.StatusBadRequest, "invalide"},
		{boss, action, "", http.StatusBadRequest, ""},
		{boss, "/reports/generate/weekly/" + site.Id, "semaine 47", http.StatusBadRequest, ""},
		{boss, "/reports/generate/monthly", "novembre", http.StatusBadRequest, "Mois invalide"},
		{boss, "/reports/generate/yearly/" + site.Id, "2026", http.StatusBadRequest, ""},
		{boss, "/reports/generate/daily/nope", "2026-11-18", http.StatusNotFound, ""},
		{pm, "/reports/generate/monthly", "2026-11", http.StatusForbidden, ""},
		{crew, action, "2026-11-18", http.StatusForbidden, ""},
	} {
		rec := tenanttest.PostForm(t, w.Registry, w.Host(), c.path, url.Values{"period": {c.period}}, c.who)
		if rec.Code != c.want || !strings.Contains(rec.Body.String(), c.text) {
			t.Errorf("POST %s period %q: %d, want %d with %q", c.path, c.period, rec.Code, c.want, c.text)
		}
	}
	if rec := tenanttest.Get(t, w.Registry, w.Host(), "/reports/jobs/"+job+"/stream", pm); rec.Code != http.StatusNotFound {
		t.Errorf("another user's job stream = %d, want 404", rec.Code)
	}
	if n, _ := app.CountRecords(domain.CollectionReports, dbx.HashExp{"trigger": "request"}); n != 1 {
		t.Errorf("refused requests archived %d reports", n-1)
	}
}

// lockedBuffer is a log sink written by the job's goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestReportGenerateFailure: a generation whose archiving fails (the
// store refuses the record) shows the failed step and the error on the
// stream and on the page, logs the cause, and frees the report for a new
// attempt.
func TestReportGenerateFailure(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	tt := handlertest.New(t, handlertest.WithDeps(func(d *handlers.Deps) { d.Logger = slog.New(slog.NewTextHandler(logs, nil)) }))
	app := tt.App()
	tt.User(domain.RoleManager, "boss@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-F", "name": "Fail", "sector": "btp", "status": "active"})
	boss := tt.Login("boss@acme.test", tenanttest.Password)
	app.OnRecordCreate(domain.CollectionReports).BindFunc(func(e *core.RecordEvent) error {
		return errors.New("disque plein")
	})
	srv := httptest.NewServer(tt.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	action := "/reports/generate/weekly/" + site.Id
	job := jobOf(t, tenanttest.PostForm(t, tt.Registry, tt.Host(), action, url.Values{"period": {"2026-W47"}}, boss))
	events := sseEvents(t, ctx, srv.URL, tt.Host(), "/reports/jobs/"+job+"/stream", boss)
	ev := nextEvent(t, events, `data-testid="job-error"`)
	if !strings.Contains(ev, `data-testid="job-step-archive" data-state="failed"`) || !strings.Contains(ev, "Archivage") {
		t.Errorf("error frame: %.900q", ev)
	}
	p := tenanttest.Get(t, tt.Registry, tt.Host(), "/reports?job="+job, boss).Body.String()
	if !strings.Contains(p, `data-testid="job-error"`) || !strings.Contains(p, `role="alert"`) {
		t.Errorf("the page does not show the failure")
	}
	if l := logs.String(); !strings.Contains(l, "report generation failed") || !strings.Contains(l, "disque plein") || !strings.Contains(l, "step=archive") {
		t.Errorf("not logged: %q", l)
	}
	again := jobOf(t, tenanttest.PostForm(t, tt.Registry, tt.Host(), action, url.Values{"period": {"2026-W47"}}, boss))
	if again == job {
		t.Fatal("a failed job blocks a new attempt")
	}
	nextEvent(t, sseEvents(t, ctx, srv.URL, tt.Host(), "/reports/jobs/"+again+"/stream", boss), `data-testid="job-error"`)
}

// TestReportScheduleSwitch: the schedule list offers "Désactiver" on an
// enabled schedule; posting it switches the schedule off (audited) and
// the list then offers "Activer"; posting the same state again changes
// nothing; a site lead may not (403), a bad value is 400.
func TestReportScheduleSwitch(t *testing.T) {
	t.Parallel()
	w := newMonthlyWorld(t)
	app := w.App()
	boss := w.Login("boss@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/reports/schedules", url.Values{"kind": {"daily"}, "hour": {"19"}}, boss); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", rec.Code)
	}
	list, err := domain.ListReportSchedules(app)
	if err != nil || len(list) != 1 {
		t.Fatalf("schedules %v %v", list, err)
	}
	id := list[0].Id
	path := "/reports/schedules/" + id + "/enabled"
	if p := tenanttest.Get(t, w.Registry, w.Host(), "/reports", boss).Body.String(); !strings.Contains(p, `action="`+path+`"`) ||
		!strings.Contains(p, `data-testid="schedule-off-`+id+`"`) {
		t.Fatal("no switch on the enabled schedule")
	}
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), path, url.Values{"enabled": {"0"}}, w.Login("lead@acme.test", tenanttest.Password)); rec.Code != http.StatusForbidden {
		t.Errorf("site lead: %d, want 403", rec.Code)
	}
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), path, url.Values{"enabled": {"peut-être"}}, boss); rec.Code != http.StatusBadRequest {
		t.Errorf("bad value: %d, want 400", rec.Code)
	}
	for range 2 { // a double click changes it once
		if rec := tenanttest.PostForm(t, w.Registry, w.Host(), path, url.Values{"enabled": {"0"}}, boss); rec.Code != http.StatusSeeOther {
			t.Fatalf("switch off: %d", rec.Code)
		}
	}
	s, _ := domain.FindReportSchedule(app, id)
	if s.Enabled() {
		t.Error("still enabled")
	}
	if n, _ := app.CountRecords(domain.CollectionAuditEvents, dbx.HashExp{"collection": "report_schedules", "record": id, "action": "update"}); n != 1 {
		t.Errorf("%d audit events, want 1", n)
	}
	if p := tenanttest.Get(t, w.Registry, w.Host(), "/reports", boss).Body.String(); !strings.Contains(p, `data-testid="schedule-on-`+id+`"`) {
		t.Error("no switch to turn the schedule back on")
	}
	if rec := tenanttest.PostForm(t, w.Registry, w.Host(), "/reports/schedules/nope/enabled", url.Values{"enabled": {"1"}}, boss); rec.Code != http.StatusNotFound {
		t.Errorf("unknown schedule: %d, want 404", rec.Code)
	}
}
