package handlers

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/public"
)

// statusOf maps a domain error code to an HTTP status: the one place
// where that mapping lives.
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

// fail renders err as a page (or an SSE toast for Datastar requests),
// logging internal errors with their cause.
func (h *Handlers) fail(e *core.RequestEvent, err error) error {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		h.deps.Logger.Error("request failed", "path", e.Request.URL.Path, "tenant", tenantSlug(e.Request), "error", err)
	}
	if isDatastar(e.Request) {
		return h.toastError(e, i18n.Text(e.Request.Context(), domain.ErrorText(err)))
	}
	return h.errorPage(e, status)
}

// errorPage renders a friendly, translated error page inside the app.
func (h *Handlers) errorPage(e *core.RequestEvent, status int) error {
	ctx := e.Request.Context()
	vm := public.StatusVM{Page: h.pageVM(e, http.StatusText(status)), Status: status}
	switch status {
	case http.StatusForbidden:
		vm.FR, vm.EN = i18n.T(ctx, "error.forbidden"), ""
		vm.Action, vm.ActionLabel = "/", i18n.T(ctx, "error.back_home")
	case http.StatusUnauthorized:
		vm.FR = i18n.T(ctx, "error.unauthorized")
		vm.Action, vm.ActionLabel = "/login", i18n.T(ctx, "login.submit")
	case http.StatusNotFound:
		vm.FR = i18n.T(ctx, "error.not_found")
		vm.Action, vm.ActionLabel = "/", i18n.T(ctx, "error.back_home")
	default:
		vm.FR = i18n.T(ctx, "error.internal")
	}
	render(e.Response, e.Request, status, public.StatusPage(vm))
	return nil
}

// ErrorPage renders the dispatcher's status pages (404, 410, 500, 503)
// in both languages (no tenant context is available there).
func (h *Handlers) ErrorPage(w http.ResponseWriter, r *http.Request, status int) {
	fr, en := tenants.ErrorText(status)
	w.Header().Set("Cache-Control", "no-store")
	ctx := i18n.WithLocale(r.Context(), h.cat, i18n.Negotiate("", r.Header.Get("Accept-Language")), nil)
	r = r.WithContext(ctx)
	render(w, r, status, public.StatusPage(public.StatusVM{Page: h.basePage(http.StatusText(status)), Status: status, FR: fr, EN: en}))
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
