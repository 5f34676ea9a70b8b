package handlers

import (
	"net/http"
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/fieldops360/fieldops/assets"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/public"
)

// bindClientGuard refuses a client session on every route but the client
// pages and the public ones (an office page, the REST API, the JSON API),
// and binds the e-mail to the client contacts of a site when its weekly
// report is archived (with a link under the tenant's public URL).
func (h *Handlers) bindClientGuard(se *core.ServeEvent) {
	se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "fieldopsClientGuard", Priority: prioClientGuard, Func: h.clientGuard})
	base := ""
	if h.deps.Registry != nil {
		base = h.deps.Registry.URL(filepath.Base(se.App.DataDir()))
	}
	domain.BindClientReportNotify(se.App, base)
}

func (h *Handlers) clientGuard(e *core.RequestEvent) error {
	p := e.Request.URL.Path
	if e.Auth != nil || p != "/" && clientPublicPath(p) {
		return e.Next()
	}
	if c, err := e.Request.Cookie(clientCookie); err != nil || c.Value == "" {
		return e.Next()
	}
	if h.loadClientSession(e) == nil {
		return e.Next() // a stale cookie: anonymous
	}
	if p == "/" {
		return e.Redirect(http.StatusSeeOther, "/client/")
	}
	if strings.HasPrefix(e.Request.URL.Path, "/api/") {
		return e.JSON(http.StatusForbidden, apiProblem{Status: http.StatusForbidden, Message: i18n.T(e.Request.Context(), "client.office_refused")})
	}
	return h.clientRefusal(e, http.StatusForbidden, i18n.T(e.Request.Context(), "client.office_refused"))
}

// clientRefusal is the status page of a refused client request: why, and
// no way to the staff's login (a client has none); a client session
// refused an office page is shown the way back to /client/.
func (h *Handlers) clientRefusal(e *core.RequestEvent, status int, msg string) error {
	if domain.TenantContextFrom(e.Request.Context()) == nil {
		h.setTenantContext(e)
	}
	ctx := e.Request.Context()
	title := statusTitle(ctx, status)
	vm := public.StatusVM{Page: h.pageVM(e, title), Status: status, Title: title, FR: msg}
	if status == http.StatusForbidden {
		vm.Action, vm.ActionLabel = "/client/", i18n.T(ctx, "client.sites_title")
	}
	render(e.Response, e.Request, status, public.StatusPage(vm))
	return nil
}

// clientPublicPath lists what a client session may reach besides /client/.
func clientPublicPath(p string) bool {
	return p == "/" || p == "/client" || strings.HasPrefix(p, "/client/") || strings.HasPrefix(p, assets.Prefix) ||
		strings.HasPrefix(p, "/lang/") || p == "/favicon.ico" || p == "/login" || p == "/logout" ||
		strings.HasPrefix(p, "/password-reset") || strings.HasPrefix(p, "/api/docs")
}
