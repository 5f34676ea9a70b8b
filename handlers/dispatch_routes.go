package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// dispatchRoutes registers the dispatch board and auto-assignment (module 3, items 4–5).
func (h *Handlers) dispatchRoutes(r *router.Router[*core.RequestEvent]) {
}
