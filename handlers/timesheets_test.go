package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// tsDay is the day of the test entries: two days ago (Europe/Paris), in
// the crew's backdating window.
func tsDay(t *testing.T, h, m int) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation(domain.DefaultTimezone)
	d := time.Now().In(loc).AddDate(0, 0, -2)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
}

// tsWorld is a site with two crew members' submitted time and a manager.
type tsWorld struct {
	syncTenant
	manager, e1, e2, e3 string
}

func newTSWorld(t *testing.T) tsWorld {
	t.Helper()
	w := tsWorld{syncTenant: newSyncTenant(t)}
	w.manager = w.User(domain.RoleManager, "boss@acme.test").Id
	entry := func(user string, h1, m1, h2, m2 int) string {
		return w.Record("time_entries", map[string]any{"user": user, "site": w.site, "clock_in": tsDay(t, h1, m1).UTC(),
			"clock_out": tsDay(t, h2, m2).UTC(), "status": "submitted"}).Id
	}
	w.e1 = entry(w.crew, 8, 0, 12, 0)   // 4 h
	w.e2 = entry(w.crew, 13, 0, 17, 30) // 4.5 h
	w.e3 = entry(w.crew2, 8, 0, 16, 0)  // 8 h
	return w
}

func (w tsWorld) week() string { return tsDayStr() }

func tsDayStr() string {
	loc, _ := time.LoadLocation(domain.DefaultTimezone)
	return time.Now().In(loc).AddDate(0, 0, -2).Format(time.DateOnly)
}

func TestTimesheetWeekTotalsPerPersonAndTeam(t *testing.T) {
	t.Parallel()
	w := newTSWorld(t)
	reg, host := w.Registry, w.Host()
	lc := w.Login("lead@acme.test", tenanttest.Password)
	rec := tenanttest.Get(t, reg, host, "/timesheets?week="+w.week()+"&site="+w.site, lc)
	if rec.Code != 200 {
		t.Fatalf("team week: %d %s", rec.Code, rec.Body)
	}
	d := doc(t, rec.Body.String())
	if got := strings.TrimSpace(d.Find(`[data-testid="row-` + w.crew + `"] [data-testid="row-total"]`).Text()); got != "8,5\u00a0h" {
		t.Errorf("crew total = %q, want 8,5 h", got)
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="row-` + w.crew2 + `"] [data-testid="row-total"]`).Text()); got != "8\u00a0h" {
		t.Errorf("crew2 total = %q, want 8 h", got)
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="week-total"]`).Text()); got != "16,5\u00a0h" {
		t.Errorf("team total = %q, want 16,5 h", got)
	}
	if d.Find(`[data-testid="timesheet-grid"].table-wrap`).Length() != 1 {
		t.Error("the grid does not scroll in its own container")
	}
	// the crew sees their own week only, and not the team
	c := w.Login("crew@acme.test", tenanttest.Password)
	d = doc(t, tenanttest.Get(t, reg, host, "/timesheets?week="+w.week(), c).Body.String())
	if got := strings.TrimSpace(d.Find(`[data-testid="week-total"]`).Text()); got != "8,5\u00a0h" || d.Find(`[data-testid="row-`+w.crew2+`"]`).Length() != 0 {
		t.Errorf("crew's own week: total %q, other rows %d", got, d.Find(`[data-testid="row-`+w.crew2+`"]`).Length())
	}
	if rec := tenanttest.Get(t, reg, host, "/timesheets?week="+w.week()+"&site="+w.site, c); rec.Code != 403 {
		t.Errorf("crew on the team week: %d", rec.Code)
	}
	if rec := tenanttest.Get(t, reg, host, "/timesheets?user="+w.crew2, c); rec.Code != 403 {
		t.Errorf("crew on another person's week: %d", rec.Code)
	}
}

func TestTimesheetCorrectionProposeApproveRefuse(t *testing.T) {
	t.Parallel()
	w := newTSWorld(t)
	reg, host, app := w.Registry, w.Host(), w.App()
	c := w.Login("crew@acme.test", tenanttest.Password)
	lc := w.Login("lead@acme.test", tenanttest.Password)
	mc := w.Login("boss@acme.test", tenanttest.Password)
	// the lead rejects the first entry: the crew may now ask a correction
	if rec := tenanttest.PostForm(t, reg, host, "/time-approvals/"+w.e1+"/reject", url.Values{"reason": {"Arrivée trop tôt"}}, lc); rec.Code != 303 {
		t.Fatalf("reject: %d", rec.Code)
	}
	d := doc(t, tenanttest.Get(t, reg, host, "/timesheets?week="+w.week()+"&user="+w.crew, c).Body.String())
	if d.Find(`form[data-testid="correct-`+w.e1+`"]`).Length() != 1 {
		t.Fatal("no correction form on the rejected entry")
	}
	in, out := tsDay(t, 8, 30).Format("2006-01-02T15:04"), tsDay(t, 12, 0).Format("2006-01-02T15:04")
	path := "/timesheets/entries/" + w.e1 + "/correction"
	rec := tenanttest.PostForm(t, reg, host, path, url.Values{"clock_in": {in}, "clock_out": {out}, "reason": {"  "}}, c)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "Indiquez le motif de la correction") {
		t.Fatalf("without a reason: %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, reg, host, path, url.Values{"clock_in": {in}, "clock_out": {out}, "reason": {"Arrivé à 8 h 30, badge oublié"}}, c)
	if rec.Code != 303 {
		t.Fatalf("propose: %d %s", rec.Code, rec.Body)
	}
	cs, _ := domain.FindCorrections(app, w.User(domain.RoleManager, "boss2@acme.test").Record, domain.CorrectionPending)
	if len(cs) != 1 {
		t.Fatalf("pending corrections: %d", len(cs))
	}
	corr := cs[0].Id
	// another person's entry, a second request, a site lead's review: refused
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/entries/"+w.e3+"/correction", url.Values{"clock_in": {in}, "clock_out": {out}, "reason": {"x"}}, c); rec.Code != 403 {
		t.Errorf("correction of another's entry: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, path, url.Values{"clock_in": {in}, "clock_out": {out}, "reason": {"encore"}}, c); rec.Code != 409 {
		t.Errorf("second pending request: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/corrections/"+corr+"/approve", nil, lc); rec.Code != 403 {
		t.Errorf("site lead approves a correction: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/corrections/"+corr+"/approve", nil, c); rec.Code != 403 {
		t.Errorf("crew approves a correction: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/corrections/"+corr+"/approve", nil, mc); rec.Code != 303 {
		t.Fatalf("manager approves: %d %s", rec.Code, rec.Body)
	}
	e, _ := domain.FindTimeEntry(app, w.e1)
	if e.Status() != "approved" || !e.ClockIn().Equal(tsDay(t, 8, 30)) || e.EditReason() != "Arrivé à 8 h 30, badge oublié" {
		t.Errorf("entry after approval: %s %v %q", e.Status(), e.ClockIn(), e.EditReason())
	}
	// both steps are audited, with their actors
	if n := w.count(t, "audit_events", dbx.HashExp{"collection": "time_corrections", "actor": w.crew}); n != 1 {
		t.Errorf("proposal audit events: %d", n)
	}
	if n := w.count(t, "audit_events", dbx.HashExp{"collection": "time_corrections", "actor": w.manager}); n != 1 {
		t.Errorf("review audit events: %d", n)
	}
	if n := w.count(t, "audit_events", dbx.HashExp{"collection": "time_entries", "record": w.e1, "actor": w.manager}); n != 1 {
		t.Errorf("entry correction audit events: %d", n)
	}
	// refusal: needs a note, leaves the entry unchanged
	rec = tenanttest.PostForm(t, reg, host, "/timesheets/entries/"+w.e2+"/correction", url.Values{"clock_in": {in}, "clock_out": {tsDay(t, 18, 0).Format("2006-01-02T15:04")}, "reason": {"Oubli"}}, c)
	if rec.Code != 303 {
		t.Fatalf("second proposal: %d", rec.Code)
	}
	cs, _ = domain.FindCorrections(app, w.User(domain.RoleManager, "boss3@acme.test").Record, domain.CorrectionPending)
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/corrections/"+cs[0].Id+"/refuse", nil, mc); rec.Code != 400 {
		t.Errorf("refusal without a note: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/corrections/"+cs[0].Id+"/refuse", url.Values{"note": {"Chantier fermé à 17 h"}}, mc); rec.Code != 303 {
		t.Fatalf("refuse: %d", rec.Code)
	}
	got, _ := domain.FindTimeCorrection(app, cs[0].Id)
	e2, _ := domain.FindTimeEntry(app, w.e2)
	if got.Status() != "refused" || got.ReviewNote() != "Chantier fermé à 17 h" || e2.ClockOut().Equal(tsDay(t, 18, 0)) {
		t.Errorf("refusal: %s %q, entry out %v", got.Status(), got.ReviewNote(), e2.ClockOut())
	}
	noRawValues(t, "the crew's timesheet", tenanttest.Get(t, reg, host, "/timesheets?week="+w.week()+"&user="+w.crew, c).Body.String())
}

func TestTimesheetPeriodCloseRefusesEveryPathUntilReopened(t *testing.T) {
	t.Parallel()
	w := newTSWorld(t)
	reg, host, app := w.Registry, w.Host(), w.App()
	c := w.Login("crew@acme.test", tenanttest.Password)
	lc := w.Login("lead@acme.test", tenanttest.Password)
	mc := w.Login("boss@acme.test", tenanttest.Password)
	close := url.Values{"kind": {"week"}, "day": {w.week()}}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/close", close, lc); rec.Code != 403 {
		t.Errorf("site lead closes: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/close", close, c); rec.Code != 403 {
		t.Errorf("crew closes: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/close", close, mc); rec.Code != 303 {
		t.Fatalf("manager closes: %d %s", rec.Code, rec.Body)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/timesheets/close", close, mc); rec.Code != 409 {
		t.Errorf("closing twice: %d", rec.Code)
	}
	ps, _ := domain.FindTimePeriods(app, 5)
	if len(ps) != 1 || ps[0].Status() != "closed" {
		t.Fatalf("periods: %v", ps)
	}
	const closedMsg = "Période clôturée"
	// pages: the lead's approval, the crew's correction request
	rec := tenanttest.PostForm(t, reg, host, "/time-approvals/"+w.e1+"/approve", nil, lc)
	if rec.Code != 409 || !strings.Contains(rec.Body.String(), closedMsg) {
		t.Errorf("approval in a closed week: %d", rec.Code)
	}
	in, out := tsDay(t, 8, 30).Format("2006-01-02T15:04"), tsDay(t, 12, 0).Format("2006-01-02T15:04")
	rec = tenanttest.PostForm(t, reg, host, "/timesheets/entries/"+w.e1+"/correction", url.Values{"clock_in": {in}, "clock_out": {out}, "reason": {"Oubli"}}, c)
	if rec.Code != 409 || !strings.Contains(rec.Body.String(), closedMsg) {
		t.Errorf("correction in a closed week: %d", rec.Code)
	}
	// REST: update and delete
	tok := w.Token("users", "lead@acme.test")
	rec = tenanttest.Do(t, reg, "PATCH", host, "/api/collections/time_entries/records/"+w.e1, tok, apiJSON(map[string]any{"kind": "travel", "edit_reason": "Trajet"}))
	if rec.Code < 400 || !strings.Contains(rec.Body.String(), "clôturée") {
		t.Errorf("REST update in a closed week: %d %s", rec.Code, rec.Body)
	}
	if rec := tenanttest.Do(t, reg, "DELETE", host, "/api/collections/time_entries/records/"+w.e3, tok, nil); rec.Code < 400 {
		t.Errorf("REST delete in a closed week: %d", rec.Code)
	}
	// sync: a late clock-in inside the week
	_, res := w.sync(t, "crew@acme.test", syncOp{"key": ulid(901), "op": "create", "collection": "time_entries",
		"device_time": tsDay(t, 18, 0).Format(time.RFC3339), "data": map[string]any{"site": w.site, "clock_in": tsDay(t, 18, 0).UTC().Format(time.RFC3339), "clock_out": tsDay(t, 19, 0).UTC().Format(time.RFC3339)}})
	if len(res) != 1 || res[0].Status < 400 || !strings.Contains(res[0].Error, "clôturée") {
		t.Errorf("sync in a closed week: %+v", res)
	}
	d := doc(t, tenanttest.Get(t, reg, host, "/timesheets?week="+w.week(), mc).Body.String())
	if d.Find(`[data-testid="week-closed"]`).Length() != 1 {
		t.Error("the closed week is not shown as closed")
	}
	// reopening: a manager, with a reason of 10 characters
	p := "/timesheets/periods/" + ps[0].Id + "/reopen"
	if rec := tenanttest.PostForm(t, reg, host, p, url.Values{"reason": {"Erreur de paie corrigée"}}, lc); rec.Code != 403 {
		t.Errorf("site lead reopens: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, p, url.Values{"reason": {"trop"}}, mc); rec.Code != 400 {
		t.Errorf("reopen with a short reason: %d", rec.Code)
	}
	if rec := tenanttest.PostForm(t, reg, host, p, url.Values{"reason": {"Erreur de paie corrigée"}}, mc); rec.Code != 303 {
		t.Fatalf("reopen: %d %s", rec.Code, rec.Body)
	}
	if n := w.count(t, "audit_events", dbx.HashExp{"collection": "time_periods", "actor": w.manager}); n != 2 {
		t.Errorf("period audit events (close, reopen): %d", n)
	}
	if rec := tenanttest.PostForm(t, reg, host, "/time-approvals/"+w.e1+"/approve", nil, lc); rec.Code != http.StatusSeeOther {
		t.Errorf("approval once reopened: %d", rec.Code)
	}
}
