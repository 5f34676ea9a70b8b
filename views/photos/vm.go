// Package photos holds the proof photo pages: the crew's upload form and
// gallery (/m/photos) and the office's site gallery. View models are
// built by the handlers; views never query nor decide permissions.
package photos

import (
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/layouts"
)

// PhotoVM is one photo of a gallery. Pending is true while the worker has
// not written the derived image yet.
type PhotoVM struct {
	ID       string
	When     string
	Site     string
	Author   string
	Caption  string
	Hash     string
	Pending  bool
	Thumb    string
	Derived  string
	Original string
}

// NewPhotoVM builds a gallery line; the URLs go through the tenant
// session (never the public file API).
func NewPhotoVM(id, when, site, author, caption, hash string, pending bool) PhotoVM {
	base := "/photos/" + id
	return PhotoVM{ID: id, When: when, Site: site, Author: author, Caption: caption, Hash: hash, Pending: pending,
		Thumb: base + "/thumb", Derived: base + "/derived", Original: base + "/original"}
}

// CrewVM is the crew's photos page: upload form and gallery.
type CrewVM struct {
	Shell  layouts.ShellVM
	CSS    string
	JS     string
	Form   components.Form
	Sites  []components.Option
	Site   string // the site whose gallery is shown, blank for "my photos"
	Photos []PhotoVM
}

// SiteVM is the office's gallery of one site.
type SiteVM struct {
	Shell  layouts.ShellVM
	SiteID string
	Title  string
	Photos []PhotoVM
}
