package handlers_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// permWorld is the tenant the permission matrix runs in: one user per
// role of matrixRoles (the provisioned tenant admin is "admin"), site A
// run by them (project manager, site lead, crew in its team and assigned
// to its tasks), site B run by nobody of them (another crew member,
// "other", in its team), an inactive crew member in site A's team, and
// the reference records the fixtures point at.
type permWorld struct {
	*tenanttest.Tenant
	t                           *testing.T
	users                       map[string]*core.Record // role (and "other", "inactive") → user
	siteA, siteB                string
	vehicle, material, supplier string
	template                    string
	n                           int
}

func newPermWorld(t *testing.T) *permWorld {
	t.Helper()
	tt := handlertest.New(t)
	w := &permWorld{Tenant: tt, t: t, users: map[string]*core.Record{}}
	admin, err := tt.App().FindAuthRecordByEmail("users", tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	w.users["admin"] = admin
	for _, role := range []string{domain.RoleManager, domain.RoleProjectManager, domain.RoleSiteLead, domain.RoleCrew} {
		w.users[role] = tt.User(role, role+"@acme.test").Record
	}
	w.users["other"] = tt.User(domain.RoleCrew, "other@acme.test").Record
	inactive := tt.User(domain.RoleCrew, "inactive@acme.test").Record
	inactive.Set("active", false)
	if err := tt.App().Save(inactive); err != nil {
		t.Fatal(err)
	}
	w.users["inactive"] = inactive
	w.siteA = tt.Record("sites", map[string]any{"code": "CH-A", "name": "Site A", "sector": "btp", "status": "active",
		"project_manager": w.id(domain.RoleProjectManager), "site_lead": w.id(domain.RoleSiteLead),
		"team": []string{w.id(domain.RoleCrew), inactive.Id}}).Id
	w.siteB = tt.Record("sites", map[string]any{"code": "CH-B", "name": "Site B", "sector": "btp", "status": "active",
		"team": []string{w.id("other")}}).Id
	w.vehicle = tt.Record("vehicles", map[string]any{"plate": "AA-000-AA", "label": "Kangoo"}).Id
	w.supplier = tt.Record("suppliers", map[string]any{"name": "Négoce"}).Id
	w.material = tt.Record("materials", map[string]any{"sku": "CIM-35", "name": "Ciment", "unit": "sac", "unit_cost": 9.5}).Id
	for _, site := range []string{w.siteA, w.siteB} {
		if _, err := domain.RecordStockMove(tt.App(), nil, domain.StockMoveInput{Material: w.material, Kind: domain.MoveReceipt,
			Qty: 10_000, Location: domain.SiteLocation(site)}); err != nil {
			t.Fatal(err)
		}
	}
	w.template = tt.Record("checklist_templates", map[string]any{"code": "base", "name": "Contrôle",
		"items": []map[string]any{{"id": "c1", "label": "Vérifié", "type": "check", "required": true}}}).Id
	return w
}

// id returns the id of the user of role (or "other", "inactive"); an
// anonymous caller acts as the crew member would.
func (w *permWorld) id(role string) string { return w.user(role).Id }

func (w *permWorld) user(role string) *core.Record {
	if u, ok := w.users[role]; ok {
		return u
	}
	return w.users[domain.RoleCrew]
}

// uniq returns a fresh value for unique fields.
func (w *permWorld) uniq(prefix string) string {
	w.n++
	return fmt.Sprintf("%s%d", prefix, w.n)
}

// site returns site A (in the roles' scope) or site B.
func (w *permWorld) site(in bool) string {
	if in {
		return w.siteA
	}
	return w.siteB
}

// rec creates a record as the system (no rules, the domain hooks run).
func (w *permWorld) rec(collection string, fields map[string]any) *core.Record {
	w.t.Helper()
	return w.Record(collection, fields)
}

// task creates a task on site A assigned to the crew member, or on site
// B assigned to "other".
func (w *permWorld) task(in bool) *core.Record {
	assignee := w.id("other")
	if in {
		assignee = w.id(domain.RoleCrew)
	}
	return w.rec("tasks", map[string]any{"site": w.site(in), "title": w.uniq("Tâche "), "status": "planned", "assignees": []string{assignee}})
}

// ago is a time of the last hours, distinct per call.
func (w *permWorld) ago(hours int) string {
	w.n++
	return time.Now().UTC().Add(-time.Duration(hours)*time.Hour - time.Duration(w.n)*time.Second).Format("2006-01-02 15:04:05.000Z")
}

// future is a day ahead, distinct per call.
func (w *permWorld) future(days int) string {
	w.n++
	return time.Now().UTC().AddDate(0, 0, days+w.n).Format("2006-01-02 15:04:05.000Z")
}

// fixture says how to exercise one collection: the body of a create,
// the record an update or delete targets (a fresh one per call) and the
// body of an update. role is the caller (a matrixRoles entry,
// "inactive" or "anonymous"), in selects its scope (see the table).
type fixture struct {
	scoped bool
	create func(w *permWorld, role string, in bool) map[string]any
	target func(w *permWorld, role, verb string, in bool) *core.Record
	update map[string]any
}

// named builds a fixture of an unscoped register: create body, a fresh
// record with the same fields, an update body.
func named(col string, fields func(w *permWorld) map[string]any, update map[string]any) fixture {
	return fixture{
		create: func(w *permWorld, _ string, _ bool) map[string]any { return fields(w) },
		target: func(w *permWorld, _, _ string, _ bool) *core.Record { return w.rec(col, fields(w)) },
		update: update,
	}
}

// onSite builds a fixture of a site's child record.
func onSite(col string, fields func(w *permWorld, site string) map[string]any, update map[string]any) fixture {
	return fixture{scoped: true,
		create: func(w *permWorld, _ string, in bool) map[string]any { return fields(w, w.site(in)) },
		target: func(w *permWorld, _, _ string, in bool) *core.Record { return w.rec(col, fields(w, w.site(in))) },
		update: update,
	}
}
