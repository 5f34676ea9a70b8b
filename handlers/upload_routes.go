package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// uploadRoutes registers the resumable upload endpoints of the crew app
// (photos and signatures sent in chunks that survive a lost connection).
// Token or session cookie; answers JSON (401 when anonymous), like the
// sync endpoint.
func (h *Handlers) uploadRoutes(r *router.Router[*core.RequestEvent]) {
	r.POST("/api/fieldops/uploads", h.uploadStart)
	r.HEAD("/api/fieldops/uploads/{id}", h.uploadShow)
	r.GET("/api/fieldops/uploads/{id}", h.uploadShow)
	r.PATCH("/api/fieldops/uploads/{id}", h.uploadChunk)
	r.PUT("/api/fieldops/uploads/{id}", h.uploadChunk)
}
