package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// usersInvite creates a user and emails an invitation; on invalid input
// the page comes back (400) with the field errors and the typed values.
func (h *Handlers) usersInvite(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	inv := admin.InviteVM{
		Name: e.Request.FormValue("name"), Email: e.Request.FormValue("email"), Role: e.Request.FormValue("role"),
	}
	_, err := domain.InviteUser(e.App, domain.NewUser{Name: inv.Name, Email: inv.Email, Role: inv.Role, Locale: i18n.Lang(ctx)}, e.Auth, h.baseURL(e))
	if err != nil {
		a := answerOf(ctx, err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		field := a.Field
		if field != "email" && field != "role" {
			field = "name" // the form's other errors show under the name
		}
		inv.Errors = components.FieldErrors{field: a.Message}
		vm, verr := h.newUsersVM(e, inv)
		if verr != nil {
			return h.fail(e, verr)
		}
		render(e.Response, e.Request, a.Status, admin.UsersPage(vm))
		return nil
	}
	return e.Redirect(http.StatusSeeOther, "/users?toast=invited")
}

// usersToggle (de)activates a user and answers with the morphed row, the
// new active count signal and a toast.
func (h *Handlers) usersToggle(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	target, err := domain.FindPerson(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, err)
	}
	u, err := domain.SetUserActive(e.App, e.Auth, target.Id, !target.Active())
	if err != nil {
		return h.fail(e, err)
	}
	active, err := domain.CountActiveUsers(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	sse := datastar.NewSSE(e.Response, e.Request)
	_ = sse.MergeFragmentTempl(admin.UserRow(newUserRowVM(ctx, u, e.Auth)))
	_ = sse.MarshalAndMergeSignals(admin.UsersSignals{ActiveCount: active})
	key, updated := "users.deactivated", domain.User{Record: u}
	if updated.Active() {
		key = "users.activated"
	}
	return h.toast(sse, "success", i18n.T(ctx, key, updated.Name()))
}

// usersReset emails a password reset link to a user.
func (h *Handlers) usersReset(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	u, err := domain.FindPerson(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, err)
	}
	if err := domain.SendPasswordReset(e.App, u.Record, h.baseURL(e)); err != nil {
		return h.fail(e, err)
	}
	sse := datastar.NewSSE(e.Response, e.Request)
	return h.toast(sse, "success", i18n.T(ctx, "users.reset_sent", u.Email()))
}
