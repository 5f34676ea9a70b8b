package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// MonthlyReport is the monthly management report (issue #17): every
// site's costs (labour, materials, vehicles, equipment, incidents) of the
// month and to date, budget, forecast, margin, hours planned and actual,
// delays and incidents by severity, with their totals — the cost and KPI
// engine's figures (ComputeTenantKPIs), nothing added up here.
type MonthlyReport struct {
	Branding ReportBranding
	Month    time.Time      // the 1st at 00:00 in Location
	Period   string         // "2026-11"
	Location *time.Location // the tenant's zone
	// Scoped is set when the report covers only the reader's sites (a
	// project manager's report); KPIs then hold those sites and their
	// totals only.
	Scoped bool
	KPIs   *TenantKPIs
}

// MonthlyReportScope decides who reads the monthly management report and
// on which sites: managers and tenant admins read every site (nil, nil);
// a project manager reads the sites they manage (CanSeeSiteKPIs) and is
// refused with EForbidden when they manage none; site leads, crews and
// any other record are refused (labour costs add up people's pay rates).
func MonthlyReportScope(app core.App, u *core.Record) ([]string, error) {
	if u == nil || u.Collection().Name != CollectionUsers || !u.GetBool("active") {
		return nil, Errorf(EForbidden, "err.report.monthly_forbidden")
	}
	if u.GetString("role") == RoleManager || u.GetBool("tenant_admin") {
		return nil, nil
	}
	if u.GetString("role") != RoleProjectManager {
		return nil, Errorf(EForbidden, "err.report.monthly_forbidden")
	}
	recs, err := app.FindAllRecords(CollectionSites)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, s := range recs {
		if CanSeeSiteKPIs(u, s) {
			ids = append(ids, s.Id)
		}
	}
	if len(ids) == 0 {
		return nil, Errorf(EForbidden, "err.report.monthly_no_sites")
	}
	return ids, nil
}

// MonthlyReportData assembles the monthly report of month (the 1st at
// 00:00 in the tenant's zone, ParseReportMonth) over every site, or only
// siteIDs when given (MonthlyReportScope).
func MonthlyReportData(app core.App, month time.Time, siteIDs []string) (MonthlyReport, error) {
	loc := TenantFactsOf(app).Location()
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, loc)
	r := MonthlyReport{Month: month, Period: month.Format("2006-01"), Location: loc, Scoped: siteIDs != nil}
	var err error
	if r.Branding, err = ReportBrandingOf(app); err != nil {
		return r, err
	}
	end := month.AddDate(0, 1, 0)
	all, err := ComputeTenantKPIs(app, month, end)
	if err != nil {
		return r, err
	}
	if siteIDs == nil {
		r.KPIs = all
		return r, nil
	}
	var sites []SiteKPIs
	for _, s := range all.Sites {
		if containsString(siteIDs, s.SiteID) {
			sites = append(sites, s)
		}
	}
	r.KPIs = sumTenantKPIs(month, end, sites)
	return r, nil
}

// MonthlySeverities are the incident severities of the monthly report's
// columns, in order.
var MonthlySeverities = []string{"low", "medium", "high", "critical"}
