package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// errorAnswer is how a domain error is answered over HTTP, whatever the
// medium (page, form, Datastar toast, JSON): its status, the message
// shown to the user in their language (a generic one for internal
// errors), the form field at fault (components.WholeForm when none) and
// whether a posted form shows it. A coded error (invalid, conflict,
// forbidden, not found, gone) goes back to the form that caused it,
// typed values kept, at its status; an internal error gets the status
// page or an error toast, its cause logged.
type errorAnswer struct {
	Status  int
	Message string
	Field   string
	OnForm  bool
}

// answerOf is the one mapping from errors to HTTP answers: a storage
// failure of the server (database busy, locked, read-only, missing,
// failing: tenants.StorageErrorKind) is a 503 whose message says nothing
// is lost — the form keeps its values, the crew app its outbox, and the
// tenant is taken out of service when its files are at fault
// (tenants.NoteStorageError); the dispatcher adds Retry-After. Then the
// domain error codes.
func answerOf(ctx context.Context, err error) errorAnswer {
	if kind := tenants.NoteStorageError(ctx, err); kind != tenants.StorageOK {
		return errorAnswer{Status: http.StatusServiceUnavailable, Message: i18n.Text(ctx, tenants.StorageText(kind)),
			Field: components.WholeForm, OnForm: true}
	}
	// NB: PocketBase's field validation (a unique value, a schema bound)
	// is bad input, not a server error.
	err = domain.SaveError(err)
	a := errorAnswer{Status: statusOf(err), Message: i18n.Text(ctx, domain.ErrorText(err)), Field: components.WholeForm}
	var de *domain.Error
	if errors.As(err, &de) && de.Field != "" {
		a.Field = de.Field
	}
	a.OnForm = domain.ErrorCode(err) != domain.EInternal
	return a
}

// statusOf maps a domain error code to its HTTP status.
func statusOf(err error) int {
	switch domain.ErrorCode(err) {
	case domain.EInvalid:
		return http.StatusBadRequest
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EConflict:
		return http.StatusConflict
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.EGone:
		return http.StatusGone
	}
	return http.StatusInternalServerError
}

// userMessage is err's message for the user, in the request's language.
func userMessage(ctx context.Context, err error) string { return answerOf(ctx, err).Message }

// formErrors returns the field errors a posted form shows for err and
// the status to answer it with; ok is false for an internal error
// (answer it with fail).
func formErrors(ctx context.Context, err error) (errs components.FieldErrors, status int, ok bool) {
	a := answerOf(ctx, err)
	if !a.OnForm {
		return nil, 0, false
	}
	return components.FieldErrors{a.Field: a.Message}, a.Status, true
}

// fail renders err as a page (or an SSE toast for Datastar requests),
// logging internal errors with their cause.
func (h *Handlers) fail(e *core.RequestEvent, err error) error {
	a := answerOf(e.Request.Context(), err)
	h.logInternal(e, err, a.Status)
	if isDatastar(e.Request) {
		return h.toastError(e, a.Message)
	}
	return h.statusPage(e, a.Status, a.Message)
}

// apiProblem is the JSON error body of our API routes.
type apiProblem struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
}

// apiFail answers err as an apiProblem.
func (h *Handlers) apiFail(e *core.RequestEvent, err error) error {
	a := answerOf(e.Request.Context(), err)
	h.logInternal(e, err, a.Status)
	return e.JSON(a.Status, apiProblem{Status: a.Status, Message: a.Message})
}

// logInternal logs an error answered 500 with its cause (the user only
// sees the generic message), and a 503 of a storage failure as a warning
// (the registry logs the fault itself at error level).
func (h *Handlers) logInternal(e *core.RequestEvent, err error, status int) {
	switch status {
	case http.StatusInternalServerError:
		h.deps.Logger.ErrorContext(e.Request.Context(), "request failed", "path", e.Request.URL.Path, "tenant", tenantSlug(e.Request), "error", err)
	case http.StatusServiceUnavailable:
		h.deps.Logger.WarnContext(e.Request.Context(), "request refused: storage unavailable", "path", e.Request.URL.Path, "tenant", tenantSlug(e.Request), "error", err)
	}
}

func urlEscape(s string) string { return url.QueryEscape(s) }

func urlParse(s string) (*url.URL, error) { return url.Parse(s) }

func urlPathEscape(s string) string { return url.PathEscape(s) }

// safeNext returns a local redirect target, or "/" (no open redirects).
func safeNext(next string) string {
	if next == "" || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}
