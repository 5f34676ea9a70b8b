package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"

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
	row.Replication = h.replicationVM(ctx, t.Slug)
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
	vm := portal.TenantsVM{Shell: h.portalShell(e, "tenants", i18n.T(ctx, "portal.tenants")), Form: form, ReplicationOff: h.deps.Replication == nil}
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

// replicationVM summarises a database's replication for the portal.
func (h *Handlers) replicationVM(ctx context.Context, db string) portal.ReplicationVM {
	src := h.deps.Replication
	if src == nil {
		return portal.ReplicationVM{Off: true}
	}
	d := src.Status().DB(db)
	if d == nil {
		return portal.ReplicationVM{Level: "neutral", Summary: i18n.T(ctx, "portal.repl.unknown")}
	}
	vm := portal.ReplicationVM{Level: "ok", Summary: i18n.T(ctx, "portal.repl.in_sync")}
	switch {
	case d.Conflict != "":
		vm.Level, vm.Summary = "danger", i18n.T(ctx, "portal.repl.refused")
	case d.Drill != nil && !d.Drill.OK:
		vm.Level, vm.Summary = "danger", i18n.T(ctx, "portal.repl.unrestorable")
	case d.LastError != "" && d.LagSeconds > 0:
		vm.Level, vm.Summary = "danger", i18n.T(ctx, "portal.repl.error", i18n.FormatNumber(ctx, d.LagSeconds, 0))
	case d.LagSeconds > 0:
		vm.Level, vm.Summary = "warning", i18n.T(ctx, "portal.repl.lag", i18n.FormatNumber(ctx, d.LagSeconds, 0))
	}
	if d.LastSync != nil {
		vm.Detail = i18n.T(ctx, "portal.repl.last_sync", i18n.FormatDateTime(ctx, *d.LastSync))
	}
	if d.LastSnapshot != nil {
		vm.Detail += " · " + i18n.T(ctx, "portal.repl.last_snapshot", i18n.FormatDateTime(ctx, *d.LastSnapshot))
	}
	switch {
	case d.Conflict != "":
		vm.Detail += " · " + i18n.T(ctx, "portal.repl.refused_detail") + " " + d.Conflict
	case d.Drill != nil && !d.Drill.OK:
		vm.Detail += " · " + d.Drill.Error
	case d.LastError != "":
		vm.Detail += " · " + d.LastError
	}
	vm.Detail = strings.TrimPrefix(vm.Detail, " · ")
	if d.Drill != nil {
		vm.DrillOK = d.Drill.OK
		key := "portal.repl.drill_ok"
		if !d.Drill.OK {
			key = "portal.repl.drill_failed"
		}
		vm.Drill = i18n.T(ctx, key, i18n.FormatDate(ctx, d.Drill.At))
	}
	return vm
}
