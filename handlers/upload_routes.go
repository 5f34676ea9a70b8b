package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// uploadRoutes registers the resumable upload endpoints of the crew app.
func (h *Handlers) uploadRoutes(r *router.Router[*core.RequestEvent]) {
}
