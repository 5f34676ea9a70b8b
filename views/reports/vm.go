// Package reports holds the office's Rapports page: choose a site, a day
// and a week, download the daily journal and the weekly client report as
// PDF or Excel, and (office roles) export the period's timesheets for
// payroll. View models are built by the handlers; views never query.
package reports

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// DownloadVM is one report offered for download.
type DownloadVM struct {
	Label   string // what the report is ("Journal du 05/12/2026")
	PDF     string // href, blank when not offered
	XLSX    string
	CSV     string
	TestID  string
	Caption string // a short explanation
}

// PageVM is the Rapports page.
type PageVM struct {
	Shell layouts.ShellVM
	// Form holds the values typed in and their errors (fields site, date,
	// week, from, to).
	Form      components.Form
	Sites     []components.Option
	Downloads []DownloadVM // site reports, once a site is chosen and the dates are valid
	// Timesheets is the payroll export (office roles only): its
	// downloads once the period is valid.
	CanExport  bool
	Timesheets []DownloadVM
	// CanMonthly is set for who may read the monthly management report
	// (managers, tenant admins, project managers of a site); Monthly its
	// downloads once the month (field month) is valid.
	CanMonthly bool
	Monthly    []DownloadVM
}
