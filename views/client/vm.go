// Package client holds the pages of the client portal (issue #20): what a
// contractor's customer, signed in by a magic link, sees of its sites.
package client

import "github.com/fieldops360/fieldops/views/layouts"

// ShellVM is the frame of every client page: the document, the company
// serving it and the contact signed in.
type ShellVM struct {
	Page    layouts.PageVM
	Company string
	Contact string
}

// SiteCardVM is a site in the client's list.
type SiteCardVM struct {
	ID, Name, Address, Status string
	Dates                     string // "12/01/2026 – 30/06/2026"
	Progress                  int    // %
	ProgressText              string // "12 tâches sur 30 terminées"
	Next                      string // next milestone and its date
}

// HomeVM is /client/: the client's sites.
type HomeVM struct {
	Shell ShellVM
	Sites []SiteCardVM
}

// ItemVM is a line of a list on the site page: a label, a date, an
// optional detail and download link.
type ItemVM struct {
	Label, Date, Detail, Href string
	Done                      bool
}

// AcceptanceVM is a PV de réception listed on the site page (filled by
// the acceptance module).
type AcceptanceVM struct {
	Label, Status, Href string
}

// SiteVM is /client/sites/{id}: the site's progress, planning summary,
// shared documents, photos, weekly reports, proofs, invoices and
// acceptance reports.
type SiteVM struct {
	Shell       ShellVM
	Site        SiteCardVM
	Milestones  []ItemVM
	NextSteps   []ItemVM
	Documents   []ItemVM
	Photos      []ItemVM
	Reports     []ItemVM
	Proofs      []ItemVM
	Invoices    []ItemVM
	Acceptances []AcceptanceVM
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
