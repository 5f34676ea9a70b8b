package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// prioAuthRoutes runs the API's auth guard after the tenant context (the
// messages need the request's language), before any route.
const prioAuthRoutes = prioContext + 10

// bindAuthGuards puts the authentication routes of PocketBase's REST API
// of an app (every tenant app and the platform app: bindMiddleware runs
// for both) under the rules of the sign-in pages:
//
//   - auth-with-password (users, _superusers): the login throttle, shared
//     with /login and /portal/login (a lock earned on one path holds on
//     all); a deactivated user is refused like a wrong password;
//   - auth-with-otp: the same lock and failure count (one-time codes are
//     off on our collections, but an admin may enable them in /_/);
//   - request-password-reset, request-otp: the mail budget of /password-reset;
//   - confirm-password-reset: a reset through an emailed link lifts the
//     account's lock, like the page's;
//   - request/confirm-verification, request/confirm-email-change: refused
//     (403). The product verifies addresses through its invitations and
//     admins change e-mails on /users; these routes only sent mail.
//
// It also binds the session hooks (domain.BindSessionHooks): a password
// or email change ends the record's sessions.
func (h *Handlers) bindAuthGuards(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsAuthRoutes", Priority: prioAuthRoutes, Func: h.authRoutes})
	se.App.OnRecordAuthWithPasswordRequest().Bind(&hook.Handler[*core.RecordAuthWithPasswordRequestEvent]{
		Id: "fieldopsPasswordThrottle", Func: h.apiPasswordAuth,
	})
	se.App.OnRecordConfirmPasswordResetRequest().Bind(&hook.Handler[*core.RecordConfirmPasswordResetRequestEvent]{
		Id: "fieldopsResetUnlocks", Func: h.apiResetConfirmed,
	})
	domain.BindSessionHooks(se.App)
}

// authRoutes guards the auth routes that accept no password field of a
// known account before PocketBase handles them.
func (h *Handlers) authRoutes(e *core.RequestEvent) error {
	rest, ok := strings.CutPrefix(e.Request.URL.Path, "/api/collections/")
	if !ok || e.Request.Method != http.MethodPost {
		return e.Next()
	}
	_, action, _ := strings.Cut(rest, "/")
	switch action {
	case "request-verification", "confirm-verification", "request-email-change", "confirm-email-change":
		return router.NewForbiddenError(i18n.T(e.Request.Context(), "auth.route_disabled"), nil)
	case "request-password-reset", "request-otp":
		var body struct {
			Email string `json:"email" form:"email"`
		}
		_ = e.BindBody(&body) // PocketBase re-reads the body and validates it
		if until := h.throttle.Request(h.attempt(e, body.Email)); !until.IsZero() {
			return h.tooManyRequests(e, "auth.requests_locked", until)
		}
	case "auth-with-otp":
		a := h.attempt(e, h.otpAccount(e))
		if until := h.throttle.Locked(a); !until.IsZero() {
			return h.tooManyRequests(e, "login.locked", until)
		}
		return h.settle(e, a, e.Next())
	}
	return e.Next()
}

// otpAccount returns the email of the account a one-time code was sent
// for ("" when the code is unknown: the failure then counts for the IP).
func (h *Handlers) otpAccount(e *core.RequestEvent) string {
	var body struct {
		OTPID string `json:"otpId" form:"otpId"`
	}
	if err := e.BindBody(&body); err != nil || body.OTPID == "" {
		return ""
	}
	return domain.OTPAccountEmail(e.App, body.OTPID)
}

// apiPasswordAuth runs PocketBase's password check under the login
// throttle.
func (h *Handlers) apiPasswordAuth(e *core.RecordAuthWithPasswordRequestEvent) error {
	a := h.attempt(e.RequestEvent, e.Identity)
	if until := h.throttle.Locked(a); !until.IsZero() {
		return h.tooManyRequests(e.RequestEvent, "login.locked", until)
	}
	if e.Record != nil && e.Record.Collection().Name == domain.CollectionUsers && !(domain.User{Record: e.Record}).Active() {
		e.Record = nil // deactivated: the answer of an unknown account
	}
	return h.settle(e.RequestEvent, a, e.Next())
}

// settle records the outcome of a credentials check of the API: a
// success clears the account's failures, a refusal (400) counts as a
// failure and answers 429 when it locks.
func (h *Handlers) settle(e *core.RequestEvent, a domain.Attempt, err error) error {
	if err == nil {
		h.throttle.Success(a)
		return nil
	}
	var api *router.ApiError
	if errors.As(err, &api) && api.Status == http.StatusBadRequest {
		if until := h.throttle.Failure(a); !until.IsZero() {
			return h.tooManyRequests(e, "login.locked", until)
		}
	}
	return err
}

// apiResetConfirmed lifts the account's lock once its password was reset
// through an emailed link.
func (h *Handlers) apiResetConfirmed(e *core.RecordConfirmPasswordResetRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	h.throttle.Success(h.attempt(e.RequestEvent, e.Record.Email()))
	return nil
}
