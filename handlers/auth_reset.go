package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/auth"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// resetRequestShow renders the "forgot password" form, or, when the
// tenant has no mail server, what to do instead (ask an administrator).
func (h *Handlers) resetRequestShow(e *core.RequestEvent) error {
	vm := auth.ResetRequestVM{Page: h.pageVM(e, i18n.T(e.Request.Context(), "reset.title")), NoMail: !domain.MailConfigured(e.App)}
	render(e.Response, e.Request, http.StatusOK, auth.ResetRequestPage(vm))
	return nil
}

// resetRequestSubmit emails a reset link (valid domain.ResetTTL) when the
// address belongs to an active user; the answer is the same either way (no
// account probing), and so is the answer without a mail server (ask an
// administrator). Requests are throttled with the API's (per address and
// per IP): past the budget, 429 with the time to come back.
func (h *Handlers) resetRequestSubmit(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	email := strings.TrimSpace(e.Request.FormValue("email"))
	vm := auth.ResetRequestVM{Page: h.pageVM(e, i18n.T(ctx, "reset.title")), Email: email, NoMail: !domain.MailConfigured(e.App)}
	if !strings.Contains(email, "@") {
		vm.Error = i18n.T(ctx, "reset.email_invalid")
		render(e.Response, e.Request, http.StatusBadRequest, auth.ResetRequestPage(vm))
		return nil
	}
	// NB: the budget counts every address asked for, known or not, so a
	// refusal says nothing about the account.
	if until := h.throttle.Request(h.attempt(e, email)); !until.IsZero() {
		vm.Error = lockedText(ctx, "auth.requests_locked", until)
		render(e.Response, e.Request, http.StatusTooManyRequests, auth.ResetRequestPage(vm))
		return nil
	}
	if vm.NoMail {
		render(e.Response, e.Request, http.StatusOK, auth.ResetRequestPage(vm))
		return nil
	}
	if u := domain.FindActiveUserByEmail(e.App, email); u != nil {
		d, err := domain.IssuePasswordReset(e.App, u, h.baseURL(e), h.deps.Clock(), domain.ResetTTL)
		if err == nil {
			err = d.MailErr
		}
		if err != nil {
			h.deps.Logger.ErrorContext(e.Request.Context(), "password reset mail", "tenant", tenantSlug(e.Request), "error", err)
		}
	}
	vm.Sent = true
	render(e.Response, e.Request, http.StatusOK, auth.ResetRequestPage(vm))
	return nil
}

// baseURL is the tenant's URL as the user reached it.
func (h *Handlers) baseURL(e *core.RequestEvent) string {
	scheme := "http"
	if e.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + e.Request.Host
}

func (h *Handlers) resetConfirmVM(e *core.RequestEvent) auth.ResetConfirmVM {
	return auth.ResetConfirmVM{
		Page:   h.pageVM(e, i18n.T(e.Request.Context(), "reset.new_title")),
		Token:  e.Request.PathValue("token"),
		Invite: e.Request.URL.Query().Get("invite") == "1",
	}
}

// resetConfirmShow renders the new-password form of an emailed link.
func (h *Handlers) resetConfirmShow(e *core.RequestEvent) error {
	vm := h.resetConfirmVM(e)
	if _, err := domain.FindResetTokenAuth(e.App, vm.Token); err != nil {
		vm.InvalidToken = true
		render(e.Response, e.Request, http.StatusBadRequest, auth.ResetConfirmPage(vm))
		return nil
	}
	render(e.Response, e.Request, http.StatusOK, auth.ResetConfirmPage(vm))
	return nil
}

// resetConfirmSubmit sets the new password (which ends the user's
// sessions: domain.BindSessionHooks), lifts a sign-in lock of the account
// and sends the user to login.
func (h *Handlers) resetConfirmSubmit(e *core.RequestEvent) error {
	vm := h.resetConfirmVM(e)
	u, err := domain.ResetPassword(e.App, vm.Token, e.Request.FormValue("password"), e.Request.FormValue("password_confirm"))
	if err != nil {
		a := answerOf(e.Request.Context(), err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		switch a.Field {
		case "password", "password_confirm":
			vm.Errors = components.FieldErrors{a.Field: a.Message}
		default:
			vm.InvalidToken = true
		}
		render(e.Response, e.Request, a.Status, auth.ResetConfirmPage(vm))
		return nil
	}
	h.throttle.Success(h.attempt(e, u.Email())) // the reset lifts a lock
	return e.Redirect(http.StatusSeeOther, "/login?reset=1")
}
