package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

var linkRe = regexp.MustCompile(`https?://[^\s"<]+/password-reset/[A-Za-z0-9._\-]+(\?invite=1)?`)

func TestInvitationEmailAndActivation(t *testing.T) {
	mp := tenanttest.StartMailpit(t)
	tt := handlertest.New(t)
	mp.UseFor(t, tt.Registry)
	admin := tt.Login(tt.Admin, tenanttest.Password)

	// invalid input: 400 with field errors, nothing created, no email
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Inès Morel"}, "email": {"pas-un-email"}, "role": {"crew"}}, admin)
	d := doc(t, rec.Body.String())
	if rec.Code != http.StatusBadRequest || testid(d, "error-email").Length() != 1 {
		t.Fatalf("invalid invite = %d", rec.Code)
	}
	if v, _ := testid(d, "field-name").Attr("value"); v != "Inès Morel" {
		t.Errorf("typed name lost: %q", v)
	}

	// the e-mail leaves, and the link is also shown (once) to the inviter
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/invite", url.Values{"name": {"Inès Morel"}, "email": {"ines@acme.test"}, "role": {"site_lead"}}, admin)
	if rec.Code != http.StatusOK {
		t.Fatalf("invite = %d %s", rec.Code, rec.Body.String())
	}
	panel := testid(doc(t, rec.Body.String()), "invite-result")
	if !panel.HasClass("onetime-ok") || !strings.Contains(panel.Find(".onetime-title").Text(), "Invitation envoyée") {
		t.Errorf("invitation panel with SMTP: %q", panel.Text())
	}
	shown := shownLink(t, rec.Body.String(), "invite-result")
	msg := mp.WaitFor(t, "ines@acme.test", "invite")
	if !strings.Contains(msg.Text, "Inès Morel") || !strings.Contains(msg.Subject, "Entreprise ACME") || !strings.Contains(msg.Text, "3 jours") {
		t.Errorf("invitation mail: %q / %q", msg.Subject, msg.Text)
	}
	link := linkRe.FindString(msg.Text)
	if link == "" || !strings.Contains(link, "acme.localhost") {
		t.Fatalf("no tenant link in the invitation: %q", msg.Text)
	}
	if link != shown {
		t.Errorf("mailed link %q ≠ shown link %q", link, shown)
	}
	u, _ := url.Parse(link)

	// the invited user cannot sign in before choosing a password...
	rec = tenanttest.Get(t, tt.Registry, tt.Host(), u.RequestURI())
	if rec.Code != 200 || testid(doc(t, rec.Body.String()), "reset-confirm-page").Length() != 1 {
		t.Fatalf("invitation link = %d", rec.Code)
	}
	// mismatched passwords: 400, nothing changed
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), u.RequestURI(), url.Values{"password": {"chantier-2026!"}, "password_confirm": {"autre-chose-2026"}})
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-password_confirm").Length() != 1 {
		t.Fatalf("mismatch = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), u.RequestURI(), url.Values{"password": {"chantier-2026!"}, "password_confirm": {"chantier-2026!"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?reset=1" {
		t.Fatalf("set password = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	c := tt.Login("ines@acme.test", "chantier-2026!")
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/", c); rec.Header().Get("Location") != "/today" {
		t.Errorf("invited site lead lands on %q", rec.Header().Get("Location"))
	}
	// the link is single-use
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), u.RequestURI()); rec.Code != http.StatusBadRequest {
		t.Errorf("reused invitation link = %d, want 400", rec.Code)
	}
}

func TestPasswordResetByEmail(t *testing.T) {
	mp := tenanttest.StartMailpit(t)
	tt := handlertest.New(t)
	mp.UseFor(t, tt.Registry)
	tt.User(domain.RoleCrew, "lucas@acme.test")

	for _, email := range []string{"lucas@acme.test", "nobody@acme.test"} {
		rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/password-reset", url.Values{"email": {email}})
		if rec.Code != 200 || testid(doc(t, rec.Body.String()), "reset-sent").Length() != 1 {
			t.Fatalf("reset request for %s = %d", email, rec.Code)
		}
	}
	msg := mp.WaitFor(t, "lucas@acme.test", "mot de passe")
	if n := mp.Count(t); n != 1 {
		t.Errorf("emails sent = %d, want 1 (none for an unknown address)", n)
	}
	if !strings.Contains(msg.Text, "30 minutes") {
		t.Errorf("reset mail does not say how long the link lasts: %q", msg.Text)
	}
	link := linkRe.FindString(msg.Text)
	u, _ := url.Parse(link)
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), u.RequestURI(), url.Values{"password": {"court"}, "password_confirm": {"court"}})
	if rec.Code != http.StatusBadRequest || testid(doc(t, rec.Body.String()), "error-password").Length() != 1 {
		t.Errorf("short password = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), u.RequestURI(), url.Values{"password": {"nouveau-mdp-2026"}, "password_confirm": {"nouveau-mdp-2026"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("reset = %d", rec.Code)
	}
	tt.Login("lucas@acme.test", "nouveau-mdp-2026")
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/login", url.Values{"email": {"lucas@acme.test"}, "password": {tenanttest.Password}}); rec.Code != http.StatusBadRequest {
		t.Errorf("old password still works: %d", rec.Code)
	}
}

func TestSMTPTestFromSettings(t *testing.T) {
	mp := tenanttest.StartMailpit(t)
	tt := handlertest.New(t)
	mp.UseFor(t, tt.Registry)
	admin := tt.Login(tt.Admin, tenanttest.Password)
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/settings/smtp-test", nil, admin)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/settings?toast=smtp_sent" {
		t.Fatalf("smtp test = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	mp.WaitFor(t, tt.Admin, "FieldOps360")
}

// With a mail server, an admin's reset e-mails the link and shows none.
func TestAdminResetByEmail(t *testing.T) {
	mp := tenanttest.StartMailpit(t)
	tt := handlertest.New(t)
	mp.UseFor(t, tt.Registry)
	lucas := tt.User(domain.RoleCrew, "lucas@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/users/"+lucas.Id+"/reset", nil, admin)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "toast-success") || linkRe.FindString(body) != "" {
		t.Fatalf("admin reset with SMTP = %d %s", rec.Code, body)
	}
	msg := mp.WaitFor(t, "lucas@acme.test", "mot de passe")
	if !strings.Contains(msg.Text, "24 heures") {
		t.Errorf("admin reset mail: %q", msg.Text)
	}
	u, _ := url.Parse(linkRe.FindString(msg.Text))
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), u.RequestURI(), url.Values{"password": {"depuis-le-mail-26"}, "password_confirm": {"depuis-le-mail-26"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("reset from the mailed link = %d", rec.Code)
	}
	tt.Login("lucas@acme.test", "depuis-le-mail-26")
}
