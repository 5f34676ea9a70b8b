package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// kpiRoutes registers the KPI API (issue #17). No page guard: the API
// answers 401/403/404 as JSON itself.
func (h *Handlers) kpiRoutes(r *router.Router[*core.RequestEvent]) {
	r.GET("/api/fieldops/sites/{siteId}/kpis", h.siteKPIsAPI)
}

// siteKPIsAPI answers GET /api/fieldops/sites/{siteId}/kpis: the site's
// costs and KPIs (domain.SiteKPIs) for ?from=YYYY-MM-DD (default: the
// site's start) to ?to=YYYY-MM-DD (exclusive; default: tomorrow, so
// today counts) in the tenant's zone. For those who may see the site's
// costs (domain.CanSeeSiteKPIs): 401 anonymous, 404 unknown site (or one
// of another tenant), 403 other roles, 400 bad dates.
func (h *Handlers) siteKPIsAPI(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !authUser(e).Active() {
		return e.JSON(http.StatusUnauthorized, apiProblem{Status: http.StatusUnauthorized, Message: i18n.T(e.Request.Context(), "err.auth_required")})
	}
	site, err := domain.FindSite(e.App, e.Request.PathValue("siteId"))
	if err != nil {
		return h.apiFail(e, err)
	}
	if !domain.CanSeeSiteKPIs(e.Auth, site.Record) {
		return h.apiFail(e, domain.Errorf(domain.EForbidden, "err.kpi.forbidden"))
	}
	q := e.Request.URL.Query()
	from, err := kpiDate(q.Get("from"), "from", time.Time{})
	if err != nil {
		return h.apiFail(e, err)
	}
	to, err := kpiDate(q.Get("to"), "to", tenantCtx(e).Today().AddDate(0, 0, 1))
	if err != nil {
		return h.apiFail(e, err)
	}
	if !from.IsZero() && !to.After(from) {
		return h.apiFail(e, domain.FieldError("to", "err.kpi.bad_range"))
	}
	k, err := domain.ComputeSiteKPIs(e.App, site.Id, from, to)
	if err != nil {
		return h.apiFail(e, err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.JSON(http.StatusOK, k)
}

// kpiDate reads a civil date parameter ("" = def).
func kpiDate(s, field string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 2000 || d.Year() > 2200 {
		return time.Time{}, domain.FieldError(field, "err.kpi.bad_date", s)
	}
	return d, nil
}
