package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// siteRoutes registers module 1: clients, sites, phases, milestones,
// documents, people.
func (h *Handlers) siteRoutes(r *router.Router[*core.RequestEvent]) {}
