package domain

import "github.com/pocketbase/pocketbase/core"

// Site permissions, mirroring the API rules of pb_migrations/tenant:
// managers and tenant admins edit every site; a project manager edits the
// sites they manage; the site lead of a site (and its project manager)
// edit its day-to-day data (phases progress, milestones, documents).
// Crews only see the sites whose team they belong to.

// CanCreateSite reports whether u may create sites.
func CanCreateSite(u *core.Record) bool {
	if u == nil || !u.GetBool("active") {
		return false
	}
	r := u.GetString("role")
	return r == RoleManager || r == RoleProjectManager || u.GetBool("tenant_admin")
}

// CanEditSite reports whether u may edit the site itself.
func CanEditSite(u, site *core.Record) bool {
	if u == nil || site == nil || !u.GetBool("active") {
		return false
	}
	if u.GetString("role") == RoleManager || u.GetBool("tenant_admin") {
		return true
	}
	return u.GetString("role") == RoleProjectManager && site.GetString("project_manager") == u.Id
}

// CanEditSiteDay reports whether u may edit the site's day-to-day data.
func CanEditSiteDay(u, site *core.Record) bool {
	if CanEditSite(u, site) {
		return true
	}
	return u != nil && site != nil && u.GetBool("active") &&
		(site.GetString("site_lead") == u.Id || site.GetString("project_manager") == u.Id)
}

// CanSeeSite reports whether u may see the site.
func CanSeeSite(u, site *core.Record) bool {
	if u == nil || site == nil || !u.GetBool("active") {
		return false
	}
	if u.GetString("role") != RoleCrew {
		return true
	}
	if site.GetString("site_lead") == u.Id {
		return true
	}
	for _, id := range site.GetStringSlice("team") {
		if id == u.Id {
			return true
		}
	}
	return false
}

// CanManagePeople reports whether u edits people's office data (role,
// hourly cost, skills, clearances, absences): managers and tenant admins;
// other office users only read it, and never see costs.
func CanManagePeople(u *core.Record) bool {
	return u != nil && u.GetBool("active") && (u.GetString("role") == RoleManager || u.GetBool("tenant_admin"))
}
