package domain

import "github.com/pocketbase/pocketbase/core"

// Who reads reports. Site reports (daily journal, weekly client report)
// carry hours of named people, material costs and incident amounts: the
// office roles and site leads read them (every role but crews, like
// CanSeeCosts), tenant admins too. The timesheet export is payroll data
// for every site: managers, project managers and tenant admins only
// (IsOffice), site leads review time site by site on the timesheet page.

// CanReadSiteReports reports whether u may read the reports of a site.
func CanReadSiteReports(u, site *core.Record) bool {
	return officeViewer(u) && CanSeeSite(u, site)
}

// CanExportTimesheets reports whether u may export every person's time
// for payroll.
func CanExportTimesheets(u *core.Record) bool {
	return u != nil && u.Collection().Name == CollectionUsers && IsOffice(u)
}

// FindReportSite returns the site whose reports u asked for: a crew
// member (or a user of another collection) is refused with EForbidden
// whatever the site, a missing site is ENotFound (a site of another
// tenant does not exist in this tenant's database).
func FindReportSite(app core.App, u *core.Record, siteID string) (Site, error) {
	if !officeViewer(u) {
		return Site{}, Errorf(EForbidden, "err.report.forbidden")
	}
	s, err := FindSite(app, siteID)
	if err != nil {
		return Site{}, err
	}
	if !CanReadSiteReports(u, s.Record) {
		return Site{}, Errorf(ENotFound, "err.site.not_found")
	}
	return s, nil
}
