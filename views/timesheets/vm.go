// Package timesheets holds the weekly timesheet page: hours per day per
// person or site team, correction requests and the period close.
// View models are built by the handlers; views never query.
package timesheets

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// RowVM is one person's week.
type RowVM struct {
	UserID  string
	Person  string
	Days    [7]string // hours, localized
	Total   string
	Status  string // open, submitted, approved, rejected
	Flags   []string
	Entries []EntryVM
}

// EntryVM is one time entry of the week.
type EntryVM struct {
	ID        string
	Day       string
	Period    string
	Site      string
	Status    string
	Reason    string
	Correct   bool // the viewer may propose a correction
	ClockIn   string
	ClockOut  string
	Proposals []CorrectionVM
}

// CorrectionVM is a correction request.
type CorrectionVM struct {
	ID     string
	Person string
	Entry  string // day and times of the entry
	Period string // proposed times
	Reason string
	Status string
	Note   string
	Review bool // the viewer may approve or refuse it
}

// PeriodVM is a closed or reopened period.
type PeriodVM struct {
	ID, Label, Kind, Status, Reason string
	Reopen                          bool
}

// PageVM is the weekly timesheet page.
type PageVM struct {
	Shell       layouts.ShellVM
	Form        components.Form
	Week        string // a day of the week, YYYY-MM-DD
	Label       string
	Prev, Next  string // hrefs
	Site, User  string
	Sites       []components.Option
	DayNames    [7]string
	Rows        []RowVM
	DayTotals   [7]string
	Total       string
	Closed      string // label of the closed period holding the week
	CanClose    bool
	Corrections []CorrectionVM
	Periods     []PeriodVM
}
