package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// clientLinkOpen exchanges a magic link for a client session and lands
// on /client/; a used, expired, revoked or unknown link gets its 410 page.
func (h *Handlers) clientLinkOpen(e *core.RequestEvent) error {
	now := h.deps.Clock()
	access, err := domain.ExchangeClientToken(e.App, e.Request.PathValue("token"), now)
	if err != nil {
		h.dropClientCookie(e)
		if domain.ErrorCode(err) == domain.EGone {
			return h.clientRefusal(e, http.StatusGone, userMessage(e.Request.Context(), err))
		}
		return h.fail(e, err)
	}
	_ = domain.EndSession(e.App, h.clientSecret(e))
	secret := domain.NewSessionSecret()
	if err := domain.StartClientSession(e.App, secret, access, now); err != nil {
		return h.fail(e, err)
	}
	s, _ := h.store.New(e.Request, clientCookie)
	opts := *h.store.Options
	opts.Secure = h.deps.Secure || e.Request.TLS != nil
	opts.MaxAge = int(access.Expires().Sub(now).Seconds())
	s.Options = &opts
	s.Values = map[any]any{svSlug: tenantSlug(e.Request), svUser: access.Id, svSecret: secret, svIssued: now.Unix()}
	if err := s.Save(e.Request, e.Response); err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Referrer-Policy", "no-referrer")
	return e.Redirect(http.StatusSeeOther, "/client/")
}

// clientSecret returns the session secret of the request's client cookie.
func (h *Handlers) clientSecret(e *core.RequestEvent) string {
	if c, err := e.Request.Cookie(clientCookie); err != nil || c.Value == "" {
		return ""
	}
	s, err := h.store.Get(e.Request, clientCookie)
	if err != nil || s.IsNew {
		return ""
	}
	secret, _ := s.Values[svSecret].(string)
	return secret
}

// clientLogout ends the client session.
func (h *Handlers) clientLogout(e *core.RequestEvent) error {
	err := domain.EndSession(e.App, h.clientSecret(e))
	h.dropClientCookie(e)
	if err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/client/signed-out")
}

func (h *Handlers) dropClientCookie(e *core.RequestEvent) {
	if c, err := e.Request.Cookie(clientCookie); err != nil || c.Value == "" {
		return
	}
	s, _ := h.store.New(e.Request, clientCookie)
	s.Options.MaxAge = -1
	_ = s.Save(e.Request, e.Response)
}
