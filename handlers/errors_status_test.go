package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// englishLeaks are the words of Go's and PocketBase's own error texts: a
// French status page shows none of them.
var englishLeaks = []string{"Not Found", "Forbidden", "Internal Server Error", "Method Not Allowed", "Unauthorized",
	"Too Many Requests", "Service Unavailable", "The requested resource", "Something went wrong"}

// TestStatusPagesInTheUsersLanguage: every status a browser user can
// reach is a page in their language, inside their shell when signed in
// (office sidebar, crew tabs), with a way back; API paths keep JSON.
func TestStatusPagesInTheUsersLanguage(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg, host := tt.Registry, tt.Host()
	admin := tt.Login(tt.Admin, tenanttest.Password)
	tt.User(domain.RoleCrew, "crew@acme.test")
	crew := tt.Login("crew@acme.test", tenanttest.Password)
	english := &http.Cookie{Name: "fieldops_lang", Value: "en"}
	scenarios := []struct {
		name, method, path string
		cookies            []*http.Cookie
		status             int
		title, message     string
		shell              string // testid of the shell, "" for the public one
		allow              string
	}{
		{"unknown page", "GET", "/no-such-page", []*http.Cookie{admin}, 404, "Page introuvable", "Cette page n'existe pas", "sidebar", ""},
		{"unknown page, anonymous", "GET", "/no-such-page", nil, 404, "Page introuvable", "Cette page n'existe pas", "", ""},
		{"unknown page, English", "GET", "/no-such-page", []*http.Cookie{english}, 404, "Page not found", "This page does not exist", "", ""},
		{"form target opened", "GET", "/logout", []*http.Cookie{admin}, 405, "Adresse à ne pas ouvrir directement", "elle sert à envoyer un formulaire", "sidebar", "POST"},
		{"page posted to", "POST", "/dashboard", []*http.Cookie{admin}, 405, "Adresse à ne pas ouvrir directement", "Cette action n'est pas possible", "sidebar", "GET"},
		{"forbidden, crew", "GET", "/settings", []*http.Cookie{crew}, 403, "Accès refusé", "Vous n'avez pas accès à cette page", "crew-tabs", ""},
		{"unknown crew page", "GET", "/m/no-such-page", []*http.Cookie{crew}, 404, "Page introuvable", "Cette page n'existe pas", "crew-tabs", ""},
		{"anonymous post", "POST", "/settings", nil, 401, "Session expirée", "reconnectez-vous", "", ""},
		{"anonymous post, English", "POST", "/settings", []*http.Cookie{english}, 401, "Session expired", "please sign in again", "", ""},
		{"unknown record", "GET", "/sites/nosuchsite000000", []*http.Cookie{admin}, 404, "Page introuvable", "Chantier introuvable", "sidebar", ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			req := tenanttest.NewRequest(s.method, host, s.path, nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			for _, c := range s.cookies {
				req.AddCookie(c)
			}
			rec := tenanttest.Serve(reg, req)
			d := doc(t, rec.Body.String())
			page := testid(d, "status-page")
			if rec.Code != s.status || page.AttrOr("data-status", "") != strconv.Itoa(s.status) {
				t.Fatalf("status %d (page %q), want %d: %.300s", rec.Code, page.AttrOr("data-status", ""), s.status, rec.Body)
			}
			if got := testid(d, "status-title").Text(); got != s.title {
				t.Errorf("title %q, want %q", got, s.title)
			}
			if got := d.Find("title").Text(); !strings.HasPrefix(got, s.title) {
				t.Errorf("<title> %q, want %q", got, s.title)
			}
			if got := testid(d, "status-message").Text(); !strings.Contains(got, s.message) {
				t.Errorf("message %q, want %q", got, s.message)
			}
			if testid(d, "status-action").AttrOr("href", "") == "" {
				t.Error("no way back")
			}
			for _, shell := range []string{"sidebar", "crew-tabs"} {
				if got := testid(d, shell).Length() > 0; got != (shell == s.shell) {
					t.Errorf("shell %s shown: %v, want shell %q", shell, got, s.shell)
				}
			}
			if got := rec.Header().Get("Allow"); got != s.allow {
				t.Errorf("Allow %q, want %q", got, s.allow)
			}
			if !strings.Contains(s.name, "English") {
				for _, w := range englishLeaks {
					if strings.Contains(rec.Body.String(), w) {
						t.Errorf("English leaks into the French page: %q", w)
					}
				}
			}
		})
	}
	// an API path keeps PocketBase's JSON
	rec := tenanttest.Get(t, reg, host, "/api/no-such-endpoint", admin)
	if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("API 404: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// an anonymous GET of a page still goes to the sign-in form
	if rec := tenanttest.Get(t, reg, host, "/settings"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
		t.Errorf("anonymous GET: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

// TestRateLimitedPage: PocketBase's rate limit, when a tenant turns it
// on, answers a page user with the 429 page in French, not JSON.
func TestRateLimitedPage(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	app := tt.App()
	settings := app.Settings()
	settings.RateLimits.Enabled = true
	settings.RateLimits.Rules = []core.RateLimitRule{{Label: "GET /login", MaxRequests: 1, Duration: 60}}
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	var rec *httptest.ResponseRecorder
	for range 3 {
		rec = tenanttest.Get(t, tt.Registry, tt.Host(), "/login")
	}
	d := doc(t, rec.Body.String())
	if rec.Code != http.StatusTooManyRequests || testid(d, "status-title").Text() != "Trop de demandes" ||
		!strings.Contains(testid(d, "status-message").Text(), "Patientez une minute") || strings.Contains(rec.Body.String(), "Too Many") {
		t.Errorf("rate limited: %d %.400s", rec.Code, rec.Body)
	}
}

// TestDispatcherStatusPageLanguage: the dispatcher's pages (no session)
// speak the visitor's language alone, with a title.
func TestDispatcherStatusPageLanguage(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t)
	for _, s := range []struct{ accept, title, text, other string }{
		{"fr-FR,fr;q=0.9", "Page introuvable", "Aucun espace FieldOps360", "No FieldOps360 workspace"},
		{"en-GB,en;q=0.9", "Page not found", "No FieldOps360 workspace", "Aucun espace FieldOps360"},
	} {
		req := tenanttest.NewRequest(http.MethodGet, "nowhere."+reg.Config().Domain, "/", nil)
		req.Header.Set("Accept-Language", s.accept)
		rec := tenanttest.Serve(reg, req)
		d := doc(t, rec.Body.String())
		if rec.Code != http.StatusNotFound || testid(d, "status-title").Text() != s.title ||
			!strings.Contains(rec.Body.String(), s.text) || strings.Contains(rec.Body.String(), s.other) {
			t.Errorf("%s: %d %q %.400s", s.accept, rec.Code, testid(d, "status-title").Text(), rec.Body)
		}
	}
}
