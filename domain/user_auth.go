package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// ErrBadCredentials is the one answer to a failed login: it never says
// whether the email exists or the account is deactivated.
var ErrBadCredentials = Errorf(EInvalid, "err.auth.bad_credentials")

// Authenticate checks an email and password against the tenant's active
// users and records the login time.
func Authenticate(app core.App, email, password string, now time.Time) (*core.Record, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || password == "" {
		return nil, ErrBadCredentials
	}
	u, err := app.FindAuthRecordByEmail(CollectionUsers, email)
	if err != nil || !u.ValidatePassword(password) || !u.GetBool("active") {
		return nil, ErrBadCredentials
	}
	u.Set("last_login", now.UTC())
	SetActor(u, u.Id)
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}

// FindActiveUserByEmail returns an active user, or nil.
func FindActiveUserByEmail(app core.App, email string) *core.Record {
	u, err := app.FindAuthRecordByEmail(CollectionUsers, strings.ToLower(strings.TrimSpace(email)))
	if err != nil || !u.GetBool("active") {
		return nil
	}
	return u
}

// ResetPassword sets a new password from a password-reset (or invitation)
// token. The token key changes, so the link and every existing session
// stop working.
func ResetPassword(app core.App, token, password, confirm string) (*core.Record, error) {
	u, err := app.FindAuthRecordByToken(token, core.TokenTypePasswordReset)
	if err != nil || u.Collection().Name != CollectionUsers {
		return nil, Errorf(EInvalid, "err.auth.link_invalid")
	}
	if len(password) < MinPasswordLength {
		return nil, FieldError("password", "err.password_too_short", MinPasswordLength)
	}
	if password != confirm {
		return nil, FieldError("password_confirm", "err.auth.passwords_differ")
	}
	u.SetPassword(password)
	u.SetVerified(true)
	SetActor(u, u.Id)
	if err := app.Save(u); err != nil {
		return nil, err
	}
	return u, nil
}
