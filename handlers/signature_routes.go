package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// signatureRoutes registers signature capture and evidence (crew app;
// every signed-in user who may see the job's site).
func (h *Handlers) signatureRoutes(r *router.Router[*core.RequestEvent]) {
	g := h.module(r, "crew")
	g.GET("/m/tasks/{id}/sign", h.signShow)
	g.POST("/m/tasks/{id}/sign", h.signSubmit)
	g.GET("/signatures/{id}", h.signatureEvidence(false))
	g.GET("/signatures/{id}/evidence.json", h.signatureEvidence(true))
	g.GET("/signatures/{id}/image", h.signatureImage)
	g.GET("/tasks/{id}/proof.pdf", h.proofPDF)
}
