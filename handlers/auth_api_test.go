package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// postFrom posts a JSON body to host+path as the client at ip.
func postFrom(reg *tenants.Registry, host, path, body, ip string) *httptest.ResponseRecorder {
	req := tenanttest.NewRequest(http.MethodPost, host, path, strings.NewReader(body))
	req.RemoteAddr = ip + ":40000"
	return tenanttest.Serve(reg, req)
}

// apiLogin calls PocketBase's auth-with-password of collection.
func apiLogin(reg *tenants.Registry, host, collection, identity, password, ip string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
	return postFrom(reg, host, "/api/collections/"+collection+"/auth-with-password", string(body), ip)
}

// formFrom posts a same-origin form as the client at ip.
func formFrom(reg *tenants.Registry, host, path string, values url.Values, ip string) *httptest.ResponseRecorder {
	req := tenanttest.NewRequest(http.MethodPost, host, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.RemoteAddr = ip + ":40000"
	return tenanttest.Serve(reg, req)
}

// assertLocked checks the API's 429: PocketBase's JSON error body with a
// message and a Retry-After of at most the lock period.
func assertLocked(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("%s = %d %s, want 429", what, rec.Code, rec.Body.String())
	}
	var body struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Status != 429 || body.Message == "" {
		t.Errorf("%s: body %q, want {\"status\":429,\"message\":…}", what, rec.Body.String())
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || s > 15*60 {
		t.Errorf("%s: Retry-After %q, want 1..900 s", what, rec.Header().Get("Retry-After"))
	}
	if strings.Contains(rec.Body.String(), `"token"`) {
		t.Errorf("%s: a locked attempt got a token", what)
	}
}

func TestAPIPasswordLockoutOnEveryHost(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "lucas@acme.test")
	reg := tt.Registry
	if _, err := reg.UpsertSuperuser("root@fieldops.test", tenanttest.Password, "test"); err != nil {
		t.Fatal(err)
	}
	scenarios := []struct{ name, host, collection, identity, ip string }{
		{"tenant users", tt.Host(), "users", "lucas@acme.test", "10.1.0.1"},
		{"tenant superusers", tt.Host(), "_superusers", tt.Admin, "10.1.0.2"},
		{"platform superusers", platformHost, "_superusers", "root@fieldops.test", "10.1.0.3"},
		{"platform users (no such account)", platformHost, "users", "ghost@fieldops.test", "10.1.0.4"},
	}
	for _, s := range scenarios {
		for i := 1; i <= 10; i++ {
			rec := apiLogin(reg, s.host, s.collection, s.identity, fmt.Sprint("wrong-guess-", i), s.ip)
			switch {
			case i < 5 && rec.Code != http.StatusBadRequest:
				t.Fatalf("%s: wrong password #%d = %d, want 400", s.name, i, rec.Code)
			case i >= 5:
				assertLocked(t, fmt.Sprintf("%s: wrong password #%d", s.name, i), rec)
			}
		}
		assertLocked(t, s.name+": right password after 10 failures", apiLogin(reg, s.host, s.collection, s.identity, tenanttest.Password, s.ip))
		assertLocked(t, s.name+": right password from another IP", apiLogin(reg, s.host, s.collection, s.identity, tenanttest.Password, "10.9.9.9"))
	}
	// the locks of the tenant's accounts hold on /login (the tenant's
	// superuser shares its address with the admin user)
	for _, email := range []string{"lucas@acme.test", tt.Admin} {
		rec := formFrom(reg, tt.Host(), "/login", url.Values{"email": {email}, "password": {tenanttest.Password}}, "10.8.8.8")
		if rec.Code != http.StatusTooManyRequests || tenanttest.SessionCookie(rec) != nil {
			t.Errorf("/login %s after API failures = %d, want 429 without session", email, rec.Code)
		}
		if msg := testid(doc(t, rec.Body.String()), "login-error").Text(); !strings.Contains(msg, "Trop de tentatives") {
			t.Errorf("/login %s: lock message %q", email, msg)
		}
	}
	// and the platform's on the portal
	rec := formFrom(reg, platformHost, "/portal/login", url.Values{"email": {"root@fieldops.test"}, "password": {tenanttest.Password}}, "10.8.8.8")
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("/portal/login after API failures = %d, want 429", rec.Code)
	}
	// an account of another tenant with the same address is not locked
	beta := tenanttest.Provision(t, reg, "beta", domain.SectorElec)
	beta.User(domain.RoleCrew, "lucas@acme.test")
	if rec := apiLogin(reg, beta.Host(), "users", "lucas@acme.test", tenanttest.Password, "10.1.0.1"); rec.Code != 200 {
		t.Errorf("beta's lucas after acme's lock = %d, want 200", rec.Code)
	}
}

func TestLoginPageLockHoldsOnTheAPI(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleSiteLead, "chef@acme.test")
	for i := range 5 {
		formFrom(tt.Registry, tt.Host(), "/login", url.Values{"email": {"chef@acme.test"}, "password": {fmt.Sprint("bad-", i)}}, "10.2.0.1")
	}
	assertLocked(t, "API after 5 /login failures", apiLogin(tt.Registry, tt.Host(), "users", "Chef@Acme.test", tenanttest.Password, "10.2.0.2"))
}

func TestAPILockExpiresAndSurvivesReopen(t *testing.T) {
	t.Parallel()
	clk := newClock()
	tt := handlertest.New(t, tenanttest.WithClock(clk.Now))
	tt.User(domain.RoleCrew, "lucas@acme.test")
	for i := range 5 {
		apiLogin(tt.Registry, tt.Host(), "users", "lucas@acme.test", fmt.Sprint("bad-", i), "10.3.0.1")
	}
	// the lock is the process's, not the tenant app's: closing the tenant
	// (idle close) and reopening it keeps it
	if !tt.Registry.CloseTenant("acme", true) {
		t.Fatal("tenant not closed")
	}
	clk.Advance(14 * time.Minute)
	rec := apiLogin(tt.Registry, tt.Host(), "users", "lucas@acme.test", tenanttest.Password, "10.3.0.1")
	assertLocked(t, "right password 14 min after the lock, tenant reopened", rec)
	if s, _ := strconv.Atoi(rec.Header().Get("Retry-After")); s < 50 || s > 60 {
		t.Errorf("Retry-After 14 min into a 15 min lock = %d s, want ~60", s)
	}
	clk.Advance(2 * time.Minute)
	rec = apiLogin(tt.Registry, tt.Host(), "users", "lucas@acme.test", tenanttest.Password, "10.3.0.1")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"token"`) {
		t.Fatalf("right password after the lock expired = %d %s", rec.Code, rec.Body.String())
	}
	// the success cleared the count: 4 new failures do not lock
	for i := range 4 {
		if rec := apiLogin(tt.Registry, tt.Host(), "users", "lucas@acme.test", fmt.Sprint("again-", i), "10.3.0.1"); rec.Code != 400 {
			t.Fatalf("failure %d after a success = %d, want 400", i+1, rec.Code)
		}
	}
}

func TestAPIPasswordSprayingFromOneIP(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "target@acme.test")
	for i := range 20 {
		rec := apiLogin(tt.Registry, tt.Host(), "users", fmt.Sprintf("user%02d@acme.test", i), "Summer2026!", "10.4.0.1")
		if want := map[bool]int{true: 429, false: 400}[i == 19]; rec.Code != want {
			t.Fatalf("spray #%d = %d, want %d", i+1, rec.Code, want)
		}
	}
	assertLocked(t, "a fresh account from the spraying IP", apiLogin(tt.Registry, tt.Host(), "users", "target@acme.test", tenanttest.Password, "10.4.0.1"))
	if rec := formFrom(tt.Registry, tt.Host(), "/login", url.Values{"email": {"target@acme.test"}, "password": {tenanttest.Password}}, "10.4.0.1"); rec.Code != 429 {
		t.Errorf("/login from the spraying IP = %d, want 429", rec.Code)
	}
	if rec := apiLogin(tt.Registry, tt.Host(), "users", "target@acme.test", tenanttest.Password, "10.4.0.2"); rec.Code != 200 {
		t.Errorf("the same account from another IP = %d, want 200", rec.Code)
	}
}

func TestAPIRefusesDeactivatedUsers(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "gone@acme.test")
	if _, err := domain.SetUserActive(tt.App(), nil, u.Id, false); err != nil {
		t.Fatal(err)
	}
	rec := apiLogin(tt.Registry, tt.Host(), "users", "gone@acme.test", tenanttest.Password, "10.5.0.1")
	if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "token") {
		t.Errorf("deactivated user's right password = %d %s, want 400", rec.Code, rec.Body.String())
	}
}

func TestResetRequestsThrottledOnAPIAndPage(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	reg := tt.Registry
	// NB: unknown addresses: PocketBase sends no mail, the budget counts
	// them all the same (no account probing).
	reset := func(host, collection, email, ip string) *httptest.ResponseRecorder {
		return postFrom(reg, host, "/api/collections/"+collection+"/request-password-reset", `{"email":"`+email+`"}`, ip)
	}
	for i := range 3 {
		if rec := reset(tt.Host(), "users", "victim@acme.test", fmt.Sprint("10.6.0.", i+1)); rec.Code != http.StatusNoContent {
			t.Fatalf("reset request %d = %d, want 204", i+1, rec.Code)
		}
	}
	assertLocked(t, "4th reset request for one address", reset(tt.Host(), "users", "victim@acme.test", "10.6.0.9"))
	assertLocked(t, "the address through _superusers", reset(tt.Host(), "_superusers", "Victim@acme.test", "10.6.0.9"))
	rec := formFrom(reg, tt.Host(), "/password-reset", url.Values{"email": {"victim@acme.test"}}, "10.6.0.9")
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Trop de demandes") {
		t.Errorf("/password-reset for the same address = %d, want 429 with the message", rec.Code)
	}
	// per IP: 5 addresses, then the 6th is refused on the page and the API
	for i := range 5 {
		if rec := reset(tt.Host(), "users", fmt.Sprintf("x%d@acme.test", i), "10.6.1.1"); rec.Code != http.StatusNoContent {
			t.Fatalf("request %d from one IP = %d", i+1, rec.Code)
		}
	}
	assertLocked(t, "6th reset request from one IP", reset(tt.Host(), "users", "y@acme.test", "10.6.1.1"))
	if rec := formFrom(reg, tt.Host(), "/password-reset", url.Values{"email": {"z@acme.test"}}, "10.6.1.1"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("/password-reset from the same IP = %d, want 429", rec.Code)
	}
	// the platform's superusers too
	for i := range 3 {
		reset(platformHost, "_superusers", "root@fieldops.test", fmt.Sprint("10.6.2.", i+1))
	}
	assertLocked(t, "platform reset requests", reset(platformHost, "_superusers", "root@fieldops.test", "10.6.2.9"))
	// mail requests never lock sign-in
	tt.User(domain.RoleCrew, "victim@acme.test")
	if rec := apiLogin(reg, tt.Host(), "users", "victim@acme.test", tenanttest.Password, "10.6.0.9"); rec.Code != 200 {
		t.Errorf("sign-in after reset requests = %d, want 200", rec.Code)
	}
}

func TestAPIOneTimeCodesShareTheLock(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	u := tt.User(domain.RoleCrew, "otp@acme.test")
	app := tt.App()
	col, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	col.OTP.Enabled = true // an admin may turn codes on in /_/
	if err := app.Save(col); err != nil {
		t.Fatal(err)
	}
	otp := core.NewOTP(app)
	otp.SetCollectionRef(col.Id)
	otp.SetRecordRef(u.Id)
	otp.SetPassword("48151623")
	if err := app.Save(otp); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		rec := postFrom(tt.Registry, tt.Host(), "/api/collections/users/auth-with-otp", fmt.Sprintf(`{"otpId":%q,"password":"0000000%d"}`, otp.Id, i), "10.7.0.1")
		if i < 5 && rec.Code != http.StatusBadRequest {
			t.Fatalf("wrong code %d = %d, want 400", i, rec.Code)
		}
		if i == 5 {
			assertLocked(t, "5th wrong code", rec)
		}
	}
	rec := postFrom(tt.Registry, tt.Host(), "/api/collections/users/auth-with-otp", fmt.Sprintf(`{"otpId":%q,"password":"48151623"}`, otp.Id), "10.7.0.2")
	assertLocked(t, "right code of a locked account", rec)
	if rec := formFrom(tt.Registry, tt.Host(), "/login", url.Values{"email": {"otp@acme.test"}, "password": {tenanttest.Password}}, "10.7.0.3"); rec.Code != 429 {
		t.Errorf("/login after wrong codes = %d, want 429", rec.Code)
	}
}

func TestAPIAuthRoutesTheProductDoesNotUse(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "crew@acme.test")
	token := tt.Token("users", "crew@acme.test")
	for _, host := range []string{tt.Host(), platformHost} {
		for _, col := range []string{"users", "_superusers"} {
			for _, action := range []string{"request-verification", "confirm-verification", "request-email-change", "confirm-email-change"} {
				req := tenanttest.NewRequest(http.MethodPost, host, "/api/collections/"+col+"/"+action, strings.NewReader(`{"email":"crew@acme.test","newEmail":"evil@x.test","token":"x","password":"x"}`))
				req.Header.Set("Authorization", token)
				rec := tenanttest.Serve(tt.Registry, req)
				if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "FieldOps360") {
					t.Errorf("%s %s/%s = %d %s, want 403 with the reason", host, col, action, rec.Code, rec.Body.String())
				}
			}
		}
	}
	if u, _ := tt.App().FindAuthRecordByEmail("users", "crew@acme.test"); u == nil {
		t.Error("crew's address changed")
	}
}

func TestThrottleCountsClientsBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "target@acme.test")
	// the operator names the ingress's header in the platform settings
	platform := tt.Registry.Platform()
	ps := platform.Settings()
	ps.TrustedProxy.Headers = []string{"X-Real-IP"}
	if err := platform.Save(ps); err != nil {
		t.Fatal(err)
	}
	// a tenant admin's own setting is not trusted
	app := tt.App()
	ts := app.Settings()
	ts.TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if err := app.Save(ts); err != nil {
		t.Fatal(err)
	}
	login := func(identity, password, realIP, forwarded string) *httptest.ResponseRecorder {
		body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
		req := tenanttest.NewRequest(http.MethodPost, tt.Host(), "/api/collections/users/auth-with-password", strings.NewReader(string(body)))
		req.RemoteAddr = "10.11.0.1:40000" // the ingress
		req.Header.Set("X-Real-IP", realIP)
		req.Header.Set("X-Forwarded-For", forwarded)
		return tenanttest.Serve(tt.Registry, req)
	}
	for i := range 20 {
		login(fmt.Sprintf("u%d@acme.test", i), "Summer2026!", "203.0.113.5", fmt.Sprintf("198.51.100.%d", i))
	}
	assertLocked(t, "the spraying client, whatever X-Forwarded-For says", login("target@acme.test", tenanttest.Password, "203.0.113.5", "198.51.100.99"))
	if rec := login("target@acme.test", tenanttest.Password, "203.0.113.6", ""); rec.Code != 200 {
		t.Errorf("another client behind the same ingress = %d, want 200", rec.Code)
	}
}

// TestThrottleCountsClientIPHeader: with `serve --client-ip-header
// X-Real-IP` (Helm sets it behind its ingress) the per-IP limit counts
// the header's address, not the ingress's.
func TestThrottleCountsClientIPHeader(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t, handlertest.WithDeps(func(d *handlers.Deps) { d.ClientIPHeader = "X-Real-IP" }))
	tt.User(domain.RoleCrew, "target@acme.test")
	login := func(identity, password, realIP string) *httptest.ResponseRecorder {
		body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
		req := tenanttest.NewRequest(http.MethodPost, tt.Host(), "/api/collections/users/auth-with-password", strings.NewReader(string(body)))
		req.RemoteAddr = "10.11.0.1:40000" // the ingress
		req.Header.Set("X-Real-IP", realIP)
		return tenanttest.Serve(tt.Registry, req)
	}
	for i := range 20 {
		login(fmt.Sprintf("u%d@acme.test", i), "Summer2026!", "203.0.113.5")
	}
	assertLocked(t, "the spraying client", login("target@acme.test", tenanttest.Password, "203.0.113.5"))
	if rec := login("target@acme.test", tenanttest.Password, "203.0.113.6"); rec.Code != 200 {
		t.Errorf("another client behind the same ingress = %d, want 200", rec.Code)
	}
}
