package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// siteRoutes registers module 1: clients, sites, phases, milestones,
// documents, people.
func (h *Handlers) siteRoutes(r *router.Router[*core.RequestEvent]) {
	s := h.module(r, "sites")
	s.GET("/sites", h.sitesList)
	s.GET("/clients", h.clientsList)
	s.POST("/clients", h.clientsCreate)
	s.GET("/sites/new", h.sitesNew)
	s.POST("/sites", h.sitesCreate)
	s.GET("/sites/{id}", h.siteShow("overview"))
	for _, tab := range []string{"phases", "documents", "team", "resources", "incidents", "history"} {
		s.GET("/sites/{id}/"+tab, h.siteShow(tab))
	}
	s.GET("/sites/{id}/costs", h.siteCosts)
	s.GET("/sites/{id}/costs/stream", h.siteCostsStream)
	s.GET("/sites/{id}/log", h.siteShow("log")) // the site's daily log (issue #17)
	s.POST("/sites/{id}/log", h.dailyLogSave)
	s.GET("/sites/{id}/incidents/{iid}", h.officeIncidentShow)
	s.POST("/sites/{id}/incidents/{iid}", h.incidentAction(false, h.incidentUpdate, incidentFields...))
	s.POST("/sites/{id}/incidents/{iid}/close", h.incidentAction(true, h.incidentClose, "resolution"))
	s.POST("/sites/{id}/incidents/{iid}/reopen", h.incidentAction(false, h.incidentReopen))
	s.GET("/sites/{id}/edit", h.sitesEdit)
	s.GET("/sites/{id}/history.json", h.siteAuditExport("json"))
	s.GET("/sites/{id}/history.csv", h.siteAuditExport("csv"))
	s.POST("/sites/{id}/edit", h.sitesUpdate)
	s.POST("/sites/{id}/phases", h.phaseAdd)
	s.POST("/sites/{id}/phases/{pid}", h.phaseUpdate)
	s.POST("/sites/{id}/phases/{pid}/up", h.phaseMove(-1))
	s.POST("/sites/{id}/phases/{pid}/down", h.phaseMove(+1))
	s.POST("/sites/{id}/milestones", h.milestoneAdd)
	s.POST("/sites/{id}/milestones/{mid}/reach", h.milestoneReach)
	s.POST("/sites/{id}/documents", h.documentUpload)
	p := h.module(r, "people")
	p.GET("/people", h.peopleList)
	p.POST("/people/invite", h.peopleInvite)
	p.GET("/people/{id}", h.personShow)
	p.POST("/people/{id}", h.personAction(h.personUpdate))
	p.POST("/people/{id}/skills", h.personAction(h.personAddSkill))
	p.POST("/people/{id}/skills/{skill}/remove", h.personAction(h.personRemoveSkill))
	p.POST("/people/{id}/clearances", h.personAction(h.personAddClearance))
	p.POST("/people/{id}/absences", h.personAction(h.personAddAbsence))
	p.GET("/people/{id}/clearances/{cid}/document", h.clearanceDocument)

	// documents are also opened by crews from the crew app (their sites)
	d := h.module(r, "crew")
	d.GET("/documents/{id}/file", h.documentFile)
}
