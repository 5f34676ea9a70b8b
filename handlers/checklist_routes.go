package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// checklistRoutes registers the checklist template builder, checklist runs and the crew task detail page.
func (h *Handlers) checklistRoutes(r *router.Router[*core.RequestEvent]) {
}
