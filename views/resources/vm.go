// Package resources holds the pages of module 2: vehicles and their map,
// equipment with QR labels and reservations, materials, stock and
// purchase orders, and the crew's consumption form. View models are built
// by the handlers; views never query and never decide permissions.
package resources

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// Assets are the extra static files of the module's pages.
type Assets struct {
	CSS        string // resources.css
	LeafletJS  string
	LeafletCSS string
}

// PageVM is what every page of the module shares.
type PageVM struct {
	Shell  layouts.ShellVM
	Assets Assets
	// Permissions, decided by the handler from domain.ResourceAccess.
	CanEdit bool // registers: vehicles, equipment, catalogue, orders
	CanDay  bool // day-to-day: assignments, reservations, moves, stock
}

// RowVM is a generic list line with a link and a status badge.
type RowVM struct {
	ID          string
	Href        string
	Cells       []string
	Status      string // message key suffix (res.status.<…>)
	StatusKind  string // badge kind
	Extra       string // secondary badge text (e.g. low stock)
	ExtraKind   string
	ExtraTestID string
}

// BookingVM is one reservation or assignment line.
type BookingVM struct {
	ID     string
	Period string
	For    string
	Note   string
	Asset  string // for lists across assets
	Href   string
}

// MaintenanceVM is one maintenance line.
type MaintenanceVM struct {
	ID        string
	Label     string
	Due       string
	State     string // ok, due_soon, overdue, done
	StateKind string
	DoneAt    string
	Cost      string
}

// MaintenanceBlockVM is the maintenance section of an asset page.
type MaintenanceBlockVM struct {
	Action    string // POST URL of the schedule form
	DoneURL   string // prefix of the complete action: DoneURL + id
	ForKm     bool
	Planned   []MaintenanceVM
	History   []MaintenanceVM
	Form      components.Form
	CanEdit   bool
	Odometer  string
	DoneToday string
}

// ListVM is a list page (vehicles, equipment, materials, orders).
type ListVM struct {
	Page     PageVM
	Query    string
	Status   string
	Statuses []components.Option
	Rows     []RowVM
	Columns  []string
	Form     components.Form
	// Options for inline forms.
	Options map[string][]components.Option
	Badge   int // low-stock count, due maintenance…
	Extra   []RowVM
}
