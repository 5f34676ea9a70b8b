// Package invoices renders the invoicing pages (issue #18): the invoices
// list, an invoice, a site's contract and the invoicing settings.
package invoices

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// RowVM is one invoice of the list.
type RowVM struct {
	ID, Number, Kind, KindLabel, Status, StatusLabel string
	Site, Client, IssueDate, DueDate                 string
	Incl, Due                                        string
	Late                                             bool
}

// ListVM is the invoices page.
type ListVM struct {
	Shell                     layouts.ShellVM
	Filter                    components.Form
	Statuses, Kinds, Sites    []components.Option
	Rows                      []RowVM
	Count                     int
	TotalExcl, TotalIncl, Due string
	ExportQuery               string
	TMForm                    components.Form
	CanSettings               bool
}

// LineVM is one line of an invoice.
type LineVM struct {
	Position, Designation, Description, Qty, Unit, UnitPrice, Progress, Net, VAT string
}

// PaymentVM is one payment.
type PaymentVM struct{ Date, Amount, Method, Reference string }

// TotalVM is one line of the totals block.
type TotalVM struct {
	Label, Value string
	Strong       bool
}

// ShowVM is an invoice page.
type ShowVM struct {
	Shell                               layouts.ShellVM
	ID, Title, Status, StatusLabel      string
	KindLabel, Site, SiteID, Client     string
	IssueDate, DueDate, Period          string
	Lines                               []LineVM
	Totals                              []TotalVM
	Payments                            []PaymentVM
	Due                                 string
	Draft, Payable, Creditable, Reverse bool
	CreditOf, CreditOfID                string
	// Releasable: an issued invoice with a retention not released yet;
	// Released: the date it was.
	Releasable bool
	Released   string
	Form       components.Form
	Methods    []components.Option
	Today      string
}

// ContractLineVM is one line of a site's contract.
type ContractLineVM struct {
	ID, Lot, Code, Designation, Unit, Qty, UnitPrice, Amount, VAT string
	Progress, Derived, Billed                                     string
	FromTasks, Invoiced                                           bool
}

// ContractVM is a site's contract page.
type ContractVM struct {
	Shell            layouts.ShellVM
	SiteID, SiteName string
	Lines            []ContractLineVM
	Total, Billed    string
	Form             components.Form
	Month            string
	ClientName       string
	HasClient        bool
	Drafts           []RowVM
	// CanEdit: the user edits the lines and their progress
	// (domain.CanEditSite: the site's project manager, managers).
	CanEdit bool
	// Tasks: the site's tasks (label: title and the line it advances)
	// and LineOptions the lines, for the task link form.
	Tasks, LineOptions []components.Option
}

// SettingsVM is the invoicing settings page.
type SettingsVM struct {
	Shell layouts.ShellVM
	Legal components.Form
	Rates components.Form
	Roles []components.Option // value: role, label: its name
	// Prices: the materials' sale prices (value: material id, label: its
	// name and unit); their form's values are "price_<id>".
	Prices components.Form
	Items  []components.Option
}
