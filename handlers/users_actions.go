package handlers

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
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
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EInvalid {
			return h.fail(e, err)
		}
		msg := i18n.Localize(ctx, de.Message)
		switch de.Field {
		case "email":
			inv.EmailErr = msg
		case "role":
			inv.RoleErr = msg
		default:
			inv.NameErr = msg
		}
		vm, verr := h.newUsersVM(e, inv)
		if verr != nil {
			return h.fail(e, verr)
		}
		render(e.Response, e.Request, http.StatusBadRequest, admin.UsersPage(vm))
		return nil
	}
	return e.Redirect(http.StatusSeeOther, "/users?toast=invited")
}

// usersToggle (de)activates a user and answers with the morphed row, the
// new active count signal and a toast.
func (h *Handlers) usersToggle(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	target, err := e.App.FindRecordById(domain.CollectionUsers, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "Utilisateur introuvable / user not found"))
	}
	u, err := domain.SetUserActive(e.App, e.Auth, target.Id, !target.GetBool("active"))
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
	key := "users.deactivated"
	if u.GetBool("active") {
		key = "users.activated"
	}
	return h.toast(sse, "success", i18n.T(ctx, key, u.GetString("name")))
}

// usersReset emails a password reset link to a user.
func (h *Handlers) usersReset(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	u, err := e.App.FindRecordById(domain.CollectionUsers, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "Utilisateur introuvable / user not found"))
	}
	if err := domain.SendPasswordReset(e.App, u, h.baseURL(e)); err != nil {
		return h.fail(e, err)
	}
	sse := datastar.NewSSE(e.Response, e.Request)
	return h.toast(sse, "success", i18n.T(ctx, "users.reset_sent", u.Email()))
}
