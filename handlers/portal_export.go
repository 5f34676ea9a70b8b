package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/gdpr"
	"github.com/fieldops360/fieldops/views/i18n"
)

// exportsVM is the tenant page's export section: the job under way, the
// last failure and the archives kept.
func (h *Handlers) exportsVM(e *core.RequestEvent, slug string) (gdpr.ExportsVM, error) {
	ctx := e.Request.Context()
	vm := gdpr.ExportsVM{Slug: slug}
	vm.Running, vm.Error = h.deps.Registry.ExportStatus(slug)
	files, err := h.deps.Registry.ExportFiles(slug)
	if err != nil {
		return vm, err
	}
	for _, f := range files {
		vm.Files = append(vm.Files, gdpr.ExportFileVM{Name: f.Name, Size: humanBytes(ctx, f.Bytes),
			At: i18n.FormatDateTime(ctx, f.At), URL: "/portal/tenants/" + slug + "/exports/" + f.Name})
	}
	return vm, nil
}

// portalExportStart is POST /portal/tenants/{slug}/export (super-admins):
// it starts the tenant's full export in the background and goes back to
// the tenant page, which shows its progress and then the archive.
func (h *Handlers) portalExportStart(e *core.RequestEvent) error {
	slug := e.Request.PathValue("slug")
	info, err := h.deps.Registry.Get(slug)
	if err == nil && info.Status == tenants.StatusDeleted {
		err = domain.Errorf(domain.EConflict, "err.gdpr.export_deleted", slug)
	}
	if err == nil {
		err = h.deps.Registry.StartExport(slug, e.Auth.Email())
	}
	if err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug+"#tenant-export")
}

// portalExportDownload is GET /portal/tenants/{slug}/exports/{name}
// (super-admins): one of the tenant's export archives.
func (h *Handlers) portalExportDownload(e *core.RequestEvent) error {
	slug := e.Request.PathValue("slug")
	p, err := h.deps.Registry.ExportFilePath(slug, e.Request.PathValue("name"))
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Type", "application/zip")
	e.Response.Header().Set("Content-Disposition", `attachment; filename="`+e.Request.PathValue("name")+`"`)
	http.ServeFile(e.Response, e.Request, p)
	return nil
}
