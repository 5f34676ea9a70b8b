package tenants

import (
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
// the record leaves empty, or for an unknown slug). A suspended tenant's
// licence is suspended; one past licence_expires is expired.
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
		ent = entitlementsOf(rec, now)
	}
	r.ents.mu.Lock()
	if r.ents.m == nil || len(r.ents.m) > 10000 {
		r.ents.m = map[string]entitlementsEntry{}
	}
	r.ents.m[slug] = entitlementsEntry{e: ent, at: now}
	r.ents.mu.Unlock()
	return ent, nil
}

// entitlementsOf reads a control-plane tenants record at now.
func entitlementsOf(rec *core.Record, now time.Time) domain.Entitlements {
	ent := domain.DefaultEntitlements()
	ent.Plan, ent.Seats = rec.GetString("plan"), rec.GetInt("seats")
	if mods := rec.GetStringSlice("modules"); len(mods) > 0 {
		ent.Modules = mods
	}
	ent.LicenceExpires = rec.GetDateTime("licence_expires").Time()
	switch {
	case rec.GetString("status") == StatusSuspended:
		ent.Licence = domain.LicenceSuspended
	case !ent.LicenceExpires.IsZero() && now.After(ent.LicenceExpires):
		ent.Licence = domain.LicenceExpired
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
}
