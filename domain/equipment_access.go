package domain

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ResourceAccess is what a user may do in module 2 (vehicles, equipment,
// materials). It mirrors the API rules of pb_migrations/tenant/resources_v2.go:
// managers and project managers (and tenant admins) keep the registers —
// vehicles, inventory, catalogue, suppliers, purchase orders, maintenance;
// site leads run the day-to-day — vehicle assignments, tool reservations,
// moving tools, stock moves of every kind; crews only read what they are
// assigned and record the material they consume, in their own name.
type ResourceAccess struct {
	EditRegisters bool // create/edit vehicles, equipment, materials, suppliers, orders, maintenance
	DayToDay      bool // assignments, reservations, tool moves, stock moves
	Consume       bool // record a consumption
}

// ResourceAccessOf returns the access of a user record (nil: none).
func ResourceAccessOf(u *core.Record) ResourceAccess {
	if u == nil || u.Collection().Name != CollectionUsers || !u.GetBool("active") {
		return ResourceAccess{}
	}
	return ResourceAccessFor(u.GetString("role"), u.GetBool("tenant_admin"))
}

// ResourceAccessFor returns the access of a role.
func ResourceAccessFor(role string, tenantAdmin bool) ResourceAccess {
	office := tenantAdmin || role == RoleManager || role == RoleProjectManager
	day := office || role == RoleSiteLead
	return ResourceAccess{EditRegisters: office, DayToDay: day, Consume: day || role == RoleCrew}
}

// ErrResourceForbidden is the refusal of an action the role may not take.
var ErrResourceForbidden = Errorf(EForbidden, "err.resource.forbidden")

// CanSeeEquipment reports whether u may open an item's page (the URL on
// its label): anyone working in the office screens, and a crew member
// who holds the item or has it booked — as the API rules say.
func CanSeeEquipment(app core.App, u, item *core.Record) bool {
	if u == nil || item == nil || !u.GetBool("active") {
		return false
	}
	if u.GetString("role") != RoleCrew || u.GetBool("tenant_admin") {
		return true
	}
	if item.GetString("holder") == u.Id {
		return true
	}
	n, err := app.CountRecords(CollectionReservations, dbx.HashExp{"equipment": item.Id, "user": u.Id})
	return err == nil && n > 0
}
