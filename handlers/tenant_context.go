package handlers

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
)

// tenantContext builds the request's domain.TenantContext once, after
// sign-in is known: the tenant's cached facts (company, zone, calendar),
// its plan from the control plane, the negotiated locale (user setting,
// then cookie, then Accept-Language, then French) and the user. It puts
// it in the request context with the catalogue, the locale and the
// tenant's zone as display zone.
func (h *Handlers) tenantContext(e *core.RequestEvent) error {
	h.setTenantContext(e)
	return e.Next()
}

// setTenantContext puts the request's tenant context in e.Request (see
// tenantContext); a status page answering before the middleware ran
// calls it too.
func (h *Handlers) setTenantContext(e *core.RequestEvent) {
	pref := ""
	if e.Auth != nil {
		pref = authUser(e).Locale()
	}
	if c, err := e.Request.Cookie("fieldops_lang"); err == nil && pref == "" {
		pref = c.Value
	}
	lang := i18n.Negotiate(pref, e.Request.Header.Get("Accept-Language"))
	slug, plan := "", domain.DefaultEntitlements()
	if t := tenants.FromContext(e.Request.Context()); t != nil && h.deps.Registry != nil {
		slug = t.Slug
		p, err := h.deps.Registry.Entitlements(slug)
		if err != nil {
			h.deps.Logger.WarnContext(e.Request.Context(), "tenant entitlements", "tenant", slug, "error", err)
		}
		plan = p
	}
	tc := domain.NewTenantContext(domain.TenantFactsOf(e.App), slug, plan, lang, e.Auth, h.deps.Clock)
	h.contexts.Add(1)
	ctx := domain.WithTenantContext(e.Request.Context(), tc)
	e.Request = e.Request.WithContext(i18n.WithLocale(ctx, h.cat, lang, tc.Location()))
}

// tenantCtx returns the request's tenant context, built by the
// tenantContext middleware. Every date shown, working-day computation and
// permission check of a handler takes it from there.
//
// NB: the middleware runs on every route of both routers; a request that
// somehow skipped it gets a context of defaults for an anonymous visitor
// rather than a nil pointer.
func tenantCtx(e *core.RequestEvent) *domain.TenantContext {
	if tc := domain.TenantContextFrom(e.Request.Context()); tc != nil {
		return tc
	}
	return domain.NewTenantContext(domain.TenantFactsOf(e.App), "", domain.DefaultEntitlements(), i18n.Lang(e.Request.Context()), nil, nil)
}
