package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// planningRoutes registers module 3: the schedule API, the per-site
// Gantt (page, live stream, moves, tasks and links) and the multi-site
// planning. Who may change a site's plan is decided per site by the
// domain (CanEditSiteDay); the site routes only need the sites module.
func (h *Handlers) planningRoutes(r *router.Router[*core.RequestEvent]) {
	// NB: no page guard: the API answers 401/404 as JSON itself.
	r.GET("/api/fieldops/sites/{siteId}/schedule", h.scheduleAPI)

	s := h.module(r, "sites")
	s.GET("/sites/{id}/gantt", h.ganttShow)
	s.GET("/sites/{id}/gantt/stream", h.ganttStream)
	s.POST("/sites/{id}/tasks", h.ganttTaskAdd)
	s.POST("/sites/{id}/tasks/{tid}/dates", h.ganttMove)
	s.GET("/sites/{id}/tasks/new", h.taskNew)
	s.POST("/sites/{id}/tasks/new", h.taskSave)
	s.GET("/sites/{id}/tasks/{tid}/edit", h.taskEdit)
	s.POST("/sites/{id}/tasks/{tid}", h.taskSave)
	s.POST("/sites/{id}/tasks/{tid}/rename", h.taskRename)
	s.POST("/sites/{id}/tasks/{tid}/delete", h.taskDelete)
	s.GET("/sites/{id}/tasks/{tid}/urgent", h.urgentShow)
	s.POST("/sites/{id}/tasks/{tid}/urgent", h.urgentDeclare)
	h.module(r, "today").POST("/today/validate", h.tasksValidate)
	s.POST("/sites/{id}/links", h.ganttLinkAdd)
	s.POST("/sites/{id}/links/{lid}/delete", h.ganttLinkDelete)
	s.POST("/sites/{id}/baselines", h.ganttBaselineSave)
	s.POST("/sites/{id}/baselines/{bid}/delete", h.ganttBaselineDelete)
}
