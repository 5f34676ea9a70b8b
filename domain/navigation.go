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

// office reports whether a role works in the office screens (everyone
// but crews, who use the crew app).
func office(role string) bool {
	return role == RoleManager || role == RoleProjectManager || role == RoleSiteLead
}

// CanOpen reports whether a role may open a module. Crews use the crew
// app only; site leads see sites, people and resources (editing is
// limited per record by CanEdit rules and API rules); tenant admins also
// get settings and users. The KPI board ("kpis", Pilotage) is for managers
// and project managers. Everyone reads their own notifications.
func CanOpen(role string, tenantAdmin bool, module string) bool {
	switch module {
	case "dashboard":
		return role == RoleManager
	case "planning", "kpis":
		return role == RoleManager || role == RoleProjectManager
	case "dispatch":
		return office(role)
	case "today", "timesheets", "sites", "clients", "people", "vehicles", "equipment", "materials":
		return office(role)
	case "reports":
		return office(role) || tenantAdmin
	case "invoices": // invoicing (issue #18): CanInvoice
		return role == RoleManager || role == RoleProjectManager || tenantAdmin
	case "checklists":
		return role == RoleManager || role == RoleProjectManager || tenantAdmin
	case "crew", "notifications":
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
		{Key: "kpis", Href: "/kpis", Icon: "gauge"},
		{Key: "dispatch", Href: "/dispatch", Icon: "calendar"},
		{Key: "today", Href: "/today", Icon: "clipboard"},
		{Key: "timesheets", Href: "/timesheets", Icon: "clock"},
		{Key: "reports", Href: "/reports", Icon: "file"},
		{Key: "invoices", Href: "/invoices", Icon: "file"},
		{Key: "sites", Href: "/sites", Icon: "building"},
		{Key: "people", Href: "/people", Icon: "users"},
		{Key: "vehicles", Href: "/vehicles", Icon: "truck"},
		{Key: "equipment", Href: "/equipment", Icon: "tool"},
		{Key: "materials", Href: "/materials", Icon: "box"},
		{Key: "checklists", Href: "/checklists", Icon: "list"},
		{Key: "users", Href: "/users", Icon: "shield"},
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
