package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/people"
)

// newInviteVM is an empty invitation form posting to action.
func newInviteVM(e *core.RequestEvent, action string) people.InviteVM {
	return people.InviteVM{Action: action, Role: domain.RoleCrew, Roles: roleOptions(e.Request.Context())}
}

// invite creates the person of a posted invitation form. The answer
// always shows the single-use link (once: it is never stored), with what
// became of the e-mail: sent, no mail server, or refused by it. A refused
// e-mail never fails the invitation. On invalid input the form comes back
// with its errors and typed values, and status 400; err is set only for
// internal errors.
func (h *Handlers) invite(e *core.RequestEvent, action string) (vm people.InviteVM, status int, err error) {
	ctx := e.Request.Context()
	vm = newInviteVM(e, action)
	vm.Name, vm.Email, vm.Role = e.Request.FormValue("name"), e.Request.FormValue("email"), e.Request.FormValue("role")
	u, d, err := domain.InviteUser(e.App, domain.NewUser{Name: vm.Name, Email: vm.Email, Role: vm.Role, Locale: i18n.Lang(ctx)}, e.Auth, h.baseURL(e), h.deps.Clock())
	if err != nil && u.Record == nil {
		a := answerOf(ctx, err)
		if !a.OnForm {
			return vm, 0, err
		}
		field := a.Field
		if field != "email" && field != "role" {
			field = "name" // the form's other errors show under the name
		}
		vm.Errors, vm.Open = components.FieldErrors{field: a.Message}, true
		return vm, a.Status, nil
	}
	if err != nil { // the account exists but no link could be made
		return vm, 0, err
	}
	h.logDelivery(e, "invitation", u.Id, d)
	panel := h.linkPanel(e, "invite-result", "invite.result", d, u.Name(), u.Email())
	vm = newInviteVM(e, action)
	vm.Result = &panel
	if tenantCtx(e).CanOpen("people") {
		vm.PersonHref = "/people/" + u.Id
	}
	return vm, http.StatusOK, nil
}

// linkPanel describes a delivery in panel id, its texts the catalogue's
// <keys>.mailed, .no_mail or .mail_failed (and their _title, which name
// the person): the link is always in it (an invitation shows the panel
// every time; a reset only when no e-mail left).
func (h *Handlers) linkPanel(e *core.RequestEvent, id, keys string, d domain.Delivery, name, email string) components.OneTimeLinkVM {
	ctx := e.Request.Context()
	kind := keys + ".no_mail"
	switch {
	case d.Mailed:
		kind = keys + ".mailed"
	case d.MailErr != nil:
		kind = keys + ".mail_failed"
	}
	vm := components.OneTimeLinkVM{ID: id, Level: "warning", Title: i18n.T(ctx, kind+"_title", name, email),
		Message: i18n.T(ctx, kind), URL: d.Link.URL, Expires: i18n.FormatDateTime(ctx, d.Link.Expires)}
	if d.Mailed {
		vm.Level = "ok"
	}
	return vm
}

// logDelivery records that a single-use link was issued and whether its
// e-mail left (ids only: no personal data in the logs).
func (h *Handlers) logDelivery(e *core.RequestEvent, what, userID string, d domain.Delivery) {
	args := []any{"tenant", tenantSlug(e.Request), "target_user", userID, "by", authUser(e).Id, "mailed", d.Mailed}
	if d.MailErr != nil {
		h.deps.Logger.WarnContext(e.Request.Context(), what+" e-mail refused, link shown to the issuer", append(args, "error", d.MailErr)...)
		return
	}
	h.deps.Logger.InfoContext(e.Request.Context(), what+" link issued", args...)
}

// peopleInvite adds a person from the people page ("add a person"):
// managers and tenant admins only.
func (h *Handlers) peopleInvite(e *core.RequestEvent) error {
	if !tenantCtx(e).CanManagePeople() {
		return h.errorPage(e, http.StatusForbidden)
	}
	inv, status, err := h.invite(e, "/people/invite")
	if err != nil {
		return h.fail(e, err)
	}
	vm, err := h.newPeopleListVM(e, inv)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, status, people.ListPage(vm))
	return nil
}
