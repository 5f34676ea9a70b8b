package tenants

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// PlatformHandler returns the control-plane app's handler (PocketBase API,
// dashboard at /_/ and the platform routes), built on first use.
func (r *Registry) PlatformHandler() http.Handler {
	r.platformOnce.Do(func() {
		h, err := buildHandler(r.platform, r.routes.PlatformRoutes)
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

// Ready reports whether the process can serve: the control-plane database
// takes a write lock (the disk is writable and not locked up). Later
// checks (replication child alive) are added here.
func (r *Registry) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	db, ok := r.platform.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return errors.New("platform database unavailable")
	}
	conn, err := db.DB().Conn(ctx)
	if err != nil {
		return fmt.Errorf("platform database: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("platform database not writable: %w", err)
	}
	if _, err = conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		return err
	}
	for _, check := range r.cfg.ReadyChecks {
		if err := check(ctx); err != nil {
			return err
		}
	}
	return nil
}
