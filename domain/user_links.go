package domain

import (
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Lifetimes of the one-time links that let a person choose a password.
// An invitation lasts InviteTTL; a reset the user asked for by e-mail
// lasts ResetTTL; a reset an administrator issues for someone (handed
// over by hand when no mail server is configured) lasts AdminResetTTL.
const (
	InviteTTL     = 72 * time.Hour
	ResetTTL      = 30 * time.Minute
	AdminResetTTL = 24 * time.Hour
)

// PasswordLink is a one-time link to choose a password: a PocketBase
// password-reset token (so /password-reset/{token} and the REST API's
// confirm-password-reset both take it) with its own expiry. It stops
// working as soon as the password is set, because the user's token key
// changes: a link works once.
type PasswordLink struct {
	URL     string
	Expires time.Time
	TTL     time.Duration
}

// Delivery is how a one-time link reached its person: by e-mail (Mailed),
// or not — no mail server is configured (MailErr nil), or the server
// refused it (MailErr) — and then whoever issued it hands Link over.
type Delivery struct {
	Link    PasswordLink
	Mailed  bool
	MailErr error
}

// MailConfigured reports whether the tenant can send e-mail: the
// platform's SMTP server, which every tenant inherits, is enabled.
// Without it PocketBase would fall back to a local sendmail that a
// server does not have.
func MailConfigured(app core.App) bool { return app.Settings().SMTP.Enabled }

// NewPasswordLink returns a one-time link for user issued at now and
// valid ttl; invite marks an invitation ("choose your password").
func NewPasswordLink(user *core.Record, baseURL string, now time.Time, ttl time.Duration, invite bool) (PasswordLink, error) {
	if !user.Collection().IsAuth() {
		return PasswordLink{}, core.ErrNotAuthRecord
	}
	expires := now.Add(ttl)
	key := user.TokenKey() + user.Collection().PasswordResetToken.Secret
	// NB: the payload's exp replaces security.NewJWT's (time.Now-based),
	// so the injected clock decides the expiry.
	tok, err := security.NewJWT(jwt.MapClaims{
		"exp":                       expires.Unix(),
		core.TokenClaimType:         core.TokenTypePasswordReset,
		core.TokenClaimId:           user.Id,
		core.TokenClaimCollectionId: user.Collection().Id,
		core.TokenClaimEmail:        user.Email(),
	}, key, ttl)
	if err != nil {
		return PasswordLink{}, err
	}
	link := strings.TrimRight(baseURL, "/") + "/password-reset/" + tok
	if invite {
		link += "?invite=1"
	}
	return PasswordLink{URL: link, Expires: expires, TTL: ttl}, nil
}

// deliver mails a link with send when a mail server is configured; a
// refused e-mail is reported in the Delivery, never as an error: the link
// stands and is handed over another way.
func deliver(app core.App, link PasswordLink, send func() error) Delivery {
	d := Delivery{Link: link}
	if !MailConfigured(app) {
		return d
	}
	if err := send(); err != nil {
		d.MailErr = err
		return d
	}
	d.Mailed = true
	return d
}

// IssuePasswordReset creates a reset link for user valid ttl and e-mails
// it when a mail server is configured (Delivery says whether it left).
func IssuePasswordReset(app core.App, user *core.Record, baseURL string, now time.Time, ttl time.Duration) (Delivery, error) {
	link, err := NewPasswordLink(user, baseURL, now, ttl, false)
	if err != nil {
		return Delivery{}, err
	}
	return deliver(app, link, func() error { return mailPasswordReset(app, user, link) }), nil
}

// InviteUser creates an active user with an unusable random password and
// an invitation link (valid InviteTTL) to choose their own, e-mailed when
// a mail server is configured. The account exists whatever happens to the
// e-mail: Delivery says whether it left, and the link is the inviter's to
// hand over otherwise.
func InviteUser(app core.App, n NewUser, inviter *core.Record, baseURL string, now time.Time) (User, Delivery, error) {
	n.Password = security.RandomString(40)
	name := "FieldOps360"
	if inviter != nil {
		name = inviter.GetString("name")
		n.Actor = inviter.Id
	}
	u, err := CreateUser(app, n)
	if err != nil {
		return User{}, Delivery{}, err
	}
	link, err := NewPasswordLink(u.Record, baseURL, now, InviteTTL, true)
	if err != nil {
		return u, Delivery{}, err
	}
	return u, deliver(app, link, func() error { return mailInvitation(app, u.Record, name, link) }), nil
}
