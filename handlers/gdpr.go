package handlers

import (
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/gdpr"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// gdprPersonVM builds a person's GDPR page.
func (h *Handlers) gdprPersonVM(e *core.RequestEvent, u domain.User, confirmErr string) (gdpr.PersonVM, error) {
	ctx := e.Request.Context()
	counts, err := domain.PersonSummary(e.App, u)
	if err != nil {
		return gdpr.PersonVM{}, err
	}
	shell := h.shell(e, "users", i18n.T(ctx, "gdpr.title", u.Name()),
		layouts.Crumb{Label: i18n.T(ctx, "users.title"), Href: "/users"}, layouts.Crumb{Label: u.Name()})
	vm := gdpr.PersonVM{Shell: shell, ID: u.Id, Name: u.Name(), Email: u.Email(), Erased: domain.IsErased(u),
		Self: u.Id == e.Auth.Id, ConfirmError: confirmErr}
	for col, n := range counts {
		vm.Counts = append(vm.Counts, gdpr.CountVM{Label: i18n.T(ctx, "gdpr.col."+col), N: n})
	}
	sort.Slice(vm.Counts, func(i, j int) bool { return vm.Counts[i].Label < vm.Counts[j].Label })
	return vm, nil
}

// gdprPerson is GET /users/{id}/gdpr: what the tenant holds about a
// person, their export and erasure.
func (h *Handlers) gdprPerson(e *core.RequestEvent) error {
	u, err := h.gdprSubject(e)
	if err != nil {
		return h.fail(e, err)
	}
	vm, err := h.gdprPersonVM(e, u, "")
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, gdpr.PersonPage(vm))
	return nil
}

// gdprSubject is the person of the path, for a tenant admin only.
func (h *Handlers) gdprSubject(e *core.RequestEvent) (domain.User, error) {
	if !domain.CanManageGDPR(e.Auth) {
		return domain.User{}, domain.Errorf(domain.EForbidden, "err.gdpr.admin_only")
	}
	return domain.FindGDPRSubject(e.App, e.Request.PathValue("id"))
}

// gdprExport is POST /users/{id}/gdpr/export: the person's data as a
// zip download (audited by the domain). The archive is built in a
// temporary file first, so that a failure is an error page, not a
// truncated download.
func (h *Handlers) gdprExport(e *core.RequestEvent) error {
	u, err := h.gdprSubject(e)
	if err != nil {
		return h.fail(e, err)
	}
	f, err := os.CreateTemp("", "gdpr-*.zip")
	if err != nil {
		return h.fail(e, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := domain.ExportPerson(e.App, e.Auth, u, f); err != nil {
		return h.fail(e, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Type", "application/zip")
	e.Response.Header().Set("Content-Disposition", `attachment; filename="rgpd-`+u.Id+`.zip"`)
	_, err = io.Copy(e.Response, f)
	return err
}

// gdprErase is POST /users/{id}/gdpr/erase: the person's e-mail must be
// typed to confirm; the erasure is then anchored at once so that the
// chain verifies with its redactions.
func (h *Handlers) gdprErase(e *core.RequestEvent) error {
	u, err := h.gdprSubject(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !strings.EqualFold(strings.TrimSpace(e.Request.FormValue("confirm")), u.Email()) {
		vm, err := h.gdprPersonVM(e, u, i18n.T(e.Request.Context(), "err.gdpr.confirm", u.Email()))
		if err != nil {
			return h.fail(e, err)
		}
		render(e.Response, e.Request, http.StatusBadRequest, gdpr.PersonPage(vm))
		return nil
	}
	if _, err := domain.ErasePerson(e.App, e.Auth, u); err != nil {
		return h.fail(e, err)
	}
	if h.deps.Registry != nil {
		h.deps.Registry.AnchorPending(tenantSlug(e.Request))
	}
	return e.Redirect(http.StatusSeeOther, "/users/"+u.Id+"/gdpr")
}
