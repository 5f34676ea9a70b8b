package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/public"
)

// wantsPage reports whether a failed request is answered by an HTML
// status page: a browser's navigation, not an API call (/api/…, the
// PocketBase dashboard), a Datastar request (a toast) or a JSON client.
func wantsPage(r *http.Request) bool {
	p, accept := r.URL.Path, r.Header.Get("Accept")
	return !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/_/") && !isDatastar(r) &&
		!(strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html"))
}

// statusPages turns what a page route returns without answering — the
// router's errors (an unknown path, PocketBase's 429 when its rate limit
// is on), an unexpected error, a panic — into the status page in the
// reader's language; API, dashboard and Datastar requests keep
// PocketBase's JSON.
func (h *Handlers) statusPages(e *core.RequestEvent) (err error) {
	if !wantsPage(e.Request) {
		return e.Next()
	}
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler { //nolint:errorlint // NB: net/http's own sentinel, compared as it panics
			panic(r)
		}
		h.deps.Logger.ErrorContext(e.Request.Context(), "panic", "path", e.Request.URL.Path, "tenant", tenantSlug(e.Request), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		if !responseWritten(e.Response) {
			err = h.statusPage(e, http.StatusInternalServerError, "")
		}
	}()
	err = e.Next()
	if err == nil || responseWritten(e.Response) {
		return err
	}
	var apiErr *router.ApiError
	if errors.As(err, &apiErr) {
		if apiErr.Status >= http.StatusInternalServerError {
			h.deps.Logger.ErrorContext(e.Request.Context(), "request failed", "path", e.Request.URL.Path, "tenant", tenantSlug(e.Request), "error", err)
		}
		return h.statusPage(e, apiErr.Status, "")
	}
	return h.fail(e, err)
}

// responseWritten reports whether an answer has been started.
func responseWritten(w http.ResponseWriter) bool {
	t, ok := w.(router.WriteTracker)
	return ok && t.Written()
}

// routeProbe tells the methods another route serves a path under, so
// that a GET of a form's target is a 405 rather than a 404. It reads the
// app's router once, on first use, when every route is registered.
type routeProbe struct {
	router *router.Router[*core.RequestEvent]
	once   sync.Once
	mux    *http.ServeMux
}

// allowed lists the methods (other than r's) a route serves r's path
// under; the catch-all does not count.
func (p *routeProbe) allowed(r *http.Request) []string {
	p.once.Do(func() {
		if m, err := p.router.BuildMux(); err == nil {
			p.mux, _ = m.(*http.ServeMux)
		}
	})
	if p.mux == nil {
		return nil
	}
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method || (m == http.MethodGet && r.Method == http.MethodHead) {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := p.mux.Handler(probe); pattern != "" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}

// catchAll answers the paths no route serves: the 404 page (405 when
// the path is served under another method, with Allow); API calls keep
// PocketBase's JSON 404.
func (h *Handlers) catchAll(p *routeProbe) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !wantsPage(e.Request) {
			return router.NewNotFoundError("", nil)
		}
		if allow := p.allowed(e.Request); len(allow) > 0 {
			e.Response.Header().Set("Allow", strings.Join(allow, ", "))
			msg := i18n.T(e.Request.Context(), "error.method_not_allowed")
			if e.Request.Method != http.MethodGet && e.Request.Method != http.MethodHead {
				msg = i18n.T(e.Request.Context(), "error.method_not_allowed_other")
			}
			return h.statusPage(e, http.StatusMethodNotAllowed, msg)
		}
		return h.statusPage(e, http.StatusNotFound, "")
	}
}

// errorPage renders a friendly, translated error page inside the app.
func (h *Handlers) errorPage(e *core.RequestEvent, status int) error {
	return h.statusPage(e, status, "")
}

// statusPage renders the status page: a title naming the status, the
// explanation (msg, the domain error's message, when given, else the
// status's own) and a way back, inside the shell of a signed-in user.
func (h *Handlers) statusPage(e *core.RequestEvent, status int, msg string) error {
	if domain.TenantContextFrom(e.Request.Context()) == nil {
		h.setTenantContext(e) // answering before the middleware (a rate limit)
	}
	ctx := e.Request.Context()
	title := statusTitle(ctx, status)
	vm := public.StatusVM{Page: h.pageVM(e, title), Status: status, Title: title, FR: msg,
		Action: "/", ActionLabel: i18n.T(ctx, "error.back_home")}
	if msg == "" || status == http.StatusInternalServerError {
		vm.FR = statusMessage(ctx, status)
	}
	if status == http.StatusUnauthorized {
		vm.Action, vm.ActionLabel = "/login", i18n.T(ctx, "login.submit")
		if e.Request.Method == http.MethodGet {
			vm.Action += "?next=" + urlEscape(e.Request.URL.RequestURI())
		}
	}
	tc := tenantCtx(e)
	if u := tc.User; u != nil && u.Collection().Name == domain.CollectionUsers && tenants.FromContext(ctx) != nil {
		vm.Crew = tc.Role == domain.RoleCrew || strings.HasPrefix(e.Request.URL.Path, "/m/")
		shell := h.shell(e, "", title)
		if vm.Crew {
			shell = h.crewShell(e, "", title)
		}
		vm.Shell = &shell
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	render(e.Response, e.Request, status, public.StatusPage(vm))
	return nil
}

// statusTitle names a status for the reader ("Page introuvable").
func statusTitle(ctx context.Context, status int) string {
	switch status {
	case 400, 401, 403, 404, 405, 409, 410, 413, 429, 500, 503:
		return i18n.T(ctx, "error.title."+strconv.Itoa(status))
	}
	if status >= 500 {
		return i18n.T(ctx, "error.title.500")
	}
	return i18n.T(ctx, "error.title.other")
}

// statusMessage is the explanation of a status without a domain message.
func statusMessage(ctx context.Context, status int) string {
	key := "error.internal"
	switch status {
	case http.StatusBadRequest:
		key = "error.bad_request"
	case http.StatusUnauthorized:
		key = "error.unauthorized"
	case http.StatusForbidden:
		key = "error.forbidden"
	case http.StatusNotFound:
		key = "error.not_found"
	case http.StatusMethodNotAllowed:
		key = "error.method_not_allowed"
	case http.StatusGone:
		key = "error.gone"
	case http.StatusRequestEntityTooLarge:
		key = "error.too_large"
	case http.StatusTooManyRequests:
		key = "error.too_many"
	case http.StatusServiceUnavailable:
		key = "error.unavailable"
	default:
		if status < 500 {
			key = "error.bad_request"
		}
	}
	return i18n.T(ctx, key)
}

// ErrorPage renders the dispatcher's status pages (404, 410, 500, 503 and
// its storage cause) in the visitor's language (language cookie, then
// Accept-Language): no tenant context nor session is available there.
func (h *Handlers) ErrorPage(w http.ResponseWriter, r *http.Request, status int, cause tenants.Cause) {
	fr, en := tenants.ErrorText(status, cause)
	pref := ""
	if c, err := r.Cookie("fieldops_lang"); err == nil {
		pref = c.Value
	}
	lang := i18n.Negotiate(pref, r.Header.Get("Accept-Language"))
	msg := fr
	if lang == i18n.EN {
		msg = en
	}
	ctx := i18n.WithLocale(r.Context(), h.cat, lang, nil)
	r = r.WithContext(ctx)
	title := statusTitle(ctx, status)
	w.Header().Set("Cache-Control", "no-store")
	vm := public.StatusVM{Page: h.basePage(title), Status: status, Title: title, FR: msg}
	if status != http.StatusNotFound && status != http.StatusGone { // no workspace to go back to
		vm.Action, vm.ActionLabel = "/", i18n.T(ctx, "error.back_home")
	}
	render(w, r, status, public.StatusPage(vm))
}
