package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// storedSessions counts the sessions stored for a record in app.
func storedSessions(t *testing.T, app core.App, recordID string) int {
	t.Helper()
	var n int
	if err := app.DB().Select("count(*)").From(domain.TableSessions).Where(dbx.HashExp{"record": recordID}).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// apiUsersSeen reports whether the cookie authenticates the REST API (the
// users list is only visible to signed-in users).
func apiUsersSeen(t *testing.T, tt *tenanttest.Tenant, c *http.Cookie, email string) bool {
	t.Helper()
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/api/collections/users/records", c)
	return strings.Contains(rec.Body.String(), email)
}

func TestLogoutRevokesTheCookie(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	c := tt.Login("crew@acme.test", tenanttest.Password)
	other := tt.Login("crew@acme.test", tenanttest.Password) // a second device
	if !signedIn(t, tt, c) || !apiUsersSeen(t, tt, c, "crew@acme.test") {
		t.Fatal("fresh session does not authenticate")
	}
	if n := storedSessions(t, tt.App(), u.Id); n != 2 {
		t.Fatalf("stored sessions = %d, want 2", n)
	}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/logout", nil, c)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("logout = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	// the cookie sent with /logout, replayed: not authenticated anywhere
	if signedIn(t, tt, c) {
		t.Error("the cookie still opens /m/ after logout")
	}
	if apiUsersSeen(t, tt, c, "crew@acme.test") {
		t.Error("the cookie still authenticates the REST API after logout")
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/logout", nil, c); rec.Code != http.StatusSeeOther {
		t.Errorf("a second logout with the dead cookie = %d, want 303", rec.Code)
	}
	// the other device is still signed in, and survives a tenant reopen
	tt.Registry.CloseTenant("acme", true)
	if !signedIn(t, tt, other) {
		t.Error("logout signed the other device out")
	}
	if n := storedSessions(t, tt.App(), u.Id); n != 1 {
		t.Errorf("stored sessions after logout = %d, want 1", n)
	}
	// a new sign-in with a cookie ends the session it replaces
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/login", url.Values{"email": {"crew@acme.test"}, "password": {tenanttest.Password}}, other)
	if rec.Code != http.StatusSeeOther || signedIn(t, tt, other) {
		t.Errorf("re-login = %d; the replaced session still works: %v", rec.Code, signedIn(t, tt, other))
	}
}

func TestPortalLogoutRevokesTheCookie(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t)
	if _, err := reg.UpsertSuperuser("root@fieldops.test", tenanttest.Password, "test"); err != nil {
		t.Fatal(err)
	}
	rec := tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {tenanttest.Password}})
	c := tenanttest.SessionCookie(rec)
	if c == nil || tenanttest.Get(t, reg, platformHost, "/portal", c).Code != 200 {
		t.Fatalf("portal login = %d", rec.Code)
	}
	tenanttest.PostForm(t, reg, platformHost, "/portal/logout", nil, c)
	if rec := tenanttest.Get(t, reg, platformHost, "/portal", c); rec.Code != http.StatusSeeOther {
		t.Errorf("/portal with the cookie sent to /portal/logout = %d, want 303 to the login", rec.Code)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleManager, "boss@acme.test")
	tt.User(domain.RoleManager, "peer@acme.test")
	laptop := tt.Login("boss@acme.test", tenanttest.Password)
	phone := tt.Login("boss@acme.test", tenanttest.Password)
	peer := tt.Login("peer@acme.test", tenanttest.Password)
	var api struct {
		Token string `json:"token"`
	}
	rec := apiLogin(tt.Registry, tt.Host(), "users", "boss@acme.test", tenanttest.Password, "10.10.0.1")
	if err := json.Unmarshal(rec.Body.Bytes(), &api); err != nil || api.Token == "" {
		t.Fatalf("API login = %d %s", rec.Code, rec.Body.String())
	}
	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard", laptop)
	if btn := testid(doc(t, page.Body.String()), "logout-everywhere"); btn.Length() != 1 || btn.Parent().AttrOr("action", "") != "/logout-everywhere" {
		t.Fatal("the user menu has no 'log out everywhere' button")
	}

	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/logout-everywhere", nil, laptop)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?signed_out=all" {
		t.Fatalf("logout everywhere = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	notice := testid(doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/login?signed_out=all").Body.String()), "login-notice").Text()
	if !strings.Contains(notice, "tous vos appareils") {
		t.Errorf("login notice = %q", notice)
	}
	for name, c := range map[string]*http.Cookie{"laptop": laptop, "phone": phone} {
		if signedIn(t, tt, c) {
			t.Errorf("the %s is still signed in", name)
		}
	}
	if rec := tenanttest.Do(t, tt.Registry, http.MethodPost, tt.Host(), "/api/collections/users/auth-refresh", api.Token, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("API token after logout everywhere: auth-refresh = %d, want 401", rec.Code)
	}
	if n := storedSessions(t, tt.App(), u.Id); n != 0 {
		t.Errorf("stored sessions = %d, want 0", n)
	}
	if !signedIn(t, tt, peer) {
		t.Error("another user was signed out")
	}
	tt.Login("boss@acme.test", tenanttest.Password) // signing in again works
	// anonymous: just the login page
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/logout-everywhere", nil); rec.Header().Get("Location") != "/login" {
		t.Errorf("anonymous logout everywhere → %q", rec.Header().Get("Location"))
	}
}

func TestPortalLogoutEverywhere(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t)
	if _, err := reg.UpsertSuperuser("root@fieldops.test", tenanttest.Password, "test"); err != nil {
		t.Fatal(err)
	}
	login := func() *http.Cookie {
		return tenanttest.SessionCookie(tenanttest.PostForm(t, reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {tenanttest.Password}}))
	}
	a, b := login(), login()
	if testid(doc(t, tenanttest.Get(t, reg, platformHost, "/portal", a).Body.String()), "logout-everywhere").Length() != 1 {
		t.Error("the portal's user menu has no 'log out everywhere' button")
	}
	rec := tenanttest.PostForm(t, reg, platformHost, "/portal/logout-everywhere", nil, b)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/portal/login" {
		t.Fatalf("portal logout everywhere = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, c := range []*http.Cookie{a, b} {
		if rec := tenanttest.Get(t, reg, platformHost, "/portal", c); rec.Code != http.StatusSeeOther {
			t.Errorf("/portal after logout everywhere = %d, want 303", rec.Code)
		}
	}
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	c := tt.Login("crew@acme.test", tenanttest.Password)
	token := tt.Token("users", "crew@acme.test")
	// the user changes their password through the REST API
	body := `{"oldPassword":"` + tenanttest.Password + `","password":"un-nouveau-mdp-2026","passwordConfirm":"un-nouveau-mdp-2026"}`
	rec := tenanttest.Do(t, tt.Registry, http.MethodPatch, tt.Host(), "/api/collections/users/records/"+u.Id, token, strings.NewReader(body))
	if rec.Code != 200 {
		t.Fatalf("password change = %d %s", rec.Code, rec.Body.String())
	}
	if signedIn(t, tt, c) {
		t.Error("a session opened before the password change still works")
	}
	if n := storedSessions(t, tt.App(), u.Id); n != 0 {
		t.Errorf("stored sessions after the password change = %d, want 0", n)
	}
	c = tt.Login("crew@acme.test", "un-nouveau-mdp-2026")
	// an unrelated update (last_login, profile) keeps the session
	rec = tenanttest.Do(t, tt.Registry, http.MethodPatch, tt.Host(), "/api/collections/users/records/"+u.Id, tt.Token("users", "crew@acme.test"), strings.NewReader(`{"phone":"0600000000"}`))
	if rec.Code != 200 || !signedIn(t, tt, c) {
		t.Errorf("profile update = %d; session kept: %v", rec.Code, signedIn(t, tt, c))
	}
}

func TestCookieWithoutStoredSessionIsRefused(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	pairs, err := tt.Registry.SessionKeys()
	if err != nil {
		t.Fatal(err)
	}
	var keys [][]byte
	for _, p := range pairs {
		keys = append(keys, p.Hash, p.Block)
	}
	// a cookie as minted before sessions were stored: genuine keys, a
	// valid token, no session secret
	forge := func(values map[any]any) *http.Cookie {
		store := sessions.NewCookieStore(keys...)
		req := tenanttest.NewRequest(http.MethodGet, tt.Host(), "/", nil)
		s, _ := store.New(req, "fieldops_session")
		s.Values = values
		w := httptest.NewRecorder()
		if err := s.Save(req, w); err != nil {
			t.Fatal(err)
		}
		return w.Result().Cookies()[0]
	}
	now := time.Now().Unix()
	old := map[any]any{"slug": "acme", "token": tt.Token("users", "crew@acme.test"), "uid": u.Id, "iat": now, "seen": now, "tat": now}
	if signedIn(t, tt, forge(old)) {
		t.Error("a cookie without a stored session signs in")
	}
	old["sid"] = "made-up-secret"
	if signedIn(t, tt, forge(old)) {
		t.Error("a cookie with an unknown session secret signs in")
	}
	// control: the same cookie naming a stored session signs in
	secret := domain.NewSessionSecret()
	if err := domain.StartSession(tt.App(), secret, u.Record, time.Now(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	old["sid"] = secret
	if !signedIn(t, tt, forge(old)) {
		t.Error("a cookie naming a stored session does not sign in")
	}
	// …but not once that session has expired server-side
	expired := domain.NewSessionSecret()
	if err := domain.StartSession(tt.App(), expired, u.Record, time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	old["sid"] = expired
	if signedIn(t, tt, forge(old)) {
		t.Error("a cookie naming an expired session signs in")
	}
}
