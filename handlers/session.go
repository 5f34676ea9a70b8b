package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// Session lifetimes: a session ends after sessionIdle without a request
// or sessionAbsolute after login, whichever comes first, and at once when
// it is revoked (logout, "log out everywhere", password change): the
// cookie names a session stored in the app's database (domain.StartSession)
// and every request checks it.
const (
	sessionCookie   = "fieldops_session"
	sessionIdle     = 12 * time.Hour
	sessionAbsolute = 14 * 24 * time.Hour
	// seenEvery bounds how often the idle clock is refreshed (a cookie
	// write); tokenRefresh how old a PocketBase token may get before it is
	// re-issued (PocketBase tokens of users last 7 days).
	seenEvery    = 5 * time.Minute
	tokenRefresh = 24 * time.Hour
)

// session values (gob-encoded primitives only).
const (
	svSlug   = "slug"
	svToken  = "token"
	svUser   = "uid"
	svIssued = "iat"
	svSeen   = "seen"
	svToken0 = "tat"
	svSecret = "sid"
)

// tenantSlug returns the slug of the tenant serving r ("platform" on the
// control plane).
func tenantSlug(r *http.Request) string {
	if t := tenants.FromContext(r.Context()); t != nil {
		return t.Slug
	}
	return "platform"
}

// startSession stores a fresh session for the authenticated record (the
// session the request came with, if any, is ended: a new sign-in never
// reuses an identifier).
func (h *Handlers) startSession(e *core.RequestEvent, rec *core.Record) error {
	tok, err := rec.NewAuthToken()
	if err != nil {
		return err
	}
	if err := domain.EndSession(e.App, h.cookieSecret(e)); err != nil {
		return err
	}
	now := h.deps.Clock()
	secret := domain.NewSessionSecret()
	if err := domain.StartSession(e.App, secret, rec, now, now.Add(sessionAbsolute)); err != nil {
		return err
	}
	s, _ := h.store.New(e.Request, sessionCookie)
	opts := *h.store.Options
	opts.Secure = h.deps.Secure || e.Request.TLS != nil
	s.Options = &opts
	s.Values = map[any]any{
		svSlug: tenantSlug(e.Request), svToken: tok, svUser: rec.Id, svSecret: secret,
		svIssued: now.Unix(), svSeen: now.Unix(), svToken0: now.Unix(),
	}
	return s.Save(e.Request, e.Response)
}

// cookieSecret returns the session secret of the request's cookie ("" if
// none decodes).
func (h *Handlers) cookieSecret(e *core.RequestEvent) string {
	if c, err := e.Request.Cookie(sessionCookie); err != nil || c.Value == "" {
		return ""
	}
	s, err := h.store.Get(e.Request, sessionCookie)
	if err != nil || s.IsNew {
		return ""
	}
	secret, _ := s.Values[svSecret].(string)
	return secret
}

// endSession revokes the request's session (its cookie no longer
// authenticates, even replayed) and expires the cookie.
func (h *Handlers) endSession(e *core.RequestEvent) error {
	err := domain.EndSession(e.App, h.cookieSecret(e))
	h.dropCookie(e)
	return err
}

// dropCookie expires the session cookie in the browser.
func (h *Handlers) dropCookie(e *core.RequestEvent) {
	s, _ := h.store.New(e.Request, sessionCookie)
	s.Options.MaxAge = -1
	_ = s.Save(e.Request, e.Response)
}

// sessionAuth bridges the session cookie to e.Auth before PocketBase's
// token loader (an Authorization header still wins). A cookie is refused
// when it was minted on another tenant host, is idle or too old, its
// session was revoked, or its token no longer matches an active user.
func (h *Handlers) sessionAuth(e *core.RequestEvent) error {
	if e.Auth != nil || e.Request.Header.Get("Authorization") != "" {
		return e.Next()
	}
	c, err := e.Request.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return e.Next()
	}
	s, err := h.store.Get(e.Request, sessionCookie)
	if err != nil || s.IsNew {
		return e.Next() // undecodable (rotated out, forged): anonymous
	}
	now := h.deps.Clock()
	slug, _ := s.Values[svSlug].(string)
	tok, _ := s.Values[svToken].(string)
	uid, _ := s.Values[svUser].(string)
	secret, _ := s.Values[svSecret].(string)
	issued, _ := s.Values[svIssued].(int64)
	seen, _ := s.Values[svSeen].(int64)
	if slug != tenantSlug(e.Request) || tok == "" ||
		now.Unix()-issued > int64(sessionAbsolute/time.Second) || now.Unix()-seen > int64(sessionIdle/time.Second) {
		h.dropCookie(e)
		return e.Next()
	}
	if err := domain.CheckSession(e.App, secret, uid, now); err != nil {
		if domain.ErrorCode(err) != domain.ENotFound {
			return err
		}
		h.dropCookie(e)
		return e.Next()
	}
	rec, err := domain.FindSessionAuth(e.App, tok)
	if err != nil || rec.Id != uid {
		h.dropCookie(e)
		return e.Next()
	}
	e.Auth = rec
	dirty := false
	if now.Unix()-seen > int64(seenEvery/time.Second) {
		s.Values[svSeen] = now.Unix()
		dirty = true
	}
	if t0, _ := s.Values[svToken0].(int64); now.Unix()-t0 > int64(tokenRefresh/time.Second) {
		if fresh, err := rec.NewAuthToken(); err == nil {
			s.Values[svToken], s.Values[svToken0] = fresh, now.Unix()
			dirty = true
		}
	}
	if dirty {
		_ = s.Save(e.Request, e.Response)
	}
	return e.Next()
}
