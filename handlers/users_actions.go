package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// usersInvite creates a user with an invitation (see invite): the page
// comes back with the single-use link, or (400) with the field errors and
// the typed values.
func (h *Handlers) usersInvite(e *core.RequestEvent) error {
	inv, status, err := h.invite(e, "/users/invite")
	if err != nil {
		return h.fail(e, err)
	}
	vm, err := h.newUsersVM(e, inv)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, status, admin.UsersPage(vm))
	return nil
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

// usersReset issues a password reset link for a user (valid
// domain.AdminResetTTL). When the e-mail left, a toast says so and no link
// is shown; otherwise (no mail server, or the server refused it) the link
// is shown once to the admin to hand over, with why.
func (h *Handlers) usersReset(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	u, err := domain.FindPerson(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, err)
	}
	d, err := domain.IssuePasswordReset(e.App, u.Record, h.baseURL(e), h.deps.Clock(), domain.AdminResetTTL)
	if err != nil {
		return h.fail(e, err)
	}
	h.logDelivery(e, "password reset", u.Id, d)
	sse := datastar.NewSSE(e.Response, e.Request)
	if d.Mailed {
		_ = sse.MergeFragmentTempl(components.OneTimeLinkSlot(admin.ResetSlotID))
		return h.toast(sse, "success", i18n.T(ctx, "users.reset_sent", u.Email()))
	}
	panel := h.linkPanel(e, admin.ResetSlotID, "reset.admin", d, u.Name(), u.Email())
	_ = sse.MergeFragmentTempl(components.OneTimeLink(panel))
	return h.toast(sse, "warning", panel.Title)
}
