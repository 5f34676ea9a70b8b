package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// signedOutAll is the query flag of the sign-in page after "log out
// everywhere" (it shows a notice).
const signedOutAll = "signed_out=all"

// logout revokes the session (the cookie sent with it no longer
// authenticates, even replayed) and returns to the login form.
func (h *Handlers) logout(e *core.RequestEvent) error { return h.signOut(e, "/login") }

// portalLogout is logout for the super-admin portal.
func (h *Handlers) portalLogout(e *core.RequestEvent) error { return h.signOut(e, "/portal/login") }

// signOut ends the request's session and redirects to the sign-in page
// to.
func (h *Handlers) signOut(e *core.RequestEvent, to string) error {
	if err := h.endSession(e); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, to)
}

// logoutEverywhere signs the user out of every device: all their
// sessions, this one included, and their API tokens
// (domain.EndAllSessions).
func (h *Handlers) logoutEverywhere(e *core.RequestEvent) error {
	return h.signOutEverywhere(e, "/login?"+signedOutAll)
}

// portalLogoutEverywhere is logoutEverywhere for a platform superuser.
func (h *Handlers) portalLogoutEverywhere(e *core.RequestEvent) error {
	return h.signOutEverywhere(e, "/portal/login")
}

// signOutEverywhere ends every session of the signed-in record and sends
// the browser to the sign-in page to (an anonymous request just goes
// there).
func (h *Handlers) signOutEverywhere(e *core.RequestEvent, to string) error {
	if e.Auth == nil {
		h.dropCookie(e)
		return e.Redirect(http.StatusSeeOther, strings.SplitN(to, "?", 2)[0])
	}
	if err := domain.EndAllSessions(e.App, e.Auth); err != nil {
		return h.fail(e, err)
	}
	h.dropCookie(e)
	return e.Redirect(http.StatusSeeOther, to)
}
