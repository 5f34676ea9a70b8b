package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// checklistRoutes registers the checklist template builder, checklist runs and the crew task detail page.
func (h *Handlers) checklistRoutes(r *router.Router[*core.RequestEvent]) {
	// template builder: office roles (domain.CanOpen "checklists")
	b := h.module(r, "checklists")
	b.GET("/checklists", h.checklistList)
	b.GET("/checklists/new", h.checklistEdit)
	b.POST("/checklists/new", h.checklistSave)
	b.GET("/checklists/{id}", h.checklistEdit)
	b.POST("/checklists/{id}", h.checklistSave)
	b.POST("/checklists/{id}/delete", h.checklistDelete)

	// a task's run, read-only, for the office and site leads
	h.module(r, "sites").GET("/tasks/{id}/checklist", h.checklistRunShow)

	// crew app task detail (the outbox writes through /api/fieldops/sync)
	m := h.module(r, "crew")
	m.GET("/m/tasks/{id}", h.crewTaskShow)
	m.POST("/m/tasks/{id}/status", h.crewTaskStatus)
	m.POST("/m/tasks/{id}/checklist", h.crewTaskChecklist)
}
