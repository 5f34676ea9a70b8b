package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// Plans and licences (issue #19). The control plane sells plans made of
// modules; each office module of the navigation belongs to one of them.
// A tenant whose plan lacks a module does not see it and its routes answer
// a page naming the plan that includes it.
const (
	PlanModuleSites     = "sites"     // sites, people, today, timesheets, dashboard, settings: every plan
	PlanModuleResources = "resources" // vehicles, equipment, materials and stock
	PlanModulePlanning  = "planning"  // planning board, Gantt, dispatch
	PlanModuleProof     = "proof"     // checklists (photos and signatures stay in every plan)
	PlanModuleReporting = "reporting" // reports, KPIs, costs
	PlanModuleInvoicing = "invoicing" // contracts, progress and time-and-materials invoices
)

// PlanModules lists the plan modules in display order.
var PlanModules = []string{PlanModuleSites, PlanModuleResources, PlanModulePlanning, PlanModuleProof,
	PlanModuleReporting, PlanModuleInvoicing, "api", "sso"}

// DefaultGraceDays is how long a tenant keeps writing after its licence
// expired (a banner tells it), before it becomes read-only.
const DefaultGraceDays = 14

// Licence states beyond LicenceActive: in the grace period after expiry,
// then read-only.
const (
	LicenceGrace    = "grace"
	LicenceReadOnly = "read_only"
)

// PlanModuleOf returns the plan module an office module (CanOpen's
// names) belongs to; "" for what every plan includes.
func PlanModuleOf(module string) string {
	switch module {
	case "vehicles", "equipment", "materials":
		return PlanModuleResources
	case "planning", "dispatch":
		return PlanModulePlanning
	case "checklists":
		return PlanModuleProof
	case "reports", "kpis", "costs":
		return PlanModuleReporting
	case "invoices", "contracts":
		return PlanModuleInvoicing
	}
	return ""
}

// AllowsModule reports whether the plan opens an office module.
func (p Entitlements) AllowsModule(module string) bool {
	pm := PlanModuleOf(module)
	return pm == "" || p.HasModule(pm)
}

// ReadOnly reports whether the tenant may only read: its licence ended
// more than its grace period ago.
func (p Entitlements) ReadOnly() bool { return p.Licence == LicenceReadOnly }

// LicenceState returns the state of a licence that expires at expires
// (zero: never) with a grace period of graceDays (≤ 0: DefaultGraceDays)
// at now, and the end of its grace period.
func LicenceState(expires time.Time, graceDays int, now time.Time) (state string, graceEnds time.Time) {
	if expires.IsZero() {
		return LicenceActive, time.Time{}
	}
	if graceDays <= 0 {
		graceDays = DefaultGraceDays
	}
	graceEnds = expires.AddDate(0, 0, graceDays)
	switch {
	case !now.After(expires):
		return LicenceActive, graceEnds
	case !now.After(graceEnds):
		return LicenceGrace, graceEnds
	}
	return LicenceReadOnly, graceEnds
}

// entitlementsKey holds a tenant app's source of entitlements.
const entitlementsKey = "fieldopsEntitlements"

// SetEntitlementsSource tells a tenant app where its plan comes from (the
// registry's control-plane cache); rules inside the app (seats) read it.
func SetEntitlementsSource(app core.App, src func() Entitlements) {
	app.Store().Set(entitlementsKey, src)
}

// EntitlementsOf returns a tenant app's entitlements, DefaultEntitlements
// when nothing set a source (a test app, provisioning).
func EntitlementsOf(app core.App) Entitlements {
	if src, ok := app.Store().Get(entitlementsKey).(func() Entitlements); ok && src != nil {
		return src()
	}
	return DefaultEntitlements()
}

// bindSeatHooks refuses, on every path a tenant user takes (pages,
// invitations, REST API), to create an active user or activate one when
// every seat of the plan is taken. Inactive users do not count. The
// platform's own writes (provisioning, demo data) are not bound by the
// plan it sells: they come from no REST client and carry no user as actor.
func bindSeatHooks(app core.App) {
	h := &hook.Handler[*core.RecordEvent]{Id: "fieldopsSeats", Func: func(e *core.RecordEvent) error {
		_, client := clientOf(e.Record)
		if !e.Record.GetBool("active") || (!client && ActorOf(e.Record) == "system") {
			return e.Next()
		}
		if orig := originalOf(e); orig != nil && orig.GetBool("active") {
			return e.Next()
		}
		ent := EntitlementsOf(e.App)
		if ent.Seats <= 0 {
			return e.Next()
		}
		n, err := CountActiveUsers(e.App)
		if err != nil {
			return err
		}
		if ent.SeatsFull(n) {
			return Errorf(EInvalid, "err.user.seats_full", ent.Seats, ent.PlanName)
		}
		return e.Next()
	}}
	app.OnRecordCreateExecute(CollectionUsers).Bind(h)
	app.OnRecordUpdateExecute(CollectionUsers).Bind(h)
}
