package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// resourceRoutes registers module 2: vehicles and GPS ingest, equipment
// and reservations, materials, stock and purchase orders.
func (h *Handlers) resourceRoutes(r *router.Router[*core.RequestEvent]) {}
