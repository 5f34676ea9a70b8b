package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// clientInvitationBody is the JSON of POST /api/fieldops/client-invitations.
type clientInvitationBody struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Phone  string   `json:"phone"`
	Locale string   `json:"locale"`
	Client string   `json:"client"`
	Sites  []string `json:"sites"`
}

// clientInvitationJSON is its answer: the magic link (single use), its
// expiry, whether it was e-mailed, the contact and access created.
type clientInvitationJSON struct {
	Link    string `json:"link"`
	Expires string `json:"expires"`
	Mailed  bool   `json:"mailed"`
	Contact string `json:"contact"`
	Access  string `json:"access"`
}

// clientInvitationAPI answers POST /api/fieldops/client-invitations: an
// office role (domain.CanInviteClients) signed in by session or
// `Authorization` token invites a client contact to sites of its client
// (201 with the link); 401 anonymous, 403 other roles, 400 bad input.
func (h *Handlers) clientInvitationAPI(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !authUser(e).Active() {
		return e.JSON(http.StatusUnauthorized, apiProblem{Status: http.StatusUnauthorized, Message: i18n.T(e.Request.Context(), "err.auth_required")})
	}
	var body clientInvitationBody
	if err := e.BindBody(&body); err != nil {
		return h.apiFail(e, domain.Errorf(domain.EInvalid, "err.portal.bad_body"))
	}
	link, err := domain.InviteClientContact(e.App, domain.ClientInvite{ClientID: body.Client, Name: body.Name, Email: body.Email,
		Phone: body.Phone, Locale: body.Locale, SiteIDs: body.Sites}, e.Auth, h.baseURL(e), h.deps.Clock())
	if err != nil {
		return h.apiFail(e, err)
	}
	return e.JSON(http.StatusCreated, clientInvitationJSON{Link: link.URL, Expires: link.Expires.UTC().Format("2006-01-02T15:04:05Z"),
		Mailed: link.Mailed, Contact: link.ContactID, Access: link.AccessID})
}
