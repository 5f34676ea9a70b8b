package tenants

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Collections of the control plane (pb_migrations/platform) read through
// typed records.
const (
	CollectionTenants       = "tenants"
	CollectionPlatformAudit = "platform_audit"
)

// TenantRecord is a typed proxy over a record of the control plane's
// "tenants" collection: one customer, its plan and its status.
type TenantRecord struct{ *core.Record }

// Slug returns "slug" (the tenant's subdomain).
func (t TenantRecord) Slug() string { return t.GetString("slug") }

// Name returns "name" (the customer's name).
func (t TenantRecord) Name() string { return t.GetString("name") }

// Sector returns "sector" (btp, elec, tp).
func (t TenantRecord) Sector() string { return t.GetString("sector") }

// Status returns "status" (StatusActive, StatusSuspended, StatusDeleted).
func (t TenantRecord) Status() string { return t.GetString("status") }

// Plan returns "plan" (PlanStarter, PlanPro, PlanEnterprise).
func (t TenantRecord) Plan() string { return t.GetString("plan") }

// AdminEmail returns "admin_email" (the first administrator's address).
func (t TenantRecord) AdminEmail() string { return t.GetString("admin_email") }

// Created returns "created" (set by the database).
func (t TenantRecord) Created() time.Time { return t.GetDateTime("created").Time() }

// PlatformAuditRecord is a typed proxy over a record of the control
// plane's "platform_audit" collection: one provisioning, suspension,
// deletion, restore or impersonation.
type PlatformAuditRecord struct{ *core.Record }

// At returns "at" (when it happened, UTC).
func (a PlatformAuditRecord) At() time.Time { return a.GetDateTime("at").Time() }

// Actor returns "actor" (who did it: an email, "cli", …).
func (a PlatformAuditRecord) Actor() string { return a.GetString("actor") }

// Action returns "action" (what was done).
func (a PlatformAuditRecord) Action() string { return a.GetString("action") }

// Tenant returns "tenant" (the slug of the tenant concerned, if any).
func (a PlatformAuditRecord) Tenant() string { return a.GetString("tenant") }

// Detail returns "detail" (JSON facts of the event; empty when none).
func (a PlatformAuditRecord) Detail() types.JSONRaw {
	v, _ := a.GetRaw("detail").(types.JSONRaw)
	return v
}
