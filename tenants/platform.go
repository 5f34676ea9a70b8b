package tenants

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// PlatformHandler returns the control-plane app's handler (PocketBase API,
// dashboard at /_/ and the platform routes), built on first use.
func (r *Registry) PlatformHandler() http.Handler {
	r.platformOnce.Do(func() {
		h, err := buildHandler(r.platform, r.cfg.PlatformRoutes)
		if err != nil {
			r.cfg.Logger.Error("platform router", "error", err)
			h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				r.page(w, req, http.StatusInternalServerError)
			})
		}
		r.handler = h
	})
	return r.handler
}

// PlatformAudit appends an event to the control plane's audit log
// (provisioning, suspension, deletion, restore, impersonation).
func PlatformAudit(app core.App, actor, action, slug string, detail map[string]any) error {
	col, err := app.FindCachedCollectionByNameOrId("platform_audit")
	if err != nil {
		return err
	}
	rec := core.NewRecord(col)
	rec.Load(map[string]any{
		"at": time.Now().UTC(), "actor": actor, "action": action, "tenant": slug, "detail": detail,
	})
	return app.Save(rec)
}
