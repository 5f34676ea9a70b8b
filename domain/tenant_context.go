package domain

import (
	"context"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Licence states of a tenant (Entitlements.Licence).
const (
	LicenceActive    = "active"
	LicenceSuspended = "suspended"
)

// Entitlements is what a tenant's plan allows, as the control plane
// records it: the plan code, the modules it opens (nil: every module), the
// seat limit (0: none) and the state of the licence. A tenant the control
// plane says nothing about gets DefaultEntitlements.
type Entitlements struct {
	Plan           string
	PlanName       string // the plan's display name ("Starter"), Plan when unknown
	Modules        []string
	Seats          int
	Licence        string
	LicenceExpires time.Time // zero: no end date
	GraceEnds      time.Time // end of the grace period after expiry (zero: no end date)
	Trial          bool
	// ModulePlans names, for each plan module, the first plan (by price)
	// that includes it: the page of a module outside the plan tells it.
	ModulePlans map[string]string
}

// DefaultEntitlements opens every module with no seat limit and an active
// licence: what every tenant has until plans restrict it.
func DefaultEntitlements() Entitlements { return Entitlements{Licence: LicenceActive} }

// HasModule reports whether the plan opens a module (every module when the
// plan lists none).
func (p Entitlements) HasModule(module string) bool {
	return p.Modules == nil || slices.Contains(p.Modules, module)
}

// SeatsFull reports whether active users already use every seat.
func (p Entitlements) SeatsFull(active int) bool { return p.Seats > 0 && active >= p.Seats }

// TenantContext is everything a request knows about where and for whom it
// runs: the tenant's facts (company, zone, calendar, sectors), its plan,
// the negotiated locale and the signed-in user and role. Handlers build it
// once per request (middleware) and take every date, working-day
// computation and permission check from it.
type TenantContext struct {
	*TenantFacts
	Slug        string // "" on the platform host
	Plan        Entitlements
	Locale      string
	User        *core.Record // nil for anonymous requests
	Role        string
	TenantAdmin bool
	clock       func() time.Time
}

// NewTenantContext builds a request's context. user may be nil (or a
// superuser: no role then); clock nil means time.Now.
func NewTenantContext(facts *TenantFacts, slug string, plan Entitlements, locale string, user *core.Record, clock func() time.Time) *TenantContext {
	if clock == nil {
		clock = time.Now
	}
	tc := &TenantContext{TenantFacts: facts, Slug: slug, Plan: plan, Locale: locale, User: user, clock: clock}
	if user != nil && user.Collection().Name == CollectionUsers {
		u := User{Record: user}
		tc.Role, tc.TenantAdmin = u.Role(), u.TenantAdmin()
	}
	return tc
}

// Now returns the current time in the tenant's zone.
func (tc *TenantContext) Now() time.Time { return tc.clock().In(tc.Location()) }

// Today returns today's civil date in the tenant's zone.
func (tc *TenantContext) Today() time.Time { return tc.TenantFacts.Today(tc.clock()) }

// DayStart returns midnight of today in the tenant's zone.
func (tc *TenantContext) DayStart() time.Time { return tc.TenantFacts.DayStart(tc.clock()) }

// CanOpen reports whether the signed-in user may open a module (see
// CanOpen).
func (tc *TenantContext) CanOpen(module string) bool {
	return tc.User != nil && CanOpen(tc.Role, tc.TenantAdmin, module) && tc.Plan.AllowsModule(module)
}

// Navigation returns the office modules the user may open and the
// tenant's plan includes.
func (tc *TenantContext) Navigation() []NavEntry {
	all := Navigation(tc.Role, tc.TenantAdmin)
	out := all[:0:0]
	for _, n := range all {
		if tc.Plan.AllowsModule(n.Key) {
			out = append(out, n)
		}
	}
	return out
}

// Resources returns what the user may do with vehicles, equipment and
// stock.
func (tc *TenantContext) Resources() ResourceAccess { return ResourceAccessOf(tc.User) }

// CanCreateSite reports whether the user may create sites.
func (tc *TenantContext) CanCreateSite() bool { return CanCreateSite(tc.User) }

// CanSeeSite reports whether the user may see a site.
func (tc *TenantContext) CanSeeSite(site *core.Record) bool { return CanSeeSite(tc.User, site) }

// CanEditSite reports whether the user may edit a site.
func (tc *TenantContext) CanEditSite(site *core.Record) bool { return CanEditSite(tc.User, site) }

// CanEditSiteDay reports whether the user may edit a site's day-to-day
// data (phases, documents, milestones).
func (tc *TenantContext) CanEditSiteDay(site *core.Record) bool { return CanEditSiteDay(tc.User, site) }

// CanManagePeople reports whether the user may edit people's office data.
func (tc *TenantContext) CanManagePeople() bool { return CanManagePeople(tc.User) }

// CanOverride reports whether the user may override a blocking conflict
// on a site.
func (tc *TenantContext) CanOverride(site *core.Record) bool { return CanOverride(tc.User, site) }

// CanEditChecklists reports whether the user may edit checklist templates.
func (tc *TenantContext) CanEditChecklists() bool { return CanEditChecklists(tc.User) }

// CanSeeCrewTask reports whether the user may open a job in the crew app.
func (tc *TenantContext) CanSeeCrewTask(task, site *core.Record) bool {
	return CanSeeCrewTask(tc.User, task, site)
}

// CanSeePhoto reports whether the user may see a photo.
func (tc *TenantContext) CanSeePhoto(app core.App, photo *core.Record) bool {
	return CanSeePhoto(app, tc.User, photo)
}

// CanSeeEquipment reports whether the user may see a tool.
func (tc *TenantContext) CanSeeEquipment(app core.App, item *core.Record) bool {
	return CanSeeEquipment(app, tc.User, item)
}

// CanReviewTime reports whether the user may approve time on a site.
func (tc *TenantContext) CanReviewTime(site *core.Record) bool { return CanReviewTime(tc.User, site) }

// tenantCtxKey is the context key of the request's TenantContext.
type tenantCtxKey struct{}

// WithTenantContext returns ctx carrying tc.
func WithTenantContext(ctx context.Context, tc *TenantContext) context.Context {
	return context.WithValue(ctx, tenantCtxKey{}, tc)
}

// TenantContextFrom returns the TenantContext carried by ctx, or nil.
func TenantContextFrom(ctx context.Context) *TenantContext {
	tc, _ := ctx.Value(tenantCtxKey{}).(*TenantContext)
	return tc
}
