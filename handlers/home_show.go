package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/public"
)

func (h *Handlers) tenantHome(e *core.RequestEvent) error {
	company, err := domain.FindCompany(e.App)
	if err != nil {
		return err
	}
	render(e.Response, e.Request, http.StatusOK, public.TenantHome(public.TenantHomeVM{
		Page:    h.page(company.Name(), company.Name()),
		Company: company.Name(),
		Sector:  domain.SectorLabel(company.Sector()),
	}))
	return nil
}

func (h *Handlers) platformHome(e *core.RequestEvent) error {
	n, err := e.App.CountRecords("tenants")
	if err != nil {
		return err
	}
	render(e.Response, e.Request, http.StatusOK, public.PlatformHome(public.PlatformHomeVM{
		Page: h.page("Plateforme", ""), Tenants: int(n), Version: h.deps.Version,
	}))
	return nil
}

func (h *Handlers) assetsServe(e *core.RequestEvent) error {
	h.assets.ServeHTTP(e.Response, e.Request)
	return nil
}
