package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
)

// Session lifetimes: a session ends after sessionIdle without a request
// or sessionAbsolute after login, whichever comes first.
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
)

// tenantSlug returns the slug of the tenant serving r ("" on the platform).
func tenantSlug(r *http.Request) string {
	if t := tenants.FromContext(r.Context()); t != nil {
		return t.Slug
	}
	return "platform"
}

// startSession stores a fresh session for the authenticated record.
func (h *Handlers) startSession(e *core.RequestEvent, rec *core.Record) error {
	tok, err := rec.NewAuthToken()
	if err != nil {
		return err
	}
	s, _ := h.store.New(e.Request, sessionCookie)
	opts := *h.store.Options
	opts.Secure = h.deps.Secure || e.Request.TLS != nil
	s.Options = &opts
	now := h.deps.Clock().Unix()
	s.Values = map[any]any{
		svSlug: tenantSlug(e.Request), svToken: tok, svUser: rec.Id,
		svIssued: now, svSeen: now, svToken0: now,
	}
	return s.Save(e.Request, e.Response)
}

// endSession expires the session cookie.
func (h *Handlers) endSession(e *core.RequestEvent) {
	s, _ := h.store.New(e.Request, sessionCookie)
	s.Options.MaxAge = -1
	_ = s.Save(e.Request, e.Response)
}

// sessionAuth bridges the session cookie to e.Auth before PocketBase's
// token loader (an Authorization header still wins). A cookie is refused
// when it was minted on another tenant host, is idle or too old, or its
// token no longer matches an active user.
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
	now := h.deps.Clock().Unix()
	slug, _ := s.Values[svSlug].(string)
	tok, _ := s.Values[svToken].(string)
	issued, _ := s.Values[svIssued].(int64)
	seen, _ := s.Values[svSeen].(int64)
	if slug != tenantSlug(e.Request) || tok == "" ||
		now-issued > int64(sessionAbsolute/time.Second) || now-seen > int64(sessionIdle/time.Second) {
		h.endSession(e)
		return e.Next()
	}
	rec, err := domain.FindSessionAuth(e.App, tok)
	if err != nil {
		h.endSession(e)
		return e.Next()
	}
	e.Auth = rec
	dirty := false
	if now-seen > int64(seenEvery/time.Second) {
		s.Values[svSeen] = now
		dirty = true
	}
	if t0, _ := s.Values[svToken0].(int64); now-t0 > int64(tokenRefresh/time.Second) {
		if fresh, err := rec.NewAuthToken(); err == nil {
			s.Values[svToken], s.Values[svToken0] = fresh, now
			dirty = true
		}
	}
	if dirty {
		_ = s.Save(e.Request, e.Response)
	}
	return e.Next()
}
