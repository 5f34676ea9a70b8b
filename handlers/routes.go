package handlers

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/assets"
)

// TenantRoutes registers the routes of a tenant app (the PocketBase API
// and dashboard are already on the router).
func (h *Handlers) TenantRoutes(se *core.ServeEvent) error {
	r := se.Router
	r.GET(assets.Prefix+"{path...}", h.assetsServe)
	r.GET("/{$}", h.tenantHome)
	return se.Next()
}

// PlatformRoutes registers the routes of the control-plane app.
func (h *Handlers) PlatformRoutes(se *core.ServeEvent) error {
	r := se.Router
	r.GET(assets.Prefix+"{path...}", h.assetsServe)
	r.GET("/{$}", h.platformHome)
	return se.Next()
}
