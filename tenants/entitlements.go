package tenants

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/fieldops360/fieldops/domain"
)

// entitlementsTTL bounds how long a tenant's plan is served from memory:
// changes made by this process drop it at once, changes made by the CLI
// in another process are seen within the TTL.
const entitlementsTTL = 5 * time.Second

// entitlementsCache keeps each tenant's entitlements for entitlementsTTL.
type entitlementsCache struct {
	mu sync.Mutex
	m  map[string]entitlementsEntry
}

type entitlementsEntry struct {
	e  domain.Entitlements
	at time.Time
}

// Entitlements returns a tenant's plan, modules, seat limit and licence
// state from its control-plane record (DefaultEntitlements for the parts
// the record and its plan leave empty, or for an unknown slug). A
// suspended tenant's licence is suspended; one past licence_expires is in
// its grace period, then read-only.
func (r *Registry) Entitlements(slug string) (domain.Entitlements, error) {
	now := r.cfg.Clock()
	r.ents.mu.Lock()
	e, ok := r.ents.m[slug]
	r.ents.mu.Unlock()
	if ok && now.Sub(e.at) <= entitlementsTTL && !now.Before(e.at) {
		return e.e, nil
	}
	ent := domain.DefaultEntitlements()
	rec, err := r.findTenantRecord(slug)
	switch {
	case domain.ErrorCode(err) == domain.ENotFound:
	case err != nil:
		return ent, err
	default:
		ent = r.entitlementsOf(rec, now)
	}
	r.ents.mu.Lock()
	if r.ents.m == nil || len(r.ents.m) > 10000 {
		r.ents.m = map[string]entitlementsEntry{}
	}
	r.ents.m[slug] = entitlementsEntry{e: ent, at: now}
	r.ents.mu.Unlock()
	return ent, nil
}

// entitlementsOf reads a control-plane tenants record at now, with the
// plans: the tenant's own seats and modules when set, else its plan's;
// the licence state from its expiry and grace period.
func (r *Registry) entitlementsOf(rec *core.Record, now time.Time) domain.Entitlements {
	ent := domain.DefaultEntitlements()
	ent.Plan, ent.Seats, ent.Trial = rec.GetString("plan"), rec.GetInt("seats"), rec.GetBool("trial")
	ent.PlanName = ent.Plan
	plans, _ := r.platform.FindRecordsByFilter("plans", "", "price_month_eur", 0, 0)
	// NB: a plan priced 0 is sold on quote (enterprise): named last.
	slices.SortStableFunc(plans, func(a, b *core.Record) int {
		onQuote := func(p *core.Record) int {
			if p.GetFloat("price_month_eur") == 0 {
				return 1
			}
			return 0
		}
		return cmp.Compare(onQuote(a), onQuote(b))
	})
	ent.ModulePlans = map[string]string{}
	for _, p := range plans {
		for _, m := range p.GetStringSlice("modules") {
			if _, ok := ent.ModulePlans[m]; !ok {
				ent.ModulePlans[m] = p.GetString("name")
			}
		}
		if p.GetString("code") != ent.Plan {
			continue
		}
		ent.PlanName = p.GetString("name")
		if ent.Seats == 0 {
			ent.Seats = p.GetInt("seats")
		}
		if mods := p.GetStringSlice("modules"); len(mods) > 0 {
			ent.Modules = mods
		}
	}
	if mods := rec.GetStringSlice("modules"); len(mods) > 0 {
		ent.Modules = mods
	}
	ent.LicenceExpires = rec.GetDateTime("licence_expires").Time()
	ent.Licence, ent.GraceEnds = domain.LicenceState(ent.LicenceExpires, rec.GetInt("grace_days"), now)
	if rec.GetString("status") == StatusSuspended {
		ent.Licence = domain.LicenceSuspended
	}
	return ent
}

// bindEntitlementHooks forgets a tenant's cached entitlements when its
// control-plane record changes in this process.
func (r *Registry) bindEntitlementHooks() {
	forget := &hook.Handler[*core.RecordEvent]{Id: "fieldopsEntitlements", Func: func(e *core.RecordEvent) error {
		r.ents.mu.Lock()
		delete(r.ents.m, e.Record.GetString("slug"))
		r.ents.mu.Unlock()
		return e.Next()
	}}
	r.platform.OnRecordAfterCreateSuccess("tenants").Bind(forget)
	r.platform.OnRecordAfterUpdateSuccess("tenants").Bind(forget)
	r.platform.OnRecordAfterDeleteSuccess("tenants").Bind(forget)
	all := &hook.Handler[*core.RecordEvent]{Id: "fieldopsEntitlementsPlans", Func: func(e *core.RecordEvent) error {
		r.ents.mu.Lock()
		clear(r.ents.m)
		r.ents.mu.Unlock()
		return e.Next()
	}}
	r.platform.OnRecordAfterCreateSuccess("plans").Bind(all)
	r.platform.OnRecordAfterUpdateSuccess("plans").Bind(all)
	r.platform.OnRecordAfterDeleteSuccess("plans").Bind(all)
}
