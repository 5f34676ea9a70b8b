package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/client"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// clientOfficePage renders the office's page of client id: contacts,
// accesses, the invitation form (form), an issued link, a notice.
func (h *Handlers) clientOfficePage(e *core.RequestEvent, id string, status int, form components.Form, link *domain.ClientLink, notice string) error {
	ctx := e.Request.Context()
	if !domain.CanInviteClients(e.Auth) {
		return h.errorPage(e, http.StatusForbidden)
	}
	c, err := domain.FindClient(e.App, id)
	if err != nil {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.portal.not_found"))
	}
	now := h.deps.Clock()
	vm := client.OfficeVM{ClientID: c.Id, ClientName: c.Name(), Form: form, Notice: notice,
		Shell: h.shell(e, "sites", c.Name(), layouts.Crumb{Label: i18n.T(ctx, "nav.clients"), Href: "/clients"}, layouts.Crumb{Label: c.Name()})}
	sites, err := domain.SitesOfClient(e.App, c.Id)
	if err != nil {
		return h.fail(e, err)
	}
	for _, s := range sites {
		vm.Sites = append(vm.Sites, components.Option{Value: s.Id, Label: s.Name()})
	}
	rows, err := domain.ClientContactRows(e.App, c.Id, now)
	if err != nil {
		return h.fail(e, err)
	}
	for _, r := range rows {
		cv := client.OfficeContactVM{ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone}
		for _, a := range r.Accesses {
			av := client.OfficeAccessVM{ID: a.ID, Sites: strings.Join(a.Sites, ", "), State: a.State,
				StateLabel: i18n.T(ctx, "client.office.state."+a.State), Expires: clientDay(e, a.Expires),
				LastUsed: i18n.T(ctx, "client.office.never"), CanRevoke: a.State != domain.ClientAccessRevoked, CanRenew: a.State != domain.ClientAccessRevoked}
			if !a.LastUsed.IsZero() {
				av.LastUsed = i18n.FormatDateTime(ctx, a.LastUsed.In(tenantCtx(e).Location())) + " · " + a.LastPath
			}
			cv.Accesses = append(cv.Accesses, av)
		}
		vm.Contacts = append(vm.Contacts, cv)
	}
	if vm.Shared, err = domain.ClientShareables(e.App, c.Id); err != nil {
		return h.fail(e, err)
	}
	audit, err := domain.ClientAccessAudit(e.App, c.Id, 50)
	if err != nil {
		return h.fail(e, err)
	}
	for _, l := range audit {
		detail := l.ChangedNames
		if l.LastPath != "" {
			detail = l.LastPath
		}
		vm.Audit = append(vm.Audit, client.OfficeAuditVM{At: i18n.FormatDateTime(ctx, l.At.In(tenantCtx(e).Location())), Actor: h.auditActor(e, l.Actor), Action: l.Collection + " " + l.Action, Detail: detail})
	}
	if link != nil {
		lv := components.OneTimeLinkVM{ID: "client-link", Level: "ok", Title: i18n.T(ctx, "client.office.title"),
			Expires: i18n.FormatDateTime(ctx, link.Expires.In(tenantCtx(e).Location())), URL: link.URL}
		to := form.Values["email"]
		if link.Mailed {
			lv.Message = i18n.T(ctx, "client.office.link_mailed", to)
		} else {
			lv.Level, lv.Message = "warning", i18n.T(ctx, "client.office.link_copy", to)
		}
		vm.Link = &lv
	}
	vm.Shell.Toasts = h.flashToasts(e)
	render(e.Response, e.Request, status, client.OfficePage(vm))
	return nil
}

// auditActor names an actor of the access log: a user, a client contact.
func (h *Handlers) auditActor(e *core.RequestEvent, actor string) string {
	if id, ok := strings.CutPrefix(actor, "client:"); ok {
		if c, err := domain.FindClientContact(e.App, id); err == nil {
			return c.Name()
		}
		return actor
	}
	if u, err := domain.FindUser(e.App, actor); err == nil {
		return u.Name()
	}
	return actor
}

// clientShow is GET /clients/{id}.
func (h *Handlers) clientShow(e *core.RequestEvent) error {
	notice := ""
	if e.Request.URL.Query().Get("revoked") == "1" {
		notice = i18n.T(e.Request.Context(), "client.office.revoked")
	}
	return h.clientOfficePage(e, e.Request.PathValue("id"), http.StatusOK, components.Form{Values: map[string]string{}}, nil, notice)
}

// clientContactInvite is POST /clients/{id}/contacts/invite: the link is
// shown (and e-mailed when configured); bad input comes back on the form.
func (h *Handlers) clientContactInvite(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.portal.bad_body"))
	}
	v := e.Request.FormValue
	form := components.Form{Values: map[string]string{"name": v("name"), "email": v("email"), "phone": v("phone"), "locale": v("locale")}}
	link, err := domain.InviteClientContact(e.App, domain.ClientInvite{ClientID: id, Name: v("name"), Email: v("email"), Phone: v("phone"),
		Locale: v("locale"), SiteIDs: e.Request.Form["sites"]}, e.Auth, h.baseURL(e), h.deps.Clock())
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok || status == http.StatusForbidden {
			return h.fail(e, err)
		}
		form.Errors = errs
		return h.clientOfficePage(e, id, status, form, nil, "")
	}
	return h.clientOfficePage(e, id, http.StatusOK, components.Form{Values: map[string]string{"email": strings.ToLower(strings.TrimSpace(v("email")))}}, &link, "")
}

// accessClient returns the client of access aid ("" when unknown).
func accessClient(app core.App, aid string) (clientID, email string) {
	a, err := domain.FindClientAcces(app, aid)
	if err != nil {
		return "", ""
	}
	c, err := domain.FindClientContact(app, a.ContactID())
	if err != nil {
		return "", ""
	}
	return c.ClientID(), c.Email()
}

// clientAccessRenew is POST /clients/access/{aid}/renew: a new link.
func (h *Handlers) clientAccessRenew(e *core.RequestEvent) error {
	aid := e.Request.PathValue("aid")
	clientID, email := accessClient(e.App, aid)
	link, err := domain.RenewClientAccess(e.App, aid, e.Auth, h.baseURL(e), h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	return h.clientOfficePage(e, clientID, http.StatusOK, components.Form{Values: map[string]string{"email": email}}, &link, "")
}

// clientAccessRevoke is POST /clients/access/{aid}/revoke.
func (h *Handlers) clientAccessRevoke(e *core.RequestEvent) error {
	aid := e.Request.PathValue("aid")
	clientID, _ := accessClient(e.App, aid)
	if err := domain.RevokeClientAccess(e.App, aid, e.Auth); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/clients/"+clientID+"?revoked=1")
}

// clientShare is POST /clients/{id}/share/{kind}/{rid}: share=1 shows a
// document or photo of one of the client's sites on its portal, else
// hides it.
func (h *Handlers) clientShare(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	err := domain.ShareWithClient(e.App, e.Auth, id, e.Request.PathValue("kind"), e.Request.PathValue("rid"), e.Request.FormValue("share") == "1")
	if err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/clients/"+id+"#shared")
}
