package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// humanBytes formats a size for the portal (Kio/Mio, French units).
func humanBytes(ctx context.Context, n int64) string {
	switch {
	case n <= 0:
		return "—"
	case n < 1024:
		return i18n.FormatNumber(ctx, float64(n), 0) + " " + i18n.T(ctx, "unit.b")
	case n < 1<<20:
		return i18n.FormatNumber(ctx, float64(n)/1024, 0) + " " + i18n.T(ctx, "unit.kib")
	default:
		return i18n.FormatNumber(ctx, float64(n)/(1<<20), 1) + " " + i18n.T(ctx, "unit.mib")
	}
}

// tenantRowVM builds a table row with the tenant's usage.
func (h *Handlers) tenantRowVM(ctx context.Context, t tenants.Info) portal.TenantRowVM {
	row := portal.TenantRowVM{Slug: t.Slug, Name: t.Name, Sector: t.Sector, Status: t.Status, Plan: t.Plan,
		URL: t.URL, DBSize: humanBytes(ctx, t.DBBytes), Users: "—", LastActivity: "—"}
	if t.Status != tenants.StatusDeleted {
		if u, err := h.deps.Registry.TenantUsage(ctx, t.Slug); err == nil {
			row.Users = fmt.Sprintf("%d / %d", u.ActiveUsers, u.Users)
			row.LastActivity = i18n.FormatDateTime(ctx, u.LastActivity)
		}
	}
	return row
}

func createFormOptions(ctx context.Context, f *portal.CreateFormVM) {
	for _, s := range []string{domain.SectorBTP, domain.SectorElec, domain.SectorTP} {
		f.Sectors = append(f.Sectors, components.Option{Value: s, Label: i18n.T(ctx, "sector."+s)})
	}
	for _, p := range []string{tenants.PlanStarter, tenants.PlanPro, tenants.PlanEnterprise} {
		f.Plans = append(f.Plans, components.Option{Value: p, Label: p})
	}
}

// newTenantsVM builds the portal home.
func (h *Handlers) newTenantsVM(e *core.RequestEvent, form portal.CreateFormVM) (portal.TenantsVM, error) {
	ctx := e.Request.Context()
	list, err := h.deps.Registry.List()
	if err != nil {
		return portal.TenantsVM{}, err
	}
	vm := portal.TenantsVM{Shell: h.portalShell(e, "tenants", i18n.T(ctx, "portal.tenants")), Form: form}
	createFormOptions(ctx, &vm.Form)
	for _, t := range list {
		vm.Rows = append(vm.Rows, h.tenantRowVM(ctx, t))
	}
	return vm, nil
}

// portalTenants lists tenants with status, usage and the create form.
func (h *Handlers) portalTenants(e *core.RequestEvent) error {
	vm, err := h.newTenantsVM(e, portal.CreateFormVM{Sector: domain.SectorBTP, Plan: tenants.PlanStarter})
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, portal.TenantsPage(vm))
	return nil
}
