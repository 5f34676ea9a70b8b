package handlers

import (
	"github.com/pocketbase/pocketbase/core"
)

// Security headers of the routes that are not our pages (securityHeaders
// sets the pages'): PocketBase's dashboard and the files of records.
const (
	// dashboardCSP is PocketBase's own policy for its dashboard without
	// its development sources (http://127.0.0.1:*), framing refused.
	dashboardCSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https://tile.openstreetmap.org data: blob:; " +
		"connect-src 'self' https://nominatim.openstreetmap.org; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
	// fileCSP is PocketBase's policy for served files (nothing runs, the
	// document is sandboxed); only our own pages may frame them (previews).
	fileCSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
)

// dashboardHeaders are the headers of PocketBase's dashboard (/_/).
func dashboardHeaders(e *core.RequestEvent) {
	hdr := e.Response.Header()
	hdr.Set("Content-Security-Policy", dashboardCSP)
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("X-Content-Type-Options", "nosniff")
}

// fileHeaders are the headers of the files of records (/api/files/…).
// NB: PocketBase deletes X-Frame-Options before serving a file (it allows
// embedding anywhere); fileFrameOptions sets it back.
func fileHeaders(e *core.RequestEvent) {
	hdr := e.Response.Header()
	hdr.Set("Content-Security-Policy", fileCSP)
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("X-Content-Type-Options", "nosniff")
}

// fileFrameOptions restores frame protection on a file about to be
// served (app hook OnFileDownloadRequest).
func fileFrameOptions(e *core.FileDownloadRequestEvent) error {
	e.Response.Header().Set("X-Frame-Options", "DENY") // no page of ours frames a file
	return e.Next()
}
