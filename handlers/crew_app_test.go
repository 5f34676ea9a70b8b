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

// TestCrewClockInStates: with nothing open the page offers only the
// clock-in; with an entry open only the clock-out (the clock-in form is
// hidden, a change of site asks for a confirmation); a clock-in posted
// while an entry is open is refused with the reason unless confirmed,
// and confirmed it closes the open entry.
func TestCrewClockInStates(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	reg, host := st.Registry, st.Host()
	c := st.Login("crew@acme.test", tenanttest.Password)
	d := doc(t, tenanttest.Get(t, reg, host, "/m/time", c).Body.String())
	if _, hidden := testid(d, "open-entry").Attr("hidden"); !hidden {
		t.Error("nothing open, yet the clock-out panel is shown")
	}
	if _, hidden := testid(d, "clock-in-form").Attr("hidden"); hidden {
		t.Error("nothing open, yet the clock-in form is hidden")
	}
	if _, hidden := d.Find(`[data-switch]`).Attr("hidden"); !hidden {
		t.Error("nothing open, yet a change of site is offered")
	}
	in := url.Values{"site": {st.site}, "kind": {"on_site"}}
	if rec := tenanttest.PostForm(t, reg, host, "/m/time/clock-in", in, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("clock-in: %d", rec.Code)
	}
	first := domain.FindOpenTimeEntry(st.App(), st.crew)
	if first == nil {
		t.Fatal("no open entry")
	}
	d = doc(t, tenanttest.Get(t, reg, host, "/m/time", c).Body.String())
	if _, hidden := testid(d, "open-entry").Attr("hidden"); hidden {
		t.Error("an entry is open, yet the clock-out panel is hidden")
	}
	if _, hidden := testid(d, "clock-in-form").Attr("hidden"); !hidden {
		t.Error("an entry is open, yet the clock-in form is shown")
	}
	if testid(d, "switch-toggle").Length() != 1 || d.Find(`[data-switch] input[required]`).Length() != 1 {
		t.Error("no confirmed change of site offered")
	}
	// clocking in again without confirming is refused, nothing changes
	rec := tenanttest.PostForm(t, reg, host, "/m/time/clock-in", in, c)
	d = doc(t, rec.Body.String())
	if rec.Code != http.StatusConflict || !strings.Contains(testid(d, "error-switch").Text(), "Un pointage est en cours depuis") ||
		!strings.Contains(testid(d, "error-switch").Text(), "CH-1 · École") {
		t.Fatalf("clock-in while open: %d %q", rec.Code, testid(d, "error-switch").Text())
	}
	if _, hidden := testid(d, "clock-in-form").Attr("hidden"); hidden {
		t.Error("the refused change of site is not shown with its form")
	}
	if n := st.count(t, domain.CollectionTimeEntries, dbx.HashExp{"user": st.crew}); n != 1 {
		t.Fatalf("%d entries after a refused clock-in, want 1", n)
	}
	if open := domain.FindOpenTimeEntry(st.App(), st.crew); open == nil || open.Id != first.Id {
		t.Fatal("the open entry was closed by a refused clock-in")
	}
	// confirmed: the open entry is closed, a new one opens
	in.Set("switch", "1")
	if rec := tenanttest.PostForm(t, reg, host, "/m/time/clock-in", in, c); rec.Code != http.StatusSeeOther {
		t.Fatalf("confirmed change of site: %d %s", rec.Code, rec.Body)
	}
	closed, _ := st.App().FindRecordById(domain.CollectionTimeEntries, first.Id)
	if closed.GetString("status") == domain.TimeOpen || closed.GetDateTime("clock_out").IsZero() {
		t.Errorf("the first entry is still open: %v", closed.FieldsData())
	}
	if open := domain.FindOpenTimeEntry(st.App(), st.crew); open == nil || open.Id == first.Id {
		t.Error("no new open entry after the change of site")
	}
}

// TestCrewSignatureOffered: a job that has not started offers only an
// explicit start-of-work report; in progress (no checklist) nothing; done
// the end-of-work report — on the task page, the sign page and the
// crew's home.
func TestCrewSignatureOffered(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	reg, host := st.Registry, st.Host()
	c := st.Login("crew@acme.test", tenanttest.Password)
	setStatus := func(s string) {
		t.Helper()
		r, _ := st.App().FindRecordById("tasks", st.task)
		r.Set("status", s)
		if err := st.App().Save(r); err != nil {
			t.Fatal(err)
		}
	}
	page := "/m/tasks/" + st.task
	scenarios := []struct {
		status               string
		end, start, form, pv bool
		notYet               bool
	}{
		{status: "planned", start: true, notYet: true, pv: true},
		{status: "in_progress", notYet: true},
		{status: "done", end: true, form: true},
	}
	for _, s := range scenarios {
		setStatus(s.status)
		d := doc(t, tenanttest.Get(t, reg, host, page, c).Body.String())
		if got := testid(d, "task-link-sign_end").Length() == 1; got != s.end {
			t.Errorf("%s: end-of-work link %v, want %v", s.status, got, s.end)
		}
		if got := testid(d, "task-link-sign_start").Length() == 1; got != s.start {
			t.Errorf("%s: start-of-work link %v, want %v", s.status, got, s.start)
		}
		if href, _ := testid(d, "back").Attr("href"); href != "/m/" {
			t.Errorf("%s: back link %q", s.status, href)
		}
		rec := tenanttest.Get(t, reg, host, page+"/sign", c)
		d = doc(t, rec.Body.String())
		if rec.Code != 200 || (testid(d, "sign-form").Length() == 1) != s.form || (testid(d, "sign-not-yet").Length() == 1) != s.notYet {
			t.Errorf("%s: sign page %d form %d notice %q", s.status, rec.Code, testid(d, "sign-form").Length(), testid(d, "sign-not-yet").Text())
		}
		d = doc(t, tenanttest.Get(t, reg, host, page+"/sign?pv=start", c).Body.String())
		if got := testid(d, "sign-start-hint").Length() == 1 && testid(d, "sign-form").Find(`input[name="pv"][value="start"]`).Length() == 1; got != s.pv {
			t.Errorf("%s: start-of-work form %v, want %v", s.status, got, s.pv)
		}
	}
	// the home lists a signature link for done jobs only
	setStatus("in_progress")
	today := time.Now().UTC().Truncate(24 * time.Hour)
	done := st.Record("tasks", map[string]any{"site": st.site, "title": "Regard", "status": "done", "assignees": []string{st.crew}, "planned_start": today, "duration_days": 1})
	st.Record("tasks", map[string]any{"site": st.site, "title": "Fouille", "status": "planned", "assignees": []string{st.crew}, "planned_start": today, "duration_days": 1})
	d := doc(t, tenanttest.Get(t, reg, host, "/m/", c).Body.String())
	if n := testid(d, "task-link").Length(); n < 2 {
		t.Fatalf("home lists %d tasks, want the two of today", n)
	}
	if href, _ := testid(d, "sign-link").Attr("href"); testid(d, "sign-link").Length() != 1 || href != "/m/tasks/"+done.Id+"/sign" {
		t.Errorf("home: %d signature links (%q), want the done job's only", testid(d, "sign-link").Length(), href)
	}
}

// TestCrewShellMenu: every crew page has the menu with the user's name,
// the other language and the logout; the task and sign pages a back
// link; the shell carries the user the outbox sends for.
func TestCrewShellMenu(t *testing.T) {
	t.Parallel()
	st := newSyncTenant(t)
	c := st.Login("crew@acme.test", tenanttest.Password)
	for _, p := range []string{"/m/", "/m/time", "/m/incident", "/m/photos", "/m/consumption", "/m/tasks/" + st.task} {
		rec := tenanttest.Get(t, st.Registry, st.Host(), p, c)
		d := doc(t, rec.Body.String())
		if rec.Code != 200 || testid(d, "crew-menu").Length() != 1 || testid(d, "lang-en").Length() != 1 ||
			d.Find(`form[action="/logout"] [data-testid="logout"]`).Length() != 1 {
			t.Errorf("%s: %d, menu %d lang %d logout %d", p, rec.Code, testid(d, "crew-menu").Length(), testid(d, "lang-en").Length(), testid(d, "logout").Length())
		}
		if u, _ := testid(d, "outbox-pending").Attr("data-user"); u != st.crew {
			t.Errorf("%s: outbox user %q", p, u)
		}
		if d.Find(`script#crew-texts[type="application/json"]`).Length() != 1 {
			t.Errorf("%s: no crew texts", p)
		}
	}
}
