package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/public"
)

func (h *Handlers) platformHome(e *core.RequestEvent) error {
	n, err := tenants.CountTenantRecords(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, public.PlatformHome(public.PlatformHomeVM{
		Page: h.basePage(i18n.T(e.Request.Context(), "platform.title")), Tenants: n, Version: h.deps.Version,
	}))
	return nil
}

func (h *Handlers) assetsServe(e *core.RequestEvent) error {
	h.assets.ServeHTTP(e.Response, e.Request)
	return nil
}
