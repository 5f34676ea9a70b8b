package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSiteDailyLogPage: the site lead writes the day's log from the site
// page's log tab, sees it listed, edits it; bad input comes back on the
// form; a lead of another site and a crew member are refused.
func TestSiteDailyLogPage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 18, 15, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	tt.User(domain.RoleSiteLead, "lead2@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-LOG", "name": "Journal", "sector": "btp", "status": "active",
		"site_lead": lead.Id, "team": []string{crew.Id}})
	leadC := tt.Login("lead@acme.test", tenanttest.Password)
	path := "/sites/" + site.Id + "/log"

	page := tenanttest.Get(t, tt.Registry, tt.Host(), path, leadC)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `data-testid="dailylog-form"`) ||
		!strings.Contains(page.Body.String(), `value="2026-11-18"`) || !strings.Contains(page.Body.String(), "Aucun journal") {
		t.Fatalf("log tab: %d, want the form of today (18/11) and no entry yet:\n%s", page.Code, page.Body)
	}
	// the lead's daily plan links to the log to write
	today := tenanttest.Get(t, tt.Registry, tt.Host(), "/today", leadC).Body.String()
	if !strings.Contains(today, `href="`+path+`?day=2026-11-18" data-testid="today-dailylog"`) || !strings.Contains(today, "Journal à remplir") {
		t.Errorf("/today has no link to the day's log to write")
	}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"day": {"2026-11-18"}, "weather": {"rain"},
		"temperature": {"7,5"}, "notes": {"Livraison béton décalée"}}, leadC)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != path+"?day=2026-11-18&toast=saved" {
		t.Fatalf("save: %d → %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	page = tenanttest.Get(t, tt.Registry, tt.Host(), rec.Header().Get("Location"), leadC)
	body := page.Body.String()
	for _, want := range []string{`data-testid="dailylog-entry"`, "18/11/2026", "Pluie, 7,5 °C", "Livraison béton décalée", `value="7.5"`, `<option value="rain" selected`} {
		if !strings.Contains(body, want) {
			t.Errorf("after the save the tab lacks %q", want)
		}
	}
	if today := tenanttest.Get(t, tt.Registry, tt.Host(), "/today", leadC).Body.String(); !strings.Contains(today, "Pluie, 7,5 °C") || strings.Contains(today, "Journal à remplir") {
		t.Errorf("/today does not show the day's log as written")
	}
	if next := tenanttest.Get(t, tt.Registry, tt.Host(), "/today?date=2026-11-19", leadC).Body.String(); strings.Contains(next, "today-dailylog") {
		t.Errorf("/today of tomorrow offers a log to write")
	}
	// the same day again replaces the entry
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"day": {"2026-11-18"}, "weather": {"sunny"}}, leadC); rec.Code != http.StatusSeeOther {
		t.Fatalf("second save: %d", rec.Code)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionDailyLogs); n != 1 {
		t.Errorf("%d logs after two saves of one day, want 1", n)
	}
	// bad input comes back on the form, typed values kept
	for _, c := range []struct {
		name   string
		values url.Values
		field  string
	}{
		{"temperature", url.Values{"day": {"2026-11-17"}, "temperature": {"chaud"}, "notes": {"gardé"}}, "temperature"},
		{"tomorrow", url.Values{"day": {"2026-11-19"}, "weather": {"sunny"}, "notes": {"gardé"}}, "day"},
		{"weather", url.Values{"day": {"2026-11-17"}, "weather": {"hail"}, "notes": {"gardé"}}, "weather"},
		{"empty", url.Values{"day": {"2026-11-17"}}, "notes"},
	} {
		rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, c.values, leadC)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `data-testid="error-`+c.field+`"`) {
			t.Errorf("%s: %d, want 400 with an error on %s", c.name, rec.Code, c.field)
		}
		if c.values.Get("notes") != "" && !strings.Contains(rec.Body.String(), ">gardé</textarea>") {
			t.Errorf("%s: the notes typed in are lost", c.name)
		}
	}
	// refusals: a lead of another site, a crew member of the site
	for _, c := range []*http.Cookie{tt.Login("lead2@acme.test", tenanttest.Password), tt.Login("crew@acme.test", tenanttest.Password)} {
		if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"day": {"2026-11-17"}, "weather": {"snow"}}, c); rec.Code != http.StatusForbidden {
			t.Errorf("refused writer: %d, want 403", rec.Code)
		}
	}
	lead2 := tenanttest.Get(t, tt.Registry, tt.Host(), path, tt.Login("lead2@acme.test", tenanttest.Password))
	if lead2.Code != http.StatusOK || strings.Contains(lead2.Body.String(), `data-testid="dailylog-form"`) || !strings.Contains(lead2.Body.String(), "Ensoleillé") {
		t.Errorf("another site's lead: %d, want the log read-only", lead2.Code)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionDailyLogs); n != 1 {
		t.Errorf("%d logs after refused saves, want 1", n)
	}
}

// TestDailyLogREST: through the REST API, a crew member of the site reads
// its logs but may not write one; a lead writes his site's only, in his
// own name.
func TestDailyLogREST(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	tt.User(domain.RoleSiteLead, "lead2@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	tt.User(domain.RoleCrew, "outsider@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-R", "name": "REST", "sector": "btp", "status": "active",
		"site_lead": lead.Id, "team": []string{crew.Id}})
	const records = "/api/collections/daily_logs/records"
	body := func(extra string) *strings.Reader {
		return strings.NewReader(`{"site":"` + site.Id + `","day":"2020-06-15 00:00:00.000Z","weather":"wind"` + extra + `}`)
	}
	for _, c := range []struct {
		who, extra string
		want       int
	}{
		{"crew@acme.test", "", http.StatusBadRequest},
		{"lead2@acme.test", "", http.StatusBadRequest},
		{"lead@acme.test", `,"author":"` + crew.Id + `"`, http.StatusBadRequest},       // in someone else's name
		{"lead@acme.test", `,"day":"2099-01-01 00:00:00.000Z"`, http.StatusBadRequest}, // a day to come
		{"lead@acme.test", "", http.StatusOK},
		{"lead@acme.test", "", http.StatusBadRequest}, // the same day twice
	} {
		rec := tenanttest.Do(t, tt.Registry, "POST", tt.Host(), records, tt.Token("users", c.who), body(c.extra))
		if rec.Code != c.want {
			t.Errorf("%s creates %s: %d, want %d\n%s", c.who, c.extra, rec.Code, c.want, rec.Body)
		}
	}
	logs, err := tt.App().FindAllRecords(domain.CollectionDailyLogs)
	if err != nil || len(logs) != 1 {
		t.Fatalf("%v: %d logs, want the lead's one", err, len(logs))
	}
	id := logs[0].Id
	if logs[0].GetString("author") != lead.Id {
		t.Errorf("author %q, want the lead who wrote it (server-set)", logs[0].GetString("author"))
	}
	if rec := tenanttest.Do(t, tt.Registry, "PATCH", tt.Host(), records+"/"+id, tt.Token("users", "lead2@acme.test"), strings.NewReader(`{"weather":"sunny"}`)); rec.Code < 400 {
		t.Errorf("another site's lead updates: %d, want a refusal", rec.Code)
	}
	if rec := tenanttest.Do(t, tt.Registry, "PATCH", tt.Host(), records+"/"+id, tt.Token("users", "crew@acme.test"), strings.NewReader(`{"weather":"sunny"}`)); rec.Code < 400 {
		t.Errorf("crew updates: %d, want a refusal", rec.Code)
	}
	if rec := tenanttest.Do(t, tt.Registry, "DELETE", tt.Host(), records+"/"+id, tt.Token("users", "crew@acme.test"), nil); rec.Code < 400 {
		t.Errorf("crew deletes: %d, want a refusal", rec.Code)
	}
	if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), records+"/"+id, tt.Token("users", "crew@acme.test"), nil); rec.Code != http.StatusOK {
		t.Errorf("crew of the site reads: %d, want 200", rec.Code)
	}
	if rec := tenanttest.Do(t, tt.Registry, "GET", tt.Host(), records+"/"+id, tt.Token("users", "outsider@acme.test"), nil); rec.Code != http.StatusNotFound {
		t.Errorf("crew of no site reads: %d, want 404", rec.Code)
	}
	if w, _ := tt.App().FindRecordById(domain.CollectionDailyLogs, id); w.GetString("weather") != "wind" {
		t.Errorf("weather %q after refused writes", w.GetString("weather"))
	}
}
