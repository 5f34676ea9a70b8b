package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// auditRows loads platform audit events (newest first), optionally of
// one tenant.
func (h *Handlers) auditRows(e *core.RequestEvent, slug string, limit int) ([]portal.AuditRowVM, error) {
	recs, err := tenants.FindPlatformAudit(e.App, slug, limit)
	if err != nil {
		return nil, err
	}
	out := make([]portal.AuditRowVM, 0, len(recs))
	for _, r := range recs {
		detail, _ := json.Marshal(r.Detail())
		d := string(detail)
		if d == "null" {
			d = ""
		}
		out = append(out, portal.AuditRowVM{
			At: i18n.FormatDateTime(e.Request.Context(), r.At()), Actor: r.Actor(),
			Action: r.Action(), Tenant: r.Tenant(), Detail: d,
		})
	}
	return out, nil
}

func (h *Handlers) tenantVM(e *core.RequestEvent, slug string) (portal.TenantVM, error) {
	ctx := e.Request.Context()
	info, err := h.deps.Registry.Get(slug)
	if err != nil {
		return portal.TenantVM{}, err
	}
	events, err := h.auditRows(e, slug, 50)
	if err != nil {
		return portal.TenantVM{}, err
	}
	shell := h.portalShell(e, "tenants", info.Name)
	shell.Toasts = h.flashToasts(e)
	if q := e.Request.URL.Query(); q.Get("toast") == "sector" && domain.ValidSector(q.Get("sector")) {
		added, _ := strconv.Atoi(q.Get("added"))
		label := i18n.T(ctx, "sector."+q.Get("sector"))
		text := i18n.T(ctx, "settings.sector_nothing", label)
		if added > 0 {
			text = i18n.T(ctx, "settings.sector_added", label, added)
		}
		shell.Toasts = append(shell.Toasts, components.ToastVM{ID: "toast-sector", Kind: "success", Text: text})
	}
	vm := portal.TenantVM{
		Shell: shell, Row: h.tenantRowVM(ctx, info), AdminEmail: info.AdminEmail,
		Created: i18n.FormatDateTime(ctx, info.Created), Events: events,
	}
	if info.Status != tenants.StatusDeleted {
		if vm.Licence, err = h.licenceVM(ctx, info); err != nil {
			return vm, err
		}
	}
	if vm.Exports, err = h.exportsVM(e, slug); err != nil {
		return vm, err
	}
	if vm.Usage, err = h.usageVM(ctx, slug); err != nil {
		return vm, err
	}
	if vm.Shard, err = h.tenantShardVM(ctx, info); err != nil {
		return vm, err
	}
	// NB: a control plane holds no tenant data (its shard does)
	if info.Status == tenants.StatusActive && h.deps.Registry.Role() != tenants.RoleControl {
		packs, err := h.deps.Registry.SectorPacks(ctx, slug)
		if err != nil {
			return vm, err
		}
		for _, p := range packs {
			vm.Sectors = append(vm.Sectors, portal.SectorVM{Code: p.Sector, Label: i18n.T(ctx, "sector."+p.Sector), Primary: p.Primary,
				Enabled: p.Enabled, WorkTypes: p.WorkTypes, Missing: p.Missing.Added()})
		}
	}
	a, pub, err := h.deps.Registry.LatestAnchor(slug)
	if err != nil {
		return vm, err
	}
	if a != nil {
		vm.Anchor = &portal.AnchorVM{Seq: a.Seq, Hash: a.Hash, At: i18n.FormatDateTime(ctx, a.At), Kind: a.Kind, SignatureIsValid: a.Valid(pub)}
	}
	return vm, nil
}

// portalTenant shows one tenant and its actions.
func (h *Handlers) portalTenant(e *core.RequestEvent) error {
	vm, err := h.tenantVM(e, e.Request.PathValue("slug"))
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, portal.TenantPage(vm))
	return nil
}

// portalSetStatus suspends or resumes a tenant.
func (h *Handlers) portalSetStatus(status string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		slug := e.Request.PathValue("slug")
		if _, err := h.deps.Registry.SetStatus(slug, status, e.Auth.Email()); err != nil {
			return h.fail(e, err)
		}
		return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug)
	}
}

// portalDelete exports then deletes a tenant once its slug was typed.
func (h *Handlers) portalDelete(e *core.RequestEvent) error {
	slug := e.Request.PathValue("slug")
	if strings.TrimSpace(e.Request.FormValue("confirm")) != slug {
		vm, err := h.tenantVM(e, slug)
		if err != nil {
			return h.fail(e, err)
		}
		vm.DeleteError = i18n.T(e.Request.Context(), "portal.delete_mismatch", slug)
		render(e.Response, e.Request, http.StatusBadRequest, portal.TenantPage(vm))
		return nil
	}
	if _, err := h.deps.Registry.DeleteTenant(slug, "", e.Auth.Email()); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug)
}

// portalAudit lists the platform audit log.
func (h *Handlers) portalAudit(e *core.RequestEvent) error {
	events, err := h.auditRows(e, "", 500)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, portal.AuditPage(portal.AuditVM{
		Shell: h.portalShell(e, "audit", i18n.T(e.Request.Context(), "portal.nav.audit")), Events: events,
	}))
	return nil
}

// portalDrill runs a restore drill of the tenant now (replicated copy
// restored into a scratch directory and integrity-checked).
func (h *Handlers) portalDrill(e *core.RequestEvent) error {
	slug := e.Request.PathValue("slug")
	src := h.deps.Replication
	if src == nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	res, err := src.RunDrill(e.Request.Context(), slug)
	if err != nil || !res.OK {
		return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug+"?toast=drill_failed")
	}
	return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug+"?toast=drill_ok")
}
