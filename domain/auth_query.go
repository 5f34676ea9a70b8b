package domain

import "github.com/pocketbase/pocketbase/core"

// FindSessionAuth returns the record a session's auth token was issued
// to: a superuser, or a user of the tenant who is still active. An
// invalid or expired token and a user deactivated since are ENotFound:
// the session ends.
func FindSessionAuth(app core.App, token string) (*core.Record, error) {
	rec, err := app.FindAuthRecordByToken(token, core.TokenTypeAuth)
	if err != nil {
		return nil, &Error{Code: ENotFound, Key: "err.session.expired", Err: err}
	}
	if rec.Collection().Name == CollectionUsers && !(User{rec}).Active() {
		return nil, Errorf(ENotFound, "err.session.expired")
	}
	return rec, nil
}

// FindResetTokenAuth returns the record a password-reset (or invitation)
// token was issued to; an invalid or expired token is EInvalid.
func FindResetTokenAuth(app core.App, token string) (*core.Record, error) {
	rec, err := app.FindAuthRecordByToken(token, core.TokenTypePasswordReset)
	if err != nil {
		return nil, &Error{Code: EInvalid, Key: "err.auth.link_invalid", Err: err}
	}
	return rec, nil
}

// OTPAccountEmail returns the e-mail of the account a one-time password
// was sent to ("" when the OTP or its account is unknown): the login
// throttle counts an auth-with-otp attempt against that account.
func OTPAccountEmail(app core.App, otpID string) string {
	otp, err := app.FindOTPById(otpID)
	if err != nil {
		return ""
	}
	rec, err := app.FindRecordById(otp.CollectionRef(), otp.RecordRef())
	if err != nil {
		return ""
	}
	return rec.Email()
}
