package handlers

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Middleware priorities relative to PocketBase's (lower runs first):
// panic recover -1030, compression -1029, token loader -1020, security
// headers -1010, rate limit -1000 (status pages run before it, to show its 429).
const (
	prioCompress = -1029
	prioCSRF     = -1027
	prioSession  = -1025
	prioHeaders  = -1005
	prioStatus   = -1004
	prioContext  = -1000
	prioLicence  = -999
)

// bindMiddleware installs our middleware on an app router.
func (h *Handlers) bindMiddleware(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsCompress", Priority: prioCompress, Func: compress})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsCSRF", Priority: prioCSRF, Func: h.csrf})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsSession", Priority: prioSession, Func: h.sessionAuth})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsHeaders", Priority: prioHeaders, Func: h.securityHeaders})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsStatusPages", Priority: prioStatus, Func: h.statusPages})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsTenantContext", Priority: prioContext, Func: h.tenantContext})
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsLicence", Priority: prioLicence, Func: h.licence})
	se.App.OnFileDownloadRequest().Bind(&hook.Handler[*core.FileDownloadRequestEvent]{Id: "fieldopsFileFrameOptions", Func: fileFrameOptions})
	h.bindAuthGuards(se)
}

// csrf refuses cross-origin state-changing requests (Sec-Fetch-Site /
// Origin checks of http.CrossOriginProtection) on every route, the
// PocketBase API included since it accepts the session cookie.
func (h *Handlers) csrf(e *core.RequestEvent) error {
	if err := h.cop.Check(e.Request); err != nil {
		h.csrfDenied(e.Response, e.Request)
		return nil
	}
	return e.Next()
}

func (h *Handlers) csrfDenied(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(catalog.New("err.csrf").In(i18n.Negotiate("", r.Header.Get("Accept-Language"))) + "\n"))
}

func newNonce() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

// securityHeaders sets the CSP (with a per-request nonce; Datastar needs
// 'unsafe-eval') and the usual hardening headers on our pages. The
// PocketBase dashboard (/_/) and the files of records (/api/files/) get
// their own (headers.go).
func (h *Handlers) securityHeaders(e *core.RequestEvent) error {
	switch p := e.Request.URL.Path; {
	case strings.HasPrefix(p, "/_/"):
		dashboardHeaders(e)
		return e.Next()
	case strings.HasPrefix(p, "/api/files/"):
		fileHeaders(e)
		return e.Next()
	}
	nonce := newNonce()
	hdr := e.Response.Header()
	hdr.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+nonce+"' 'unsafe-eval'; "+
		"style-src 'self' 'nonce-"+nonce+"'; img-src 'self' data: blob: https://tile.openstreetmap.org; connect-src 'self'; "+
		"font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	hdr.Set("Permissions-Policy", "geolocation=(self), camera=(self), microphone=(), payment=()")
	if e.Request.TLS != nil {
		hdr.Set("Strict-Transport-Security", "max-age=31536000")
	}
	e.Request = e.Request.WithContext(templ.WithNonce(e.Request.Context(), nonce))
	return e.Next()
}

// requireUser redirects anonymous visitors of a page to /login (and
// answers 401 to Datastar/API calls).
func (h *Handlers) requireUser(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers {
		if e.Request.Method == http.MethodGet && e.Request.Header.Get("Datastar-Request") == "" {
			return e.Redirect(http.StatusSeeOther, "/login?next="+urlEscape(e.Request.URL.RequestURI()))
		}
		return h.errorPage(e, http.StatusUnauthorized)
	}
	return e.Next()
}

// requireModule lets through users whose role (and admin flag) may open
// the module (domain.CanOpen) when the tenant's plan includes it; others
// get the friendly 403 page, naming the plan to take when only the plan
// stands in the way.
func (h *Handlers) requireModule(module string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if tc := tenantCtx(e); !tc.CanOpen(module) {
			if tc.User != nil && domain.CanOpen(tc.Role, tc.TenantAdmin, module) {
				return h.moduleRefusal(e, module) // the role may, the plan does not
			}
			return h.errorPage(e, http.StatusForbidden)
		}
		return e.Next()
	}
}
