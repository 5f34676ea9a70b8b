package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/portal"
)

// requireSuperuser guards the super-admin portal: platform superusers only.
func (h *Handlers) requireSuperuser(e *core.RequestEvent) error {
	if e.Auth == nil || !e.Auth.IsSuperuser() {
		if e.Request.Method == http.MethodGet && !isDatastar(e.Request) {
			return e.Redirect(http.StatusSeeOther, "/portal/login")
		}
		return h.errorPage(e, http.StatusUnauthorized)
	}
	return e.Next()
}

// portalShell is the platform shell for the signed-in superuser.
func (h *Handlers) portalShell(e *core.RequestEvent, active, title string) layouts.ShellVM {
	vm := layouts.ShellVM{Page: h.basePage(title)}
	if e.Auth != nil {
		vm.User = layouts.UserVM{Email: e.Auth.Email()}
	}
	vm.Nav = []layouts.NavItem{
		{Key: "tenants", Href: "/portal", Icon: "building", Active: active == "tenants"},
		{Key: "monitor", Href: "/portal/monitor", Icon: "gauge", Active: active == "monitor"},
		{Key: "shards", Href: "/portal/shards", Icon: "map", Active: active == "shards"},
		{Key: "billing", Href: "/portal/billing", Icon: "file", Active: active == "billing"},
		{Key: "finops", Href: "/portal/finops", Icon: "list", Active: active == "finops"},
		{Key: "audit", Href: "/portal/audit", Icon: "shield", Active: active == "audit"},
	}
	return vm
}

func (h *Handlers) portalLoginShow(e *core.RequestEvent) error {
	render(e.Response, e.Request, http.StatusOK, portal.LoginPage(portal.LoginVM{Page: h.basePage(i18n.T(e.Request.Context(), "portal.login_title"))}))
	return nil
}

// portalLoginSubmit signs a platform superuser in (throttled like tenant
// logins).
func (h *Handlers) portalLoginSubmit(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	email := strings.ToLower(strings.TrimSpace(e.Request.FormValue("email")))
	vm := portal.LoginVM{Page: h.basePage(i18n.T(ctx, "portal.login_title")), Email: email}
	su, status, msg, err := h.throttledLogin(ctx, h.attempt(e, email), func() (*core.Record, error) {
		return tenants.AuthenticateSuperuser(e.App, email, e.Request.FormValue("password"))
	})
	if err != nil {
		return h.fail(e, err)
	}
	if su == nil {
		vm.Error = msg
		render(e.Response, e.Request, status, portal.LoginPage(vm))
		return nil
	}
	if err := h.startSession(e, su); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/portal")
}
