package main

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"gopkg.in/yaml.v3"
)

// generated is the description built once per test binary from a
// freshly provisioned tenant (about a second).
var generated struct {
	once sync.Once
	cols []*core.Collection
	out  []byte
	err  error
}

func collections(t *testing.T) ([]*core.Collection, []byte) {
	t.Helper()
	generated.once.Do(func() {
		product, err := os.ReadFile("product.yaml")
		if err != nil {
			generated.err = err
			return
		}
		if generated.cols, generated.err = tenantCollections(); generated.err == nil {
			generated.out, generated.err = generate(append([]*core.Collection(nil), generated.cols...), product)
		}
	})
	if generated.err != nil {
		t.Fatal(generated.err)
	}
	return generated.cols, generated.out
}

// TestOpenAPIUpToDate fails when the served description differs from
// what the schema and product.yaml give: run make openapi.
func TestOpenAPIUpToDate(t *testing.T) {
	_, want := collections(t)
	cur, err := os.ReadFile("../../" + outPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cur, want) {
		t.Fatalf("%s is stale (the migrations or scripts/openapi/product.yaml changed): run make openapi", outPath)
	}
}

// TestOpenAPICoversEveryCollection: every collection of the tenant
// schema is documented (a tag, its schema, its list operation) or skipped
// with a reason, never both; the skip list names no collection that
// does not exist.
func TestOpenAPICoversEveryCollection(t *testing.T) {
	cols, out := collections(t)
	var doc struct {
		Tags []struct {
			Name       string
			Collection string `yaml:"x-fieldops-collection"`
		}
		Paths      map[string]map[string]any
		Components struct{ Schemas map[string]any }
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, tag := range doc.Tags {
		if tag.Collection != "" {
			documented[tag.Collection] = true
		}
	}
	seen := map[string]bool{}
	for _, c := range cols {
		seen[c.Name] = true
		reason, skip := skipped[c.Name]
		switch {
		case skip && documented[c.Name]:
			t.Errorf("%s is both skipped and documented", c.Name)
		case skip && strings.TrimSpace(reason) == "":
			t.Errorf("%s is skipped without a reason", c.Name)
		case !skip && !documented[c.Name]:
			t.Errorf("%s is neither documented nor skipped", c.Name)
		case !skip:
			if doc.Components.Schemas[c.Name] == nil {
				t.Errorf("%s: no record schema", c.Name)
			}
			if c.ListRule != nil && doc.Paths["/api/collections/"+c.Name+"/records"]["get"] == nil {
				t.Errorf("%s: no list operation", c.Name)
			}
		}
	}
	for name := range skipped {
		if !seen[name] {
			t.Errorf("skipped %s is not a collection of the schema", name)
		}
	}
	if len(documented) < 50 {
		t.Errorf("%d collections documented", len(documented))
	}
}

// TestOpenAPIOperationsFollowRules: an operation is documented exactly
// when its rule is not locked, with the rule and the derived roles.
func TestOpenAPIOperationsFollowRules(t *testing.T) {
	cols, out := collections(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Rule  *string `yaml:"x-fieldops-rule"`
			Roles struct {
				Always, Conditional []string
			} `yaml:"x-fieldops-roles"`
		}
	}
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, c := range cols {
		if _, skip := skipped[c.Name]; skip {
			continue
		}
		for _, op := range crudOps {
			path := "/api/collections/" + c.Name + "/records"
			if op.Item {
				path += "/{id}"
			}
			got, ok := doc.Paths[path][op.Method]
			rule := op.Rule(c)
			if ok != (rule != nil) {
				t.Errorf("%s %s: documented=%v, rule locked=%v", c.Name, op.Name, ok, rule == nil)
				continue
			}
			if ok && (got.Rule == nil || *got.Rule != *rule) {
				t.Errorf("%s %s: x-fieldops-rule differs from the schema's", c.Name, op.Name)
			}
		}
	}
	roles := func(path, method string) string {
		r := doc.Paths[path][method].Roles
		return strings.Join(r.Always, ",") + " / " + strings.Join(r.Conditional, ",")
	}
	for _, c := range []struct{ path, method, want string }{
		// crews see the sites of their team only
		{"/api/collections/sites/records", "get", "manager,project_manager,site_lead / crew,tenant_admin"},
		{"/api/collections/sites/records", "post", "manager,project_manager,tenant_admin / "},
		// invoices: office roles and tenant admins only
		{"/api/collections/invoices/records", "get", "manager,project_manager,tenant_admin / "},
		// a project manager edits the sites it manages
		{"/api/collections/sites/records/{id}", "patch", "manager,tenant_admin / project_manager"},
		// everyone edits their own profile, without role fields
		{"/api/collections/users/records/{id}", "patch", "tenant_admin / manager,project_manager,site_lead,crew"},
	} {
		if got := roles(c.path, c.method); got != c.want {
			t.Errorf("%s %s roles = %q, want %q", c.method, c.path, got, c.want)
		}
	}
}

// TestOpenAPIRuleAccess: the partial evaluation of rules, && binding
// tighter than || as in PocketBase's SQL.
func TestOpenAPIRuleAccess(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, c := range []struct {
		rule *string
		want string // roles always / conditional
	}{
		{nil, " / "},
		{s(""), "manager,project_manager,site_lead,crew,tenant_admin / "},
		{s(`@request.auth.role = "manager"`), "manager / "},
		{s(`@request.auth.role = "crew" && @request.auth.tenant_admin != true`), "crew / "},
		{s(`@request.auth.role = "manager" || @request.auth.tenant_admin = true`), "manager,tenant_admin / "},
		// a && b || c: (a && b) || c
		{s(`@request.auth.role = "site_lead" && user = @request.auth.id || @request.auth.role = "manager"`), "manager / site_lead"},
		{s(`@request.auth.role = "site_lead" && (user = @request.auth.id || @request.auth.role = "manager")`), " / site_lead"},
		{s(`@request.auth.collectionName = "users" && @request.body.status:isset = false`), " / manager,project_manager,site_lead,crew,tenant_admin"},
		{s(`@request.auth.collectionName = "_superusers"`), " / "},
		{s(`@request.auth.active = false`), " / "},
	} {
		acc, err := ruleAccess(c.rule)
		if err != nil {
			t.Fatal(err)
		}
		var always, cond []string
		for _, r := range accessRoles {
			switch acc[r.Name] {
			case AccessAlways:
				always = append(always, r.Name)
			case AccessConditional:
				cond = append(cond, r.Name)
			}
		}
		if got := strings.Join(always, ",") + " / " + strings.Join(cond, ","); got != c.want {
			rule := "<nil>"
			if c.rule != nil {
				rule = *c.rule
			}
			t.Errorf("%s: %q, want %q", rule, got, c.want)
		}
	}
	if _, err := ruleAccess(func() *string { v := `role = ("x"`; return &v }()); err == nil {
		t.Error("a malformed rule is accepted")
	}
}
