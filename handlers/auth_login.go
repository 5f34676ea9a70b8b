package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/auth"
	"github.com/fieldops360/fieldops/views/i18n"
)

// root sends a signed-in user to their role's home; anonymous visitors
// get the login form.
func (h *Handlers) root(e *core.RequestEvent) error {
	if e.Auth != nil && e.Auth.Collection().Name == domain.CollectionUsers {
		return e.Redirect(http.StatusSeeOther, domain.HomePath(authUser(e).Role()))
	}
	return h.loginShow(e)
}

func (h *Handlers) loginVM(e *core.RequestEvent) auth.LoginVM {
	vm := auth.LoginVM{Page: h.pageVM(e, i18n.T(e.Request.Context(), "login.title")), Next: e.Request.URL.Query().Get("next")}
	vm.Company = vm.Page.Brand
	switch q := e.Request.URL.Query(); {
	case q.Get("reset") == "1":
		vm.Notice = i18n.T(e.Request.Context(), "reset.done")
	case q.Get("signed_out") == "all":
		vm.Notice = i18n.T(e.Request.Context(), "login.signed_out_all")
	}
	return vm
}

// loginShow renders the sign-in form.
func (h *Handlers) loginShow(e *core.RequestEvent) error {
	render(e.Response, e.Request, http.StatusOK, auth.LoginPage(h.loginVM(e)))
	return nil
}

// loginSubmit checks the credentials (throttled per account and per IP),
// starts a session and redirects (303) to next or to the role's home.
func (h *Handlers) loginSubmit(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	email := strings.ToLower(strings.TrimSpace(e.Request.FormValue("email")))
	vm := h.loginVM(e)
	vm.Email, vm.Next = email, e.Request.FormValue("next")
	u, status, msg, err := h.throttledLogin(ctx, h.attempt(e, email), func() (*core.Record, error) {
		return domain.Authenticate(e.App, email, e.Request.FormValue("password"), h.deps.Clock())
	})
	if err != nil {
		return h.fail(e, err)
	}
	if u == nil {
		vm.Error = msg
		render(e.Response, e.Request, status, auth.LoginPage(vm))
		return nil
	}
	if err := h.startSession(e, u); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, safeNext(vm.Next))
}
