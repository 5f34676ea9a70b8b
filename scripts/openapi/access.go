package main

import (
	"fmt"
	"strings"

	"github.com/ganigeorgiev/fexpr"
)

// Role access is derived from a collection's API rule by partial
// evaluation: the rule is parsed by PocketBase's own filter parser
// (fexpr) and every term on the caller (@request.auth.collectionName,
// active, role, tenant_admin) is replaced by the value of a signed-in,
// active user of the role. Terms on the record (site.team.id ?=
// @request.auth.id…) or on the request body (@request.body.x:isset…)
// stay open. The rule is then always true for the role, never true, or
// true depending on the record or on what is sent ("conditional").

// accessRole is a caller the rules are evaluated for.
type accessRole struct {
	Name        string
	Role        string
	TenantAdmin bool
}

// accessRoles are the tenant's four roles, then the tenant-admin flag
// alone (on the least privileged role, crew: what the flag grants
// whatever the role).
var accessRoles = []accessRole{
	{"manager", "manager", false},
	{"project_manager", "project_manager", false},
	{"site_lead", "site_lead", false},
	{"crew", "crew", false},
	{"tenant_admin", "crew", true},
}

// tri is a three-valued truth: the rule's value for a role.
type tri int

const (
	triFalse tri = iota
	triOpen
	triTrue
)

// Access is a role's access to one operation.
type Access string

// Access levels of a role to an operation.
const (
	AccessAlways      Access = "always"
	AccessConditional Access = "conditional"
	AccessNone        Access = "none"
)

// ruleAccess evaluates rule for every role of accessRoles. A nil rule is
// locked (superusers only), an empty one is public.
func ruleAccess(rule *string) (map[string]Access, error) {
	out := map[string]Access{}
	for _, r := range accessRoles {
		out[r.Name] = AccessNone
	}
	if rule == nil {
		return out, nil
	}
	if strings.TrimSpace(*rule) == "" {
		for _, r := range accessRoles {
			out[r.Name] = AccessAlways
		}
		return out, nil
	}
	groups, err := fexpr.Parse(*rule)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", *rule, err)
	}
	for _, r := range accessRoles {
		v, err := evalGroups(groups, r)
		if err != nil {
			return nil, fmt.Errorf("rule %q: %w", *rule, err)
		}
		out[r.Name] = map[tri]Access{triTrue: AccessAlways, triOpen: AccessConditional, triFalse: AccessNone}[v]
	}
	return out, nil
}

// evalGroups evaluates a flat list of joined expressions the way
// PocketBase's SQL does: && binds tighter than ||.
func evalGroups(groups []fexpr.ExprGroup, r accessRole) (tri, error) {
	or := triFalse
	and := triTrue
	for i, g := range groups {
		v, err := evalItem(g.Item, r)
		if err != nil {
			return triFalse, err
		}
		if i > 0 && g.Join == fexpr.JoinOr {
			or = triOr(or, and)
			and = triTrue
		}
		and = triAnd(and, v)
	}
	return triOr(or, and), nil
}

func evalItem(item any, r accessRole) (tri, error) {
	switch it := item.(type) {
	case fexpr.Expr:
		return evalExpr(it, r), nil
	case fexpr.ExprGroup:
		return evalGroups([]fexpr.ExprGroup{it}, r)
	case []fexpr.ExprGroup:
		return evalGroups(it, r)
	}
	return triFalse, fmt.Errorf("unsupported expression %T", item)
}

func triAnd(a, b tri) tri { return min(a, b) }
func triOr(a, b tri) tri  { return max(a, b) }

// evalExpr decides a comparison when both sides are known for r.
func evalExpr(e fexpr.Expr, r accessRole) tri {
	l, lok := operand(e.Left, r)
	rv, rok := operand(e.Right, r)
	if !lok || !rok {
		return triOpen
	}
	switch e.Op {
	case fexpr.SignEq, fexpr.SignAnyEq:
		return triOf(l == rv)
	case fexpr.SignNeq, fexpr.SignAnyNeq:
		return triOf(l != rv)
	}
	return triOpen
}

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// operand returns the value of a token for caller r, when it does not
// depend on the record or on the request body.
func operand(t fexpr.Token, r accessRole) (string, bool) {
	switch t.Type {
	case fexpr.TokenText, fexpr.TokenNumber:
		return t.Literal, true
	case fexpr.TokenIdentifier:
		switch t.Literal {
		case "true", "false":
			return t.Literal, true
		case "null":
			return "", true
		case "@request.auth.collectionName":
			return "users", true
		case "@request.auth.active":
			return "true", true
		case "@request.auth.role":
			return r.Role, true
		case "@request.auth.tenant_admin":
			return fmt.Sprint(r.TenantAdmin), true
		}
	}
	return "", false
}
