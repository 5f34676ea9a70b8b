package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// crewRoutes registers module 4 and the crew PWA: the offline sync
// endpoint, the service worker, my time, incidents, and the site lead's
// time approvals and conflict inbox.
func (h *Handlers) crewRoutes(r *router.Router[*core.RequestEvent]) {
	// token or session cookie; answers JSON (401 when anonymous)
	r.POST("/api/fieldops/sync", h.syncApply)
	// public like the manifest: the browser fetches it on its own
	r.GET("/m/sw.js", h.crewServiceWorker)

	m := h.module(r, "crew")
	m.GET("/m/time", h.timeShow)
	m.POST("/m/time/clock-in", h.timeClockIn)
	m.POST("/m/time/clock-out", h.timeClockOut)
	m.GET("/m/incident", h.incidentShow)
	m.POST("/m/incident", h.incidentReport)

	o := h.module(r, "today")
	o.GET("/time-approvals", h.timeApprovals)
	o.POST("/time-approvals/team", h.timeTeamClockIn)
	o.POST("/time-approvals/{id}/approve", h.timeReview(true))
	o.POST("/time-approvals/{id}/reject", h.timeReview(false))
	o.POST("/conflicts/{id}/resolve", h.conflictResolve)
}
