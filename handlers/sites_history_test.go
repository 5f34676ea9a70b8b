package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestSiteHistoryIsHuman: the history tab shows who by name, what by the
// record's name, each field by its label with old → new values in the
// reader's language (names for people, labels for statuses, dates, euros)
// and never a column name, an id or JSON.
func TestSiteHistoryIsHuman(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	lead1 := tt.User(domain.RoleSiteLead, "lead1@acme.test")
	lead2, err := domain.CreateUser(app, domain.NewUser{Email: "lead2@acme.test", Password: tenanttest.Password, Name: "Nadia Benali", Role: domain.RoleSiteLead})
	if err != nil {
		t.Fatal(err)
	}
	in := domain.SiteInput{Code: "CH-7", Name: "Gymnase", Sector: domain.SectorBTP, Status: domain.SitePlanned, SiteLead: lead1.Id,
		Start: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Budget: 120000}
	site, err := domain.CreateSite(app, pm.Record, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Status, in.SiteLead, in.End, in.Budget = "active", lead2.Id, time.Date(2027, 7, 15, 0, 0, 0, 0, time.UTC), 134500.5
	if _, err := domain.UpdateSite(app, pm.Record, site.Id, in); err != nil {
		t.Fatal(err)
	}
	cookie := tt.Login("pm@acme.test", tenanttest.Password)
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id+"/history", cookie)
	if rec.Code != http.StatusOK {
		t.Fatalf("history = %d", rec.Code)
	}
	table := testid(doc(t, rec.Body.String()), "site-history")
	update := table.Find("tbody tr").First() // newest first
	changes := map[string]string{}
	update.Find(`[data-testid="history-change"]`).Each(func(_ int, s *goquery.Selection) {
		label := s.Find(".change-label").Text()
		changes[label] = strings.Join(strings.Fields(strings.TrimPrefix(s.Text(), label)), " ")
	})
	want := map[string]string{
		"Statut":           ": Planifié → En cours",
		"Chef de chantier": ": Test site_lead → Nadia Benali",
		"Fin":              ": 30/06/2027 → 15/07/2027",
		"Budget":           ": 120 000,00 € → 134 500,50 €", // (Fields splits the no-break spaces)
	}
	for label, v := range want {
		if changes[label] != v {
			t.Errorf("%s %q, want %q (all: %q)", label, changes[label], v, changes)
		}
	}
	if row := update.Text(); !strings.Contains(row, "Test project_manager") || !strings.Contains(row, "Modification · Chantier « CH-7 · Gymnase »") {
		t.Errorf("update row: %q", row)
	}
	text := table.Text()
	for _, raw := range []string{"budget", "planned", "active", "geofence", lead1.Id, lead2.Id, pm.Id, "{", "\"", "2027-"} {
		if strings.Contains(text, raw) {
			t.Errorf("raw %q in the history: %q", raw, text)
		}
	}
	// in English: labels and values in English, amounts in English form
	en := tenanttest.Get(t, tt.Registry, tt.Host(), "/lang/en", cookie)
	if en.Code != http.StatusSeeOther {
		t.Fatalf("lang = %d", en.Code)
	}
	rec = tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id+"/history", cookie)
	row := testid(doc(t, rec.Body.String()), "site-history").Find("tbody tr").First().Text()
	for _, s := range []string{"Updated · Site “CH-7 · Gymnase”", "Site lead", "Nadia Benali", "€134,500.50", "15 Jul 2027"} {
		if !strings.Contains(row, s) {
			t.Errorf("English row lacks %q: %q", s, row)
		}
	}
}

// TestSpecificSuccessMessages: a save says what was saved, by name, in
// the user's language (not a generic "Paramètres enregistrés.").
func TestSpecificSuccessMessages(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleProjectManager, "pm@acme.test")
	pm := tt.Login("pm@acme.test", tenanttest.Password)
	form := url.Values{"code": {"ch-9"}, "name": {"Halle"}, "sector": {"btp"}, "status": {"planned"}, "start": {"2027-01-04"}, "end": {"2027-02-26"}}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/sites", form, pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create = %d", rec.Code)
	}
	loc := rec.Header().Get("Location")
	site := strings.TrimPrefix(strings.Split(loc, "?")[0], "/sites/")
	toast := func(path string) string {
		return testid(doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), path, pm).Body.String()), "toasts").Text()
	}
	if got := toast(loc); !strings.Contains(got, "Chantier « CH-9 · Halle » créé.") {
		t.Errorf("create toast %q", got)
	}
	form.Set("name", "Halle des sports")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/sites/"+site+"/edit", form, pm); rec.Code != http.StatusSeeOther {
		t.Fatalf("update = %d %.300s", rec.Code, rec.Body)
	} else if got := toast(rec.Header().Get("Location")); !strings.Contains(got, "Chantier « CH-9 · Halle des sports » enregistré.") || strings.Contains(got, "Paramètres") {
		t.Errorf("update toast %q", got)
	}
	tenanttest.Get(t, tt.Registry, tt.Host(), "/lang/en", pm)
	if got := toast(loc); !strings.Contains(got, "Site “CH-9 · Halle des sports” created.") {
		t.Errorf("English toast %q", got)
	}
}
