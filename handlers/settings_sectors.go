package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/admin"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// settingsSectorsVM fills the settings' sectors section and, after a
// sector was enabled (?pack=<sector>&added=<n>), says what was added.
func (h *Handlers) settingsSectorsVM(e *core.RequestEvent, vm *admin.SettingsVM) {
	ctx := e.Request.Context()
	packs, err := domain.SectorPacks(e.App)
	if err != nil {
		h.deps.Logger.WarnContext(e.Request.Context(), "sector packs", "tenant", tenantSlug(e.Request), "error", err)
		return
	}
	for _, p := range packs {
		vm.Packs = append(vm.Packs, admin.SectorPackVM{Code: p.Sector, Label: i18n.T(ctx, "sector."+p.Sector), Primary: p.Primary,
			Enabled: p.Enabled, WorkTypes: p.WorkTypes, Missing: p.Missing.Added()})
	}
	q := e.Request.URL.Query()
	sector := q.Get("pack")
	if !domain.ValidSector(sector) {
		return
	}
	label := i18n.T(ctx, "sector."+sector)
	toast := components.ToastVM{ID: "toast-sector", Kind: "success", Text: i18n.T(ctx, "settings.sector_nothing", label)}
	if n, _ := strconv.Atoi(q.Get("added")); n > 0 {
		toast.Text = i18n.T(ctx, "settings.sector_added", label, n)
	}
	vm.Shell.Toasts = append(vm.Shell.Toasts, toast)
}

// settingsSectorAdd is POST /settings/sectors: it enables a sector,
// adding the records of its reference-data pack the company lacks (each
// audited in the admin's name); an unknown sector answers 400.
func (h *Handlers) settingsSectorAdd(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.unreadable_form"))
	}
	sector := e.Request.PostForm.Get("sector")
	res, err := domain.EnableSector(e.App, e.Auth, sector)
	if err != nil {
		return h.fail(e, err)
	}
	h.deps.Logger.InfoContext(e.Request.Context(), "sector enabled", "tenant", tenantSlug(e.Request), "sector", sector, "added", res.Added())
	q := url.Values{"pack": {sector}, "added": {strconv.Itoa(res.Added())}}
	return e.Redirect(http.StatusSeeOther, "/settings?"+q.Encode()+"#sectors")
}
