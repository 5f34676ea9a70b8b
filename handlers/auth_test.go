package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func doc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testid(d *goquery.Document, id string) *goquery.Selection {
	return d.Find(`[data-testid="` + id + `"]`)
}

func TestLoginSuccessFailureLogout(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleSiteLead, "chef@acme.test")
	reg := tt.Registry

	// failure: 400, the form again with a message that does not say why
	for _, bad := range []url.Values{
		{"email": {"chef@acme.test"}, "password": {"wrong-password"}},
		{"email": {"nobody@acme.test"}, "password": {"whatever-123"}},
	} {
		rec := tenanttest.PostForm(t, reg, tt.Host(), "/login", bad)
		if rec.Code != http.StatusBadRequest || tenanttest.SessionCookie(rec) != nil {
			t.Fatalf("bad login = %d (cookie %v), want 400 without cookie", rec.Code, tenanttest.SessionCookie(rec))
		}
		d := doc(t, rec.Body.String())
		if msg := testid(d, "login-error").Text(); !strings.Contains(msg, "incorrect") {
			t.Errorf("failure message = %q", msg)
		}
		if v, _ := testid(d, "field-email").Attr("value"); v != bad.Get("email") {
			t.Errorf("typed email lost: %q", v)
		}
	}
	// the two failures answer the same text (no account probing)
	a := tenanttest.PostForm(t, reg, tt.Host(), "/login", url.Values{"email": {"chef@acme.test"}, "password": {"x-wrong-xx"}})
	b := tenanttest.PostForm(t, reg, tt.Host(), "/login", url.Values{"email": {"ghost@acme.test"}, "password": {"x-wrong-xx"}})
	if testid(doc(t, a.Body.String()), "login-error").Text() != testid(doc(t, b.Body.String()), "login-error").Text() {
		t.Error("failure messages differ between known and unknown accounts")
	}

	// success: 303 to / with an HttpOnly, SameSite=Lax cookie
	rec := tenanttest.PostForm(t, reg, tt.Host(), "/login", url.Values{"email": {"Chef@Acme.test"}, "password": {tenanttest.Password}})
	c := tenanttest.SessionCookie(rec)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" || c == nil {
		t.Fatalf("login = %d → %q, cookie %v", rec.Code, rec.Header().Get("Location"), c)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Domain != "" {
		t.Errorf("cookie flags: HttpOnly=%v SameSite=%v Domain=%q", c.HttpOnly, c.SameSite, c.Domain)
	}
	rec = tenanttest.Get(t, reg, tt.Host(), "/", c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/today" {
		t.Fatalf("/ for a site lead = %d → %q, want 303 → /today", rec.Code, rec.Header().Get("Location"))
	}
	rec = tenanttest.Get(t, reg, tt.Host(), "/today", c)
	if rec.Code != 200 || testid(doc(t, rec.Body.String()), "today-page").Length() != 1 {
		t.Fatalf("/today = %d", rec.Code)
	}
	u, _ := tt.App().FindAuthRecordByEmail("users", "chef@acme.test")
	if u.GetDateTime("last_login").IsZero() {
		t.Error("last_login not recorded")
	}

	// logout revokes the session and clears the cookie
	rec = tenanttest.PostForm(t, reg, tt.Host(), "/logout", nil, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("logout = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	cleared := false
	for _, k := range rec.Result().Cookies() {
		if k.Name == "fieldops_session" && k.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Error("logout did not expire the session cookie")
	}
	for name, cookies := range map[string][]*http.Cookie{"without cookie": nil, "with the revoked cookie": {c}} {
		if rec := tenanttest.Get(t, reg, tt.Host(), "/today", cookies...); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("/today %s = %d → %q, want redirect to /login", name, rec.Code, rec.Header().Get("Location"))
		}
	}
}

func TestLoginLockout(t *testing.T) {
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "lucas@acme.test")
	var rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/login", nil)
	for i := range 5 {
		rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/login", url.Values{"email": {"lucas@acme.test"}, "password": {"bad-guess-" + string(rune('a'+i))}})
	}
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(testid(doc(t, rec.Body.String()), "login-error").Text(), "Trop de tentatives") {
		t.Fatalf("5th failure = %d %q, want 429 with the lock message", rec.Code, testid(doc(t, rec.Body.String()), "login-error").Text())
	}
	// even the right password is refused while locked
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/login", url.Values{"email": {"lucas@acme.test"}, "password": {tenanttest.Password}})
	if rec.Code != http.StatusTooManyRequests || tenanttest.SessionCookie(rec) != nil {
		t.Errorf("locked account with right password = %d, want 429 and no session", rec.Code)
	}
	// another account from another IP is not affected
	tt.User(domain.RoleCrew, "other@acme.test")
	tt.Login("other@acme.test", tenanttest.Password)
}

func TestSessionCookieIsWorthlessOnAnotherTenant(t *testing.T) {
	t.Parallel()
	a := handlertest.New(t)
	b := tenanttest.Provision(t, a.Registry, "beta", domain.SectorElec)
	a.User(domain.RoleManager, "boss@shared.test")
	b.User(domain.RoleManager, "boss@shared.test") // same email on both tenants
	c := a.Login("boss@shared.test", tenanttest.Password)

	if rec := tenanttest.Get(t, a.Registry, a.Host(), "/dashboard", c); rec.Code != 200 {
		t.Fatalf("cookie on its own tenant = %d", rec.Code)
	}
	rec := tenanttest.Get(t, a.Registry, b.Host(), "/dashboard", c)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Errorf("A's cookie on B /dashboard = %d → %q, want redirect to login", rec.Code, rec.Header().Get("Location"))
	}
	// nor through B's REST API
	rec = tenanttest.Get(t, a.Registry, b.Host(), "/api/collections/users/records", c)
	if strings.Contains(rec.Body.String(), "boss@shared.test") {
		t.Errorf("A's cookie listed B's users: %s", rec.Body.String())
	}
	// while on A the cookie authenticates the REST API too
	rec = tenanttest.Get(t, a.Registry, a.Host(), "/api/collections/users/records", c)
	if !strings.Contains(rec.Body.String(), "boss@shared.test") {
		t.Errorf("cookie not bridged to the REST API on its own tenant: %s", rec.Body.String())
	}
}

func TestCSRFRefusesCrossOriginPosts(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleManager, "m@acme.test")
	c := tt.Login("m@acme.test", tenanttest.Password)
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "http://evil.example"},
	} {
		req := tenanttest.NewRequest(http.MethodPost, tt.Host(), "/logout", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		req.AddCookie(c)
		rec := tenanttest.Serve(tt.Registry, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("cross-origin POST with %v = %d, want 403", hdr, rec.Code)
		}
		req = tenanttest.NewRequest(http.MethodPost, tt.Host(), "/api/collections/clients/records", strings.NewReader(`{"name":"x"}`))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		req.AddCookie(c)
		if rec := tenanttest.Serve(tt.Registry, req); rec.Code != http.StatusForbidden {
			t.Errorf("cross-origin API POST with %v = %d, want 403", hdr, rec.Code)
		}
	}
	if n, _ := tt.App().CountRecords("clients"); n != 0 {
		t.Errorf("a cross-origin request created %d clients", n)
	}
}

func TestRoleGuards(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	cookies := map[string]*http.Cookie{}
	for _, r := range domain.Roles {
		tt.User(r, r+"@acme.test")
		cookies[r] = tt.Login(r+"@acme.test", tenanttest.Password)
	}
	cookies["admin"] = tt.Login(tt.Admin, tenanttest.Password)
	pages := map[string]map[string]int{ // path → role → status
		"/dashboard": {"manager": 200, "project_manager": 403, "site_lead": 403, "crew": 403, "admin": 200},
		"/planning":  {"manager": 200, "project_manager": 200, "site_lead": 403, "crew": 403, "admin": 200},
		"/today":     {"manager": 200, "project_manager": 200, "site_lead": 200, "crew": 403, "admin": 200},
		"/m/":        {"manager": 200, "project_manager": 200, "site_lead": 200, "crew": 200, "admin": 200},
		"/users":     {"manager": 403, "project_manager": 403, "site_lead": 403, "crew": 403, "admin": 200},
		"/settings":  {"manager": 403, "project_manager": 403, "site_lead": 403, "crew": 403, "admin": 200},
	}
	for path, byRole := range pages {
		for role, want := range byRole {
			rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, cookies[role])
			if rec.Code != want {
				t.Errorf("%s as %s = %d, want %d", path, role, rec.Code, want)
			}
			if want == 403 && testid(doc(t, rec.Body.String()), "status-page").Length() != 1 {
				t.Errorf("%s as %s: 403 without the friendly page", path, role)
			}
		}
	}
	homes := map[string]string{"manager": "/dashboard", "project_manager": "/planning", "site_lead": "/today", "crew": "/m/"}
	for role, home := range homes {
		rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/", cookies[role])
		if rec.Header().Get("Location") != home {
			t.Errorf("%s lands on %q, want %q", role, rec.Header().Get("Location"), home)
		}
	}
	// the sidebar only offers what the role may open
	d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/today", cookies["site_lead"]).Body.String())
	if testid(d, "nav-today").Length() != 1 || testid(d, "nav-dashboard").Length() != 0 || testid(d, "nav-users").Length() != 0 {
		t.Error("site lead's sidebar shows modules they cannot open")
	}
	if link := testid(d, "nav-timesheets"); link.Length() != 1 {
		t.Error("site lead's sidebar has no timesheets link")
	} else if href, _ := link.Attr("href"); tenanttest.Get(t, tt.Registry, tt.Host(), href, cookies["site_lead"]).Code != 200 {
		t.Errorf("the timesheets link %q does not open", href)
	}
}

func TestLoginPageFrenchAndEnglish(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	scenarios := []struct{ accept, title, lang, submit string }{
		{"", "Connexion", "fr", "Se connecter"},
		{"fr-FR,fr;q=0.9", "Connexion", "fr", "Se connecter"},
		{"en-GB,en;q=0.9,fr;q=0.5", "Sign in", "en", "Sign in"},
		{"de-DE", "Connexion", "fr", "Se connecter"},
	}
	for _, s := range scenarios {
		req := tenanttest.NewRequest(http.MethodGet, tt.Host(), "/login", nil)
		if s.accept != "" {
			req.Header.Set("Accept-Language", s.accept)
		}
		rec := tenanttest.Serve(tt.Registry, req)
		d := doc(t, rec.Body.String())
		if got := d.Find("h1").First().Text(); got != s.title {
			t.Errorf("Accept-Language %q: title %q, want %q", s.accept, got, s.title)
		}
		if lang, _ := d.Find("html").Attr("lang"); lang != s.lang {
			t.Errorf("Accept-Language %q: lang=%q", s.accept, lang)
		}
		if got := strings.TrimSpace(testid(d, "login-submit").Text()); got != s.submit {
			t.Errorf("Accept-Language %q: button %q", s.accept, got)
		}
	}
	// the language switch sticks (cookie)
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/lang/en")
	var lang *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == "fieldops_lang" {
			lang = c
		}
	}
	if rec.Code != http.StatusSeeOther || lang == nil || lang.Value != "en" {
		t.Fatalf("/lang/en = %d, cookie %v", rec.Code, lang)
	}
	if got := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/login", lang).Body.String()).Find("h1").Text(); got != "Sign in" {
		t.Errorf("after /lang/en the title is %q", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/login")
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "'nonce-", "'unsafe-eval'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Referrer-Policy") == "" {
		t.Errorf("headers: %v", rec.Header())
	}
	d := doc(t, rec.Body.String())
	nonce := strings.TrimSuffix(strings.SplitN(strings.SplitN(csp, "'nonce-", 2)[1], "'", 2)[0], "")
	d.Find("script").Each(func(_ int, s *goquery.Selection) {
		if n, _ := s.Attr("nonce"); n != nonce {
			t.Errorf("script %v has nonce %q, want the CSP's", s.AttrOr("src", ""), n)
		}
	})
	other := tenanttest.Get(t, tt.Registry, tt.Host(), "/login").Header().Get("Content-Security-Policy")
	if other == csp {
		t.Error("the CSP nonce is reused across requests")
	}
}

func TestSearch(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleManager, "claire@acme.test")
	c := tt.Login(tt.Admin, tenanttest.Password)
	cl := tt.Record("clients", map[string]any{"name": "Mairie de Rezé"})
	tt.Record("sites", map[string]any{"code": "CH-2026-014", "name": "École Jules Verne", "sector": "btp", "client": cl.Id})
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/search?q=jules", c)
	d := doc(t, rec.Body.String())
	if rec.Code != 200 || !strings.Contains(testid(d, "search-results").Text(), "CH-2026-014") {
		t.Errorf("search jules = %d %q", rec.Code, testid(d, "search-results").Text())
	}
	rec = tenanttest.Get(t, tt.Registry, tt.Host(), "/search?q=claire", c)
	if !strings.Contains(testid(doc(t, rec.Body.String()), "search-results").Text(), "claire@acme.test") {
		t.Error("person not found")
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/search?q=x", c); rec.Code != http.StatusBadRequest {
		t.Errorf("one-letter search = %d, want 400", rec.Code)
	}
}
