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
// Read verbs ("list", "view") are added the same way: a new key per row
// and a runner for it.

// matrixRoles are the subjects of the matrix, in cell order.
var matrixRoles = []string{"admin", "manager", "project_manager", "site_lead", "crew"}

// writeVerbs are the REST API's write verbs.
var writeVerbs = []string{"create", "update", "delete"}

// permissions is the table: collection → verb → cell.
var permissions = map[string]map[string]string{
	// people
	"users":           {"create": "A----", "update": "AAOOO", "delete": "A----", "page:update": "AA---"},
	"skills":          {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"clearance_kinds": {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"user_skills":     {"create": "AA---", "update": "AA---", "delete": "AA---"},
	"clearances":      {"create": "AA---", "update": "AA---", "delete": "AA---"},
	"availability":    {"create": "AA---", "update": "AA---", "delete": "AA---", "page:create": "AA---"},
	// sites
	"clients":        {"create": "AAA--", "update": "AAA--", "delete": "AA---"},
	"sites":          {"create": "AAA--", "update": "AAO--", "delete": "AA---", "page:create": "AAA--"},
	"phases":         {"create": "AAOO-", "update": "AAOO-", "delete": "AAO--", "page:create": "AAOO-"},
	"milestones":     {"create": "AAOO-", "update": "AAOO-", "delete": "AAO--"},
	"documents":      {"create": "AAOO-", "update": "AAO--", "delete": "AAO--"},
	"site_templates": {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"company":        {"create": "-----", "update": "A----", "delete": "-----"},
	// resources
	"vehicles":          {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"vehicle_positions": {"create": "-----", "update": "-----", "delete": "-----"},
	"equipment":         {"create": "AAA--", "update": "AAAA-", "delete": "AAA--"},
	"reservations":      {"create": "AAAA-", "update": "AAAA-", "delete": "AAAA-"},
	"maintenance":       {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"suppliers":         {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"materials":         {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"stock_moves":       {"create": "AAAAO", "update": "-----", "delete": "-----", "page:create": "AAAAO"},
	"purchase_orders":   {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	// planning
	"checklist_templates":  {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"work_types":           {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"tasks":                {"create": "AAOO-", "update": "AAOOO", "delete": "AAOO-", "page:create": "AAOO-"},
	"task_links":           {"create": "AAOO-", "update": "AAOO-", "delete": "AAOO-", "page:create": "AAOO-"},
	"checklist_runs":       {"create": "AAOOO", "update": "AAOOO", "delete": "AAOO-"},
	"plan_baselines":       {"create": "AAOO-", "update": "-----", "delete": "AAOO-"},
	"crews":                {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"assignment_overrides": {"create": "-----", "update": "-----", "delete": "-----"},
	// proof
	"time_entries": {"create": "AAOOO", "update": "AAOOO", "delete": "AAOO-", "page:create": "AAAAO"},
	"photos":       {"create": "-----", "update": "-----", "delete": "-----", "page:create": "AAAAO"},
	"signatures":   {"create": "-----", "update": "-----", "delete": "-----", "page:create": "AAAAO"},
	"incidents":    {"create": "AAAAO", "update": "AAOO-", "delete": "AAO--", "page:create": "AAAAO"},
	"audit_events": {"create": "-----", "update": "-----", "delete": "-----"},
	// reporting
	"reports":          {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"report_schedules": {"create": "AAA--", "update": "AAA--", "delete": "AAA--"},
	"alerts":           {"create": "AAAA-", "update": "AAAA-", "delete": "AAAA-"},
	// offline sync
	"sync_ops":       {"create": "-----", "update": "-----", "delete": "-----"},
	"sync_conflicts": {"create": "-----", "update": "AAOO-", "delete": "-----"},
}
