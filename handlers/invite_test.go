package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// shownLink returns the single-use link of panel id in a page, "" when
// the page shows none.
func shownLink(t *testing.T, body, id string) string {
	t.Helper()
	v, _ := testid(doc(t, body), id).Find(`[data-testid="onetime-url"]`).Attr("value")
	return v
}

// linkPath is the request URI of a shown link, checked to point at host.
func linkPath(t *testing.T, link, host string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host != host || !strings.HasPrefix(u.Path, "/password-reset/") {
		t.Fatalf("link %q: not a reset link of %s (%v)", link, host, err)
	}
	return u.RequestURI()
}

// setPassword uses a link to set password; it answers the response.
func setPassword(t *testing.T, tt *tenanttest.Tenant, path, password string) *httptest.ResponseRecorder {
	t.Helper()
	return tenanttest.PostForm(t, tt.Registry, tt.Host(), path, url.Values{"password": {password}, "password_confirm": {password}})
}

// useMailServer points the platform's SMTP (inherited by the tenants) at
// 127.0.0.1:port.
func useMailServer(t *testing.T, tt *tenanttest.Tenant, port int) {
	t.Helper()
	s := tt.Registry.Platform().Settings()
	s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port, s.SMTP.TLS = true, "127.0.0.1", port, false
	s.Meta.SenderAddress = "no-reply@fieldops.test"
	if err := tt.Registry.Platform().Save(s); err != nil {
		t.Fatal(err)
	}
}

func TestInviteWithoutMailServer(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	admin := tt.Login(tt.Admin, tenanttest.Password)

	// invalid input: 400, the field error, the typed name, nobody created
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Inès Morel"}, "email": {"pas-un-email"}, "role": {"crew"}}, admin)
	d := doc(t, rec.Body.String())
	if rec.Code != http.StatusBadRequest || testid(d, "error-email").Length() != 1 || testid(d, "invite-result").Length() != 0 {
		t.Fatalf("invalid invite = %d", rec.Code)
	}
	if v, _ := testid(d, "field-name").Attr("value"); v != "Inès Morel" {
		t.Errorf("typed name lost: %q", v)
	}
	if n, _ := tt.App().CountRecords(domain.CollectionUsers); n != 1 {
		t.Errorf("users after a refused invitation = %d, want 1", n)
	}

	// no mail server: 200 (never 500), the account, the link shown with why
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Inès Morel"}, "email": {"ines@acme.test"}, "role": {"site_lead"}}, admin)
	if rec.Code != http.StatusOK {
		t.Fatalf("invite without SMTP = %d %s", rec.Code, rec.Body.String())
	}
	d = doc(t, rec.Body.String())
	panel := testid(d, "invite-result")
	if msg := panel.Find(`[data-testid="onetime-message"]`).Text(); !strings.Contains(msg, "Aucun serveur de messagerie") {
		t.Errorf("panel message = %q", msg)
	}
	if exp := panel.Find(`[data-testid="onetime-expires"]`).Text(); !strings.Contains(exp, "une seule fois") {
		t.Errorf("expiry line = %q", exp)
	}
	if panel.Find(`[data-testid="copy-link"]`).Length() != 1 {
		t.Error("no copy button")
	}
	link := shownLink(t, rec.Body.String(), "invite-result")
	path := linkPath(t, link, tt.Host())
	if !strings.HasSuffix(link, "?invite=1") {
		t.Errorf("invitation link %q is not marked as one", link)
	}
	u, err := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, "ines@acme.test")
	if err != nil || u.GetString("role") != domain.RoleSiteLead || !u.GetBool("active") {
		t.Fatalf("invited account: %v", err)
	}
	// the account's creation is audited under the inviter's name
	adminRec, _ := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	ev, err := tt.App().FindFirstRecordByFilter("audit_events", "record = {:id} && action = 'create'", dbx.Params{"id": u.Id})
	if err != nil || ev.GetString("actor") != adminRec.Id {
		t.Errorf("audit of the invitation: actor %q, want %q (%v)", ev.GetString("actor"), adminRec.Id, err)
	}
	// shown once: the users page never shows it again
	if body := tenanttest.Get(t, tt.Registry, tt.Host(), "/users", admin).Body.String(); strings.Contains(body, path) || strings.Contains(body, `data-testid="invite-result"`) {
		t.Error("the users page shows the link again")
	}
	// the link works once
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path); rec.Code != 200 || testid(doc(t, rec.Body.String()), "reset-confirm-page").Length() != 1 {
		t.Fatalf("invitation link = %d", rec.Code)
	}
	if rec := setPassword(t, tt, path, "chantier-2026!"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?reset=1" {
		t.Fatalf("set password = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	tt.Login("ines@acme.test", "chantier-2026!")
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path); rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "reset-invalid").Length() != 1 {
		t.Errorf("reused invitation link = %d, want 400", rec.Code)
	}
	if rec := setPassword(t, tt, path, "autre-chose-2026"); rec.Code != http.StatusBadRequest {
		t.Errorf("password set again with a used link = %d, want 400", rec.Code)
	}
	tt.Login("ines@acme.test", "chantier-2026!")

	// a taken address: 400 on the form, no second account
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Autre"}, "email": {"ines@acme.test"}, "role": {"crew"}}, admin)
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-email").Length() != 1 {
		t.Errorf("taken address = %d", rec.Code)
	}

	// another tenant: A's cookie and A's link mean nothing on B
	b := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorTP)
	if rec := tenanttest.PostForm(t, tt.Registry, b.Host(), "/users/invite", url.Values{"name": {"X"}, "email": {"x@beta.test"}, "role": {"crew"}}, admin); rec.Code != http.StatusUnauthorized {
		t.Errorf("A's admin invites on B = %d, want 401", rec.Code)
	}
	if n, _ := b.App().CountRecords(domain.CollectionUsers); n != 1 {
		t.Errorf("B's users = %d, want 1", n)
	}
}

func TestAddPersonFromPeoplePage(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleManager, "direction@acme.test")
	tt.User(domain.RoleSiteLead, "chef@acme.test")
	tt.User(domain.RoleProjectManager, "conduc@acme.test")
	boss := tt.Login("direction@acme.test", tenanttest.Password)

	// the people page offers "add a person" to managers, unfolded by ?add=1
	d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/people", boss).Body.String())
	if testid(d, "add-person").Length() != 1 || testid(d, "add-person").Is("[open]") {
		t.Error("no folded \"add a person\" for a manager")
	}
	if d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/people?add=1", boss).Body.String()); !testid(d, "add-person").Is("[open]") {
		t.Error("?add=1 does not unfold the form")
	}
	for _, who := range []string{"chef@acme.test", "conduc@acme.test"} {
		c := tt.Login(who, tenanttest.Password)
		if d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/people", c).Body.String()); testid(d, "add-person").Length() != 0 {
			t.Errorf("%s is offered \"add a person\"", who)
		}
		rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/invite", url.Values{"name": {"Intrus"}, "email": {"intrus@acme.test"}, "role": {"manager"}}, c)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s adds a person = %d, want 403", who, rec.Code)
		}
	}
	// a missing name: 400, the form unfolded with the error
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/invite", url.Values{"name": {" "}, "email": {"lea@acme.test"}, "role": {"crew"}}, boss)
	d = doc(t, rec.Body.String())
	if rec.Code != http.StatusBadRequest || testid(d, "error-name").Length() != 1 || !testid(d, "add-person").Is("[open]") {
		t.Errorf("nameless person = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/invite", url.Values{"name": {"Léa Girard"}, "email": {"lea@acme.test"}, "role": {"crew"}}, boss)
	if rec.Code != http.StatusOK {
		t.Fatalf("add a person = %d %s", rec.Code, rec.Body.String())
	}
	d = doc(t, rec.Body.String())
	lea, err := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, "lea@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if href, _ := testid(d, "invite-person-link").Attr("href"); href != "/people/"+lea.Id {
		t.Errorf("link to the new person = %q", href)
	}
	if testid(d, "person-"+lea.Id).Length() != 1 {
		t.Error("the new person is not in the list")
	}
	path := linkPath(t, shownLink(t, rec.Body.String(), "invite-result"), tt.Host())
	if rec := setPassword(t, tt, path, "equipe-2026-lea"); rec.Code != http.StatusSeeOther {
		t.Fatalf("new person sets a password = %d", rec.Code)
	}
	tt.Login("lea@acme.test", "equipe-2026-lea")
}

func TestPasswordLinksExpire(t *testing.T) {
	t.Parallel()
	clk := newClock()
	clk.Advance(-domain.InviteTTL - time.Hour) // links issued then are stale now
	tt := handlertest.New(t, tenanttest.WithClock(clk.Now))
	admin := tt.Login(tt.Admin, tenanttest.Password)
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Tom Retard"}, "email": {"tom@acme.test"}, "role": {"crew"}}, admin)
	if rec.Code != http.StatusOK {
		t.Fatalf("invite = %d", rec.Code)
	}
	stale := linkPath(t, shownLink(t, rec.Body.String(), "invite-result"), tt.Host())
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), stale); rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "reset-invalid").Length() != 1 {
		t.Errorf("expired invitation link = %d, want 400", rec.Code)
	}
	if rec := setPassword(t, tt, stale, "trop-tard-2026"); rec.Code != http.StatusBadRequest {
		t.Errorf("password set with an expired link = %d, want 400", rec.Code)
	}

	// an admin's reset link lasts a day: stale after 25 h, good within
	tom, _ := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, "tom@acme.test")
	clk.Advance(domain.InviteTTL + time.Hour - domain.AdminResetTTL - time.Hour)
	admin = tt.Login(tt.Admin, tenanttest.Password)
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/"+tom.Id+"/reset", nil, admin)
	if rec.Code != http.StatusOK || linkRe.FindString(rec.Body.String()) == "" {
		t.Fatalf("admin reset = %d %s", rec.Code, rec.Body.String())
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), linkPath(t, linkRe.FindString(rec.Body.String()), tt.Host())); rec.Code != http.StatusBadRequest {
		t.Errorf("reset link after 25 h = %d, want 400", rec.Code)
	}
	clk.Advance(domain.AdminResetTTL + time.Hour - 2*time.Hour) // 2 h before now
	admin = tt.Login(tt.Admin, tenanttest.Password)
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/"+tom.Id+"/reset", nil, admin)
	if rec := setPassword(t, tt, linkPath(t, linkRe.FindString(rec.Body.String()), tt.Host()), "a-l-heure-2026"); rec.Code != http.StatusSeeOther {
		t.Errorf("reset link 2 h old = %d, want 303", rec.Code)
	}
}

func TestAdminResetWithoutMailServer(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	lucas := tt.User(domain.RoleCrew, "lucas@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)

	// the users page has the slot the reset panel is merged into, empty
	if d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/users", admin).Body.String()); testid(d, "reset-link").Length() != 1 || testid(d, "reset-link").Children().Length() != 0 {
		t.Error("no empty reset slot on the users page")
	}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/"+lucas.Id+"/reset", nil, admin)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `id="reset-link"`) || !strings.Contains(body, "Aucun serveur de messagerie") || !strings.Contains(body, "toast-warning") {
		t.Fatalf("admin reset without SMTP = %d %s", rec.Code, body)
	}
	link := linkRe.FindString(body)
	if strings.HasSuffix(link, "?invite=1") {
		t.Errorf("a reset link marked as an invitation: %q", link)
	}
	path := linkPath(t, link, tt.Host())
	if rec := setPassword(t, tt, path, "nouveau-lucas-2026"); rec.Code != http.StatusSeeOther {
		t.Fatalf("reset with the admin's link = %d", rec.Code)
	}
	tt.Login("lucas@acme.test", "nouveau-lucas-2026")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/login", url.Values{"email": {"lucas@acme.test"}, "password": {tenanttest.Password}}); rec.Code != http.StatusBadRequest {
		t.Errorf("old password still works: %d", rec.Code)
	}
	if rec := setPassword(t, tt, path, "encore-une-fois-26"); rec.Code != http.StatusBadRequest {
		t.Errorf("reset link used twice = %d, want 400", rec.Code)
	}
	// only tenant admins reset; an unknown person is 404, never 500
	boss := tt.User(domain.RoleManager, "direction@acme.test")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/"+lucas.Id+"/reset", nil, tt.Login(boss.Email(), tenanttest.Password)); rec.Code != http.StatusForbidden {
		t.Errorf("a manager (not admin) resets = %d, want 403", rec.Code)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/nope/reset", nil, admin); rec.Code != http.StatusNotFound {
		t.Errorf("reset of an unknown user = %d, want 404", rec.Code)
	}
}

func TestForgotPasswordWithoutMailServer(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "lucas@acme.test")

	if d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/password-reset").Body.String()); testid(d, "reset-no-mail").Length() != 1 || testid(d, "reset-submit").Length() != 0 {
		t.Error("the forgot-password page does not say there is no mail server")
	}
	// the same answer for a known and an unknown address
	var answers []string
	for _, email := range []string{"lucas@acme.test", "nobody@acme.test"} {
		rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/password-reset", url.Values{"email": {email}})
		d := doc(t, rec.Body.String())
		if rec.Code != http.StatusOK || testid(d, "reset-no-mail").Length() != 1 || testid(d, "reset-sent").Length() != 0 {
			t.Fatalf("reset request for %s = %d", email, rec.Code)
		}
		answers = append(answers, testid(d, "reset-request-page").Text())
	}
	if answers[0] != answers[1] {
		t.Errorf("answers differ between a known and an unknown address:\n%s\n%s", answers[0], answers[1])
	}
	// the throttle stays in the path: the address's budget runs out
	code := 0
	for i := 0; i < 5 && code != http.StatusTooManyRequests; i++ {
		code = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/password-reset", url.Values{"email": {"lucas@acme.test"}}).Code
	}
	if code != http.StatusTooManyRequests {
		t.Errorf("repeated reset requests without SMTP never throttled (last %d)", code)
	}
}

func TestInviteAndResetWhenTheMailServerRefuses(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	useMailServer(t, tt, tenanttest.FreePort(t)) // nothing listens there
	lucas := tt.User(domain.RoleCrew, "lucas@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)

	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Nora Petit"}, "email": {"nora@acme.test"}, "role": {"crew"}}, admin)
	if rec.Code != http.StatusOK {
		t.Fatalf("invite with a failing mail server = %d %s", rec.Code, rec.Body.String())
	}
	panel := testid(doc(t, rec.Body.String()), "invite-result")
	if title := panel.Find(".onetime-title").Text(); !strings.Contains(title, "n'a pas pu être envoyé") {
		t.Errorf("panel title = %q", title)
	}
	path := linkPath(t, shownLink(t, rec.Body.String(), "invite-result"), tt.Host())
	if rec := setPassword(t, tt, path, "nora-choisit-2026"); rec.Code != http.StatusSeeOther {
		t.Errorf("invitation link after a failed e-mail = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/"+lucas.Id+"/reset", nil, admin)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "refusé") || linkRe.FindString(rec.Body.String()) == "" {
		t.Errorf("admin reset with a failing mail server = %d %s", rec.Code, rec.Body.String())
	}
	// the user's own request: the same neutral answer, no 500
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/password-reset", url.Values{"email": {"lucas@acme.test"}}); rec.Code != http.StatusOK || testid(doc(t, rec.Body.String()), "reset-sent").Length() != 1 {
		t.Errorf("self reset with a failing mail server = %d", rec.Code)
	}
}
