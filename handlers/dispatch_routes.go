package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// dispatchRoutes registers the dispatch board and auto-assignment (module 3, items 4–5).
// Office roles and site leads open the board; who may assign a given task
// is decided per site by the domain (CanEditSiteDay), who may override a
// blocking conflict by domain.CanOverride.
func (h *Handlers) dispatchRoutes(r *router.Router[*core.RequestEvent]) {
	d := h.module(r, "dispatch")
	d.GET("/dispatch", h.dispatchShow)
	d.GET("/dispatch/stream", h.dispatchStream)
	d.GET("/dispatch/check", h.dispatchCheck)
	d.POST("/dispatch/assign", h.dispatchAssign)
	d.POST("/dispatch/unassign", h.dispatchUnassign)
	d.GET("/dispatch/suggest", h.dispatchSuggest)
	d.POST("/dispatch/accept", h.dispatchAccept)
	d.GET("/tasks/{id}/assign", h.assignShow)
}
