package handlers

// Client sessions (issue #20): how a contractor's customer is signed in.
//
// A client contact never has a `users` record nor a password. The office
// invites it (domain.InviteClientContact) to some sites of its client; the
// magic link /client/link/{token} is single-use: GET exchanges it
// (domain.ExchangeClientToken) for a session of its own kind — the cookie
// clientCookie (not sessionCookie), whose row in the sessions table is of
// collection client_access — and lands on /client/ (client_link.go).
// e.Auth stays nil for a client, so every office route (requireUser, the
// REST API's rules) refuses it; clientGuard (client_guard.go) answers 403
// to a client session on any page but /client/… and the public ones.
//
// API for client routes (the acceptance pages of the pv helper too):
//
//	g := h.clientGroup(r)          // a "/client" group guarded by requireClient
//	g.GET("/sites/{id}/…", handler)
//	s := clientCtx(e)              // *domain.ClientSession: Contact, ClientID, SiteIDs, Access
//	site, err := h.clientSite(e)   // the {id} site if s.HasSite, else a 404 error
//	h.clientTouch(e, true)         // audit a download (last_used, last_path)
//
// requireClient answers 401 (a page saying the access ended, never data)
// without a live client session: cookie minted on another tenant host,
// session ended, access revoked or expired.

import (
	"context"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// clientCookie is the cookie of client sessions (values: svSlug, svUser =
// the access id, svSecret, svIssued).
const clientCookie = "fieldops_client"

// prioClientGuard runs after the tenant context and licence middleware.
const prioClientGuard = prioLicence + 1

type clientKey struct{}

// clientCtx returns the request's client session (nil outside routes
// guarded by requireClient).
func clientCtx(e *core.RequestEvent) *domain.ClientSession {
	s, _ := e.Request.Context().Value(clientKey{}).(*domain.ClientSession)
	return s
}

// clientGroup returns the /client route group guarded by requireClient.
func (h *Handlers) clientGroup(r *router.Router[*core.RequestEvent]) *router.RouterGroup[*core.RequestEvent] {
	g := r.Group("/client")
	g.BindFunc(h.requireClient)
	return g
}

// requireClient lets through requests with a live client session (set
// for clientCtx) and records the access's use (throttled); others get the
// 401 page.
func (h *Handlers) requireClient(e *core.RequestEvent) error {
	s := h.loadClientSession(e)
	if s == nil {
		h.dropClientCookie(e)
		return h.clientRefusal(e, http.StatusUnauthorized, i18n.T(e.Request.Context(), "client.session_ended"))
	}
	e.Request = e.Request.WithContext(context.WithValue(e.Request.Context(), clientKey{}, s))
	if err := domain.TouchClientAccess(e.App, s, e.Request.URL.Path, h.deps.Clock(), false); err != nil {
		return h.fail(e, err)
	}
	return e.Next()
}

// loadClientSession decodes the client cookie and checks its session
// (nil when absent, of another tenant or ended).
func (h *Handlers) loadClientSession(e *core.RequestEvent) *domain.ClientSession {
	if c, err := e.Request.Cookie(clientCookie); err != nil || c.Value == "" {
		return nil
	}
	s, err := h.store.Get(e.Request, clientCookie)
	if err != nil || s.IsNew {
		return nil
	}
	slug, _ := s.Values[svSlug].(string)
	aid, _ := s.Values[svUser].(string)
	secret, _ := s.Values[svSecret].(string)
	if slug != tenantSlug(e.Request) || aid == "" {
		return nil
	}
	cs, err := domain.LoadClientSession(e.App, secret, aid, h.deps.Clock())
	if err != nil {
		return nil
	}
	return cs
}

// clientTouch records a use of the access for the request's path; force
// for downloads (always audited).
func (h *Handlers) clientTouch(e *core.RequestEvent, force bool) error {
	return domain.TouchClientAccess(e.App, clientCtx(e), e.Request.URL.Path, h.deps.Clock(), force)
}

// clientSite returns the site {id} of the path when the client session
// may read it, else a not-found error (another site, another client).
func (h *Handlers) clientSite(e *core.RequestEvent) (domain.Site, error) {
	id := e.Request.PathValue("id")
	if !clientCtx(e).HasSite(id) {
		return domain.Site{}, domain.Errorf(domain.ENotFound, "err.portal.not_found")
	}
	return domain.FindSite(e.App, id)
}
