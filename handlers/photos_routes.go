package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// photoRoutes registers the proof photos: the crew's upload page and
// gallery, the files served through the tenant session (never the public
// file API: a photo URL is useless without this tenant's session), and
// the office's site gallery.
func (h *Handlers) photoRoutes(r *router.Router[*core.RequestEvent]) {
	m := h.module(r, "crew")
	m.GET("/m/photos", h.photosShow)
	m.POST("/m/photos", h.photoUpload)
	m.GET("/photos/{id}/derived", h.photoFile(photoDerived))
	m.GET("/photos/{id}/original", h.photoFile(photoOriginal))
	m.GET("/photos/{id}/thumb", h.photoFile(photoThumb))

	h.module(r, "sites").GET("/sites/{id}/photos", h.sitePhotos)
}
