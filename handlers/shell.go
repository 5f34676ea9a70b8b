package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// basePage is the page model without request context.
func (h *Handlers) basePage(title string) layouts.PageVM {
	return layouts.PageVM{
		Title:     title,
		CSSPath:   h.assets.Path("css/app.css"),
		JSPath:    h.assets.Path("js/datastar.js"),
		AppJSPath: h.assets.Path("js/app.js"),
		IconPath:  h.assets.Path("icons/icon-192.png"),
	}
}

// pageVM is the page model of a tenant page (brand = company name).
func (h *Handlers) pageVM(e *core.RequestEvent, title string) layouts.PageVM {
	p := h.basePage(title)
	p.Brand = tenantCtx(e).Company.Name
	return p
}

// authUser is the signed-in user of the request (a nil record when
// anonymous).
func authUser(e *core.RequestEvent) domain.User { return domain.User{Record: e.Auth} }

// shell builds the office/crew shell model for the signed-in user with
// the navigation their role and admin flag allow.
func (h *Handlers) shell(e *core.RequestEvent, active, title string, crumbs ...layouts.Crumb) layouts.ShellVM {
	tc := tenantCtx(e)
	u := domain.User{Record: tc.User}
	vm := layouts.ShellVM{Page: h.pageVM(e, title), Breadcrumb: crumbs}
	vm.Company = vm.Page.Brand
	vm.Licence = licenceBanner(e.Request.Context(), tc.Plan)
	if u.Record != nil {
		vm.User = layouts.UserVM{Name: u.Name(), Email: u.Email(), Role: tc.Role, TenantAdmin: tc.TenantAdmin}
		for _, n := range tc.Navigation() {
			vm.Nav = append(vm.Nav, layouts.NavItem{Key: n.Key, Href: n.Href, Icon: n.Icon, Active: n.Key == active})
		}
		if u.Collection().Name == domain.CollectionUsers {
			n, err := domain.CountUnreadNotifications(e.App, u.Id)
			if err != nil {
				h.deps.Logger.WarnContext(e.Request.Context(), "unread notifications", "tenant", tenantSlug(e.Request), "error", err)
			}
			vm.Bell, vm.Unread = true, n
		}
	}
	return vm
}

// crewShell builds the crew app shell (bottom tabs).
func (h *Handlers) crewShell(e *core.RequestEvent, active, title string) layouts.ShellVM {
	vm := h.shell(e, "", title)
	vm.Bell = false // the crew app has no bell
	vm.Page.Manifest = "/m/manifest.webmanifest"
	vm.Nav = []layouts.NavItem{
		{Key: "today", Href: "/m/", Icon: "home", Active: active == "today"},
		{Key: "consume", Href: "/m/consumption", Icon: "box", Active: active == "consume"},
		{Key: "time", Href: "/m/time", Icon: "clock", Active: active == "time"},
		{Key: "photos", Href: "/m/photos", Icon: "camera", Active: active == "photos"},
	}
	vm.CrewJS, vm.CrewIDB = h.assets.Path("js/crew.js"), h.assets.Path("vendor/idb/idb.js")
	if e.Auth != nil {
		vm.CrewUser = e.Auth.Id
	}
	return vm
}

// langSet stores the chosen language in a cookie (and on the user).
func (h *Handlers) langSet(e *core.RequestEvent) error {
	lang := e.Request.PathValue("lang")
	if lang != i18n.FR && lang != i18n.EN {
		return h.errorPage(e, http.StatusNotFound)
	}
	http.SetCookie(e.Response, &http.Cookie{Name: "fieldops_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.deps.Secure})
	if e.Auth != nil && e.Auth.Collection().Name == domain.CollectionUsers && authUser(e).Locale() != lang {
		if err := domain.SetUserLocale(e.App, e.Auth, lang); err != nil {
			return h.fail(e, err)
		}
	}
	back := safeNext(e.Request.URL.Query().Get("next"))
	if ref := e.Request.Referer(); back == "/" && ref != "" {
		if u, err := urlParse(ref); err == nil && u.Host == e.Request.Host {
			back = safeNext(u.RequestURI())
		}
	}
	return e.Redirect(http.StatusSeeOther, back)
}
