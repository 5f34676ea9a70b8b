// Package crew holds the pages of module 4 in the crew app (my time,
// incident report) and the office's time approvals and conflict inbox.
// View models are built by the handlers; views never query.
package crew

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// EntryVM is one time entry line.
type EntryVM struct {
	ID      string
	Day     string
	Site    string
	Period  string // 07:30 → 12:00
	Kind    string // on_site, travel
	Status  string // open, submitted, approved, rejected
	Flags   []string
	Person  string
	Reason  string
	Locked  bool
	Pending bool
}

// TimeVM is the crew's "my time" page.
type TimeVM struct {
	Shell   layouts.ShellVM
	CSS     string
	Form    components.Form
	Open    *EntryVM // the entry currently clocked in, if any
	Sites   []components.Option
	Tasks   []components.Option
	Recent  []EntryVM
	ClockIn string // local date-time of the form (no-JS fallback)
	// SwitchOpen shows the clock-in form while an entry is open (a change
	// of site, to confirm), e.g. when that confirmation was missing.
	SwitchOpen bool
}

// IncidentVM is the crew's incident report page.
type IncidentVM struct {
	Shell      layouts.ShellVM
	CSS        string
	Form       components.Form
	Sites      []components.Option
	Kinds      []components.Option
	Severities []components.Option
}

// ConflictVM is one entry of the sync inbox: a conflict or a refusal
// (Kind), who sent what (What, Details), when (At: received; DeviceAt:
// typed on the phone), on which site and why it did not apply.
type ConflictVM struct {
	ID, Kind, Person, What, Site, Reason, At, DeviceAt string
	Details                                            []FactVM
}

// FactVM is one labelled value.
type FactVM struct {
	Label, Value string
}

// ApprovalsVM is the site lead's time approvals page.
type ApprovalsVM struct {
	Shell     layouts.ShellVM
	CSS       string
	Form      components.Form
	Entries   []EntryVM
	Conflicts []ConflictVM
	Sites     []components.Option
	People    []components.Option
}
