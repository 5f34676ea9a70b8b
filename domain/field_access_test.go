package domain_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestConfidentialFieldsPerRole(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	admin, err := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, tt.Admin)
	if err != nil {
		t.Fatal(err)
	}
	inactive := tt.User(domain.RoleManager, "gone@acme.test").Record
	inactive.Set("active", false)
	crewAdmin := tt.User(domain.RoleCrew, "crewadmin@acme.test").Record
	crewAdmin.Set("tenant_admin", true)
	super := core.NewRecord(mustCollection(t, tt.App(), core.CollectionNameSuperusers))
	scenarios := []struct {
		name               string
		u                  *core.Record
		costs, rates, mail bool
	}{
		{"manager", tt.User(domain.RoleManager, "m@acme.test").Record, true, true, true},
		{"project manager", tt.User(domain.RoleProjectManager, "pm@acme.test").Record, true, false, true},
		{"site lead", tt.User(domain.RoleSiteLead, "sl@acme.test").Record, true, false, true},
		{"crew", tt.User(domain.RoleCrew, "c@acme.test").Record, false, false, false},
		{"tenant admin", admin, true, true, true},
		{"crew tenant admin", crewAdmin, true, true, true},
		{"inactive manager", inactive, false, false, false},
		{"anonymous", nil, false, false, false},
		{"superuser record (not a tenant user)", super, false, false, false},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := domain.CanSeeCosts(s.u); got != s.costs {
				t.Errorf("CanSeeCosts = %v, want %v", got, s.costs)
			}
			if got := domain.CanSeePayRates(s.u); got != s.rates {
				t.Errorf("CanSeePayRates = %v, want %v", got, s.rates)
			}
			if got := domain.CanSeeEmails(s.u); got != s.mail {
				t.Errorf("CanSeeEmails = %v, want %v", got, s.mail)
			}
		})
	}
}

// TestConfidentialFieldsHiddenInSchema checks the migrations against the
// table: every confidential field exists and is hidden (only superusers
// filter on it), every amount-like field of the schema is in the table,
// and every file field is protected.
func TestConfidentialFieldsHiddenInSchema(t *testing.T) {
	t.Parallel()
	app := tenanttest.New(t).App()
	listed := map[string]bool{}
	for _, g := range domain.FieldGroups() {
		col := mustCollection(t, app, g.Collection)
		for _, name := range g.Fields {
			listed[g.Collection+"."+name] = true
			f := col.Fields.GetByName(name)
			if f == nil {
				t.Errorf("%s.%s: no such field", g.Collection, name)
			} else if !f.GetHidden() {
				t.Errorf("%s.%s is not hidden in the schema", g.Collection, name)
			}
		}
	}
	amount := regexp.MustCompile(`(cost|budget|amount|price|rate|total|_eur|salary|wage)$`)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		if col.System {
			continue
		}
		for _, f := range col.Fields {
			key := col.Name + "." + f.GetName()
			if f.Type() == core.FieldTypeNumber && amount.MatchString(f.GetName()) && !listed[key] {
				t.Errorf("%s looks like an amount but is not in domain.FieldGroups", key)
			}
			if ff, ok := f.(*core.FileField); ok && !ff.Protected {
				t.Errorf("file field %s is not protected", key)
			}
		}
	}
}

// TestHideConfidentialEveryGroup serialises a record of every collection
// with confidential fields as each role would receive it.
func TestHideConfidentialEveryGroup(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	viewers := map[string]*core.Record{}
	for _, role := range domain.Roles {
		viewers[role] = tt.User(role, role+"@acme.test").Record
	}
	super := core.NewRecord(mustCollection(t, app, core.CollectionNameSuperusers))
	for _, g := range domain.FieldGroups() {
		for role, viewer := range viewers {
			r := core.NewRecord(mustCollection(t, app, g.Collection))
			domain.HideConfidential(r, viewer)
			out := r.PublicExport()
			for _, f := range g.Fields {
				if _, got := out[f]; got != g.May(viewer) {
					t.Errorf("%s.%s for a %s: exported %v, want %v", g.Collection, f, role, got, g.May(viewer))
				}
			}
		}
		r := core.NewRecord(mustCollection(t, app, g.Collection))
		r.Unhide(g.Fields...) // as PocketBase does for superusers before the hook
		domain.HideConfidential(r, super)
		for _, f := range g.Fields {
			if _, ok := r.PublicExport()[f]; !ok {
				t.Errorf("%s.%s hidden from a superuser", g.Collection, f)
			}
		}
		anon := core.NewRecord(mustCollection(t, app, g.Collection))
		domain.HideConfidential(anon, nil)
		for _, f := range g.Fields {
			if _, ok := anon.PublicExport()[f]; ok {
				t.Errorf("%s.%s shown to an anonymous request", g.Collection, f)
			}
		}
	}
}

func TestHideConfidentialRedactsAuditDiffs(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test").Record
	manager := tt.User(domain.RoleManager, "m@acme.test").Record
	crew := tt.User(domain.RoleCrew, "c@acme.test")
	crew.Set("hourly_cost", 31.5)
	crew.Set("phone", "+33 6 00 00 00 00")
	if err := app.Save(crew.Record); err != nil {
		t.Fatal(err)
	}
	ev, err := app.FindFirstRecordByFilter(domain.CollectionAuditEvents, "collection = 'users' && record = {:id} && action = 'update'", dbx.Params{"id": crew.Id})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(viewer *core.Record) []string {
		r := ev.Fresh()
		domain.HideConfidential(r, viewer)
		var diff map[string]any
		if err := r.UnmarshalJSONField("diff", &diff); err != nil {
			t.Fatal(err)
		}
		var out []string
		for k := range diff {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	if got := keys(manager); !slices.Equal(got, []string{"hourly_cost", "phone"}) {
		t.Errorf("manager reads diff keys %v, want hourly_cost and phone", got)
	}
	if got := keys(pm); !slices.Equal(got, []string{"phone"}) {
		t.Errorf("project manager reads diff keys %v, want phone only", got)
	}
	// the stored event is untouched (its hash still verifies)
	stored, err := app.FindRecordById(domain.CollectionAuditEvents, ev.Id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stored.GetString("diff"), "hourly_cost") {
		t.Errorf("the stored diff lost hourly_cost: %s", stored.GetString("diff"))
	}
}

func mustCollection(t *testing.T, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
