// Package reports holds the office's Rapports page: choose a site, a day
// and a week, download the daily journal and the weekly client report as
// PDF or Excel, and (office roles) export the period's timesheets for
// payroll. View models are built by the handlers; views never query.
package reports

import (
	"context"
	"strconv"

	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
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
	// Generate is the form generating and archiving the report in the
	// background (blank Action: not offered).
	Generate GenerateVM
}

// GenerateVM is a "generate and archive" button: its action and period.
type GenerateVM struct{ Action, Period string }

// JobVM is an on-demand generation followed on the page: its steps,
// then its archive (links and SHA-256) or its error.
type JobVM struct {
	ID, Label string
	Steps     []JobStepVM
	Error     string // the failure, blank otherwise
	Done      bool
	PDF, XLSX string // the archived files' hrefs, once done
	Hash      string // SHA-256 of the archived PDF
	Stream    string // the live stream while it runs, blank once over
}

// JobStepVM is a step of a job; State is "done", "current", "failed" or
// "pending".
type JobStepVM struct{ Key, Label, State string }

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
	// Job is the generation asked (?job=), nil when none.
	Job *JobVM
	// Archive lists the generated reports the reader may open.
	Archive []ArchiveVM
	// CanSchedule is set for the office roles: the schedules, their
	// form (fields kind, hour, weekday, recipients) and the failures of
	// the last scheduled runs (never silent).
	CanSchedule bool
	Schedules   []ScheduleVM
	Schedule    components.Form
	Failures    []string
}

// ArchiveVM is an archived report with its download links.
type ArchiveVM struct {
	ID, Kind, Site, Period, At, Trigger string
	Hash                                string // SHA-256 of the PDF
	PDF, XLSX                           string // hrefs, blank when absent
}

// ScheduleVM is a report schedule.
type ScheduleVM struct {
	ID, Kind, Cron, Recipients string
	Enabled                    bool
}

// kindOptions are the kinds of scheduled reports.
func kindOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, k := range []string{"daily", "weekly", "monthly"} {
		out = append(out, components.Option{Value: k, Label: i18n.T(ctx, "rpt.kind."+k)})
	}
	return out
}

// weekdayOptions are the days of a weekly run (1 Monday … 7 Sunday).
func weekdayOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for i, d := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
		out = append(out, components.Option{Value: strconv.Itoa(i + 1), Label: i18n.T(ctx, "rpt.weekday."+d)})
	}
	return out
}
