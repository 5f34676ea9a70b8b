package tenants

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// applyPlatformMail gives a tenant app the platform's SMTP server and
// sender address (tenants never configure SMTP themselves). It changes the
// tenant's in-memory settings only: the platform stays the one source.
func (r *Registry) applyPlatformMail(app core.App) {
	ps := r.platform.Settings()
	ts := app.Settings()
	ts.SMTP = ps.SMTP
	ts.Meta.SenderAddress = ps.Meta.SenderAddress
	if ts.Meta.SenderAddress == "" {
		ts.Meta.SenderAddress = "no-reply@" + r.cfg.Domain
	}
	ts.Meta.SenderName = "FieldOps360"
	if ts.Meta.AppName != "" {
		ts.Meta.SenderName = ts.Meta.AppName + " · FieldOps360"
	}
}

// bindPlatformSettings propagates platform settings changes (SMTP) to the
// open tenants at once.
func (r *Registry) bindPlatformSettings() {
	r.platform.OnSettingsReload().Bind(&hook.Handler[*core.SettingsReloadEvent]{
		Id: "fieldopsPropagateMail",
		Func: func(e *core.SettingsReloadEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			r.mu.Lock()
			open := make([]*Tenant, 0, len(r.open))
			for _, t := range r.open {
				open = append(open, t)
			}
			r.mu.Unlock()
			for _, t := range open {
				r.applyPlatformMail(t.App)
			}
			return nil
		},
	})
}
