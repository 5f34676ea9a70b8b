package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// Plans and licences in every tenant (issue #19). The tenant context
// carries the tenant's entitlements from the control plane (cached a few
// seconds, so a change applies without restart):
//
//   - a module outside the plan is hidden (TenantContext.CanOpen and
//     Navigation) and its routes answer 403 with a page naming the plan
//     that includes it (requireModule);
//   - past its expiry plus the grace period the tenant is read-only:
//     every write on every path (pages, Datastar actions, REST API, crew
//     sync and uploads) is refused with 403 and a clear message, reads
//     work, signing in and out still work. The refusal carries the header
//     LicenceHeader so that the crew app keeps its offline queue for later
//     instead of marking the operations refused.

// LicenceHeader marks a refusal caused by the licence, not by the
// request ("read_only").
const LicenceHeader = "FieldOps-Licence"

// readOnlyAllowed are the writes a read-only tenant still accepts:
// signing in and out, password resets, the realtime subscription.
func readOnlyAllowed(r *http.Request) bool {
	p := r.URL.Path
	switch p {
	case "/login", "/logout", "/logout-everywhere", "/api/realtime":
		return true
	}
	if strings.HasPrefix(p, "/password-reset") || strings.HasPrefix(p, "/lang/") {
		return true
	}
	if strings.HasPrefix(p, "/api/collections/") {
		for _, suffix := range []string{"/auth-with-password", "/auth-refresh", "/request-password-reset", "/confirm-password-reset", "/auth-methods"} {
			if strings.HasSuffix(p, suffix) {
				return true
			}
		}
	}
	return false
}

// licence refuses the writes of a read-only tenant.
func (h *Handlers) licence(e *core.RequestEvent) error {
	switch e.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return e.Next()
	}
	tc := tenantCtx(e)
	if !tc.Plan.ReadOnly() || readOnlyAllowed(e.Request) {
		return e.Next()
	}
	e.Response.Header().Set(LicenceHeader, domain.LicenceReadOnly)
	err := domain.Errorf(domain.EForbidden, "licence.read_only")
	if wantsPage(e.Request) || isDatastar(e.Request) {
		return h.fail(e, err)
	}
	return h.apiFail(e, err)
}

// moduleRefusal answers a module the plan does not include: 403 with the
// plan that includes it.
func (h *Handlers) moduleRefusal(e *core.RequestEvent, module string) error {
	ctx := e.Request.Context()
	plan := tenantCtx(e).Plan
	name := i18n.T(ctx, "nav."+module)
	if other := plan.ModulePlans[domain.PlanModuleOf(module)]; other != "" {
		return h.fail(e, domain.Errorf(domain.EForbidden, "licence.module_missing", name, plan.PlanName, other))
	}
	return h.fail(e, domain.Errorf(domain.EForbidden, "licence.module_missing_any", name, plan.PlanName))
}

// licenceBanner is the banner of a tenant in its grace period or
// read-only ("" otherwise), dates in the reader's locale.
func licenceBanner(ctx context.Context, plan domain.Entitlements) string {
	switch plan.Licence {
	case domain.LicenceGrace:
		return i18n.T(ctx, "licence.banner_grace", i18n.FormatDate(ctx, plan.LicenceExpires), i18n.FormatDate(ctx, plan.GraceEnds))
	case domain.LicenceReadOnly:
		return i18n.T(ctx, "licence.banner_read_only", i18n.FormatDate(ctx, plan.LicenceExpires))
	}
	return ""
}
