package handlers_test

// The one table of expected permissions (issue #14, item 7): for every
// collection of the tenant schema, per verb, what each role may do. The
// tests of permissions_test.go run it through the REST API and the main
// page forms; TestPermissionTableCoversSchema fails when a collection of
// the schema has no row, so that a new collection cannot ship without
// its permissions written down.
//
// A cell is one letter per role, in matrixRoles order (tenant admin,
// manager, project manager, site lead, crew):
//
//	A  allowed wherever the fixture tries it;
//	O  allowed in the role's own scope only, refused out of it: the sites
//	   it runs (project manager of site A, site lead of site A, crew in
//	   site A's team and assigned to its task) or its own records (its
//	   profile, its time entries); out of scope is site B or someone
//	   else's record;
//	-  refused.
//
// Inactive users and anonymous callers are refused everything (checked
// for every cell, not written here).
//
// Verbs: "create", "update", "delete" through the REST API
// (/api/collections/{collection}/records); "page:<verb>" through the
// product's own form for that write (pageForms in permissions_test.go).
// "view" reads one record (GET /api/collections/{collection}/records/{id},
// permissions_read_test.go): O is the crew's own records or its team's
// sites. The fixtures' out-of-scope records are the role's own where the
// collection is personal (clearances, availability, photos by the crew):
// reads_test.go covers other people's records of other sites.

// matrixRoles are the subjects of the matrix, in cell order.
var matrixRoles = []string{"admin", "manager", "project_manager", "site_lead", "crew"}

// writeVerbs are the REST API's write verbs.
var writeVerbs = []string{"create", "update", "delete"}

// permissions is the table: collection → verb → cell.
var permissions = map[string]map[string]string{
	// people
	"users":           {"create": "A----", "update": "AAOOO", "delete": "A----", "page:update": "AA---", "view": "AAAAA"},
	"skills":          {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"clearance_kinds": {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"user_skills":     {"create": "AA---", "update": "AA---", "delete": "AA---", "view": "AAAAA"},
	"clearances":      {"create": "AA---", "update": "AA---", "delete": "AA---", "view": "AAAAA"},
	"availability":    {"create": "AA---", "update": "AA---", "delete": "AA---", "page:create": "AA---", "view": "AAAAA"},
	// sites
	"clients":        {"create": "AAA--", "update": "AAA--", "delete": "AA---", "view": "AAAA-"},
	"sites":          {"create": "AAA--", "update": "AAO--", "delete": "AA---", "page:create": "AAA--", "view": "AAAAO"},
	"phases":         {"create": "AAOO-", "update": "AAOO-", "delete": "AAO--", "page:create": "AAOO-", "view": "AAAAO"},
	"milestones":     {"create": "AAOO-", "update": "AAOO-", "delete": "AAO--", "view": "AAAAO"},
	"documents":      {"create": "AAOO-", "update": "AAO--", "delete": "AAO--", "view": "AAAAO"},
	"site_templates": {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"company":        {"create": "-----", "update": "A----", "delete": "-----", "view": "AAAAA"},
	// resources
	"vehicles":          {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAA-"},
	"vehicle_positions": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAAA-"},
	"equipment":         {"create": "AAA--", "update": "AAAA-", "delete": "AAA--", "view": "AAAA-"},
	"reservations":      {"create": "AAAA-", "update": "AAAA-", "delete": "AAAA-", "view": "AAAAA"},
	"maintenance":       {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAA-"},
	"suppliers":         {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAA-"},
	"materials":         {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"stock_moves":       {"create": "AAAAO", "update": "-----", "delete": "-----", "page:create": "AAAAO", "view": "AAAA-"},
	"purchase_orders":   {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAA-"},
	// planning
	"checklist_templates":  {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"work_types":           {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"tasks":                {"create": "AAOO-", "update": "AAOOO", "delete": "AAOO-", "page:create": "AAOO-", "view": "AAAAO"},
	"task_links":           {"create": "AAOO-", "update": "AAOO-", "delete": "AAOO-", "page:create": "AAOO-", "view": "AAAA-"},
	"checklist_runs":       {"create": "AAOOO", "update": "AAOOO", "delete": "AAOO-", "view": "AAAAO"},
	"plan_baselines":       {"create": "AAOO-", "update": "-----", "delete": "AAOO-", "view": "AAAA-"},
	"crews":                {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAAA"},
	"assignment_overrides": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAAA-"},
	// proof
	"time_entries":     {"create": "AAOOO", "update": "AAOOO", "delete": "AAOO-", "page:create": "AAAAO", "view": "AAAAO"},
	"photos":           {"create": "-----", "update": "-----", "delete": "-----", "page:create": "AAAAO", "view": "AAAAA"},
	"signatures":       {"create": "-----", "update": "-----", "delete": "-----", "page:create": "AAAAO", "view": "AAAA-"},
	"incidents":        {"create": "AAAAO", "update": "AAOO-", "delete": "AAO--", "page:create": "AAAAO", "view": "AAAAO"},
	"time_periods":     {"create": "-----", "update": "-----", "delete": "-----", "view": "AAAAA"},
	"time_corrections": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAAA-"},
	"audit_events":     {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	// reporting
	"reports":          {"create": "-----", "update": "-----", "delete": "AAA--", "view": "AAAA-"},
	"report_schedules": {"create": "AAA--", "update": "AAA--", "delete": "AAA--", "view": "AAAA-"},
	"alerts":           {"create": "AAAA-", "update": "AAAA-", "delete": "AAAA-", "view": "AAAA-"},
	// the site's daily log (issue #17): its project manager and site lead
	// write it, its crew reads it
	"daily_logs": {"create": "AAOO-", "update": "AAOO-", "delete": "AAOO-", "page:create": "AAOO-", "view": "AAAAO"},
	// invoicing (issue #18): the office reads; a contract is its site's
	// project manager's; invoices, lines and payments are written by the
	// domain only (issued ones immutable even for superusers)
	"contract_lines":   {"create": "AAO--", "update": "AAO--", "delete": "AAO--", "view": "AAA--"},
	"invoices":         {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	"invoice_lines":    {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	"invoice_payments": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	// acceptance reports (issue #20): written by the domain only (a
	// signed report is immutable even for superusers); read like the site
	"acceptances":             {"create": "-----", "update": "-----", "delete": "-----", "view": "AAAAO"},
	"acceptance_reservations": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAAAO"},
	// client portal (issue #20): the office reads contacts and accesses;
	// only the domain writes them (invitation, renewal, revocation, use)
	"client_contacts": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	"client_access":   {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	// notifications (issue #17): written by the rules only, read by their user
	"notifications": {"create": "-----", "update": "-----", "delete": "-----", "view": "OOOOO"},
	// duration models and the predictions shown (issue #23): written by
	// the domain only (training, rollback, task form), read by the office
	"duration_models":      {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	"duration_predictions": {"create": "-----", "update": "-----", "delete": "-----", "view": "AAA--"},
	// offline sync
	"sync_ops":       {"create": "-----", "update": "-----", "delete": "-----", "view": "----A"},
	"sync_conflicts": {"create": "-----", "update": "AAOO-", "delete": "-----", "view": "AAAAA"},
}
