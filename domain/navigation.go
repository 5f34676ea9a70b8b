package domain

// NavEntry is one module of the office navigation a user may open.
type NavEntry struct {
	Key  string // message key suffix: nav.<Key>
	Href string
	Icon string // icon name in the design system sprite
}

// HomePath returns where a role lands after login: managers on the KPI
// dashboard, project managers on the planning, site leads on today's
// plan, crews on the mobile crew app.
func HomePath(role string) string {
	switch role {
	case RoleManager:
		return "/dashboard"
	case RoleProjectManager:
		return "/planning"
	case RoleSiteLead:
		return "/today"
	default:
		return "/m/"
	}
}

// CanOpen reports whether a role may open an office module. Crews use the
// crew app only; tenant admins also get settings and users.
func CanOpen(role string, tenantAdmin bool, module string) bool {
	switch module {
	case "dashboard":
		return role == RoleManager
	case "planning":
		return role == RoleManager || role == RoleProjectManager
	case "today":
		return role == RoleManager || role == RoleProjectManager || role == RoleSiteLead
	case "crew":
		return true
	case "settings", "users":
		return tenantAdmin
	}
	return false
}

// Navigation returns the office modules a user may open, in menu order.
func Navigation(role string, tenantAdmin bool) []NavEntry {
	all := []NavEntry{
		{Key: "dashboard", Href: "/dashboard", Icon: "gauge"},
		{Key: "planning", Href: "/planning", Icon: "calendar"},
		{Key: "today", Href: "/today", Icon: "clipboard"},
		{Key: "users", Href: "/users", Icon: "users"},
		{Key: "settings", Href: "/settings", Icon: "settings"},
		{Key: "crew", Href: "/m/", Icon: "phone"},
	}
	out := make([]NavEntry, 0, len(all))
	for _, n := range all {
		if CanOpen(role, tenantAdmin, n.Key) {
			out = append(out, n)
		}
	}
	return out
}
