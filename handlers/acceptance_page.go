package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

// acceptanceForms are the forms of a report's page with typed-in values
// and errors (zero: empty forms).
type acceptanceForms struct{ reserve, sign, accept components.Form }

// siteAcceptance loads the site and the report of the path (404 when the
// report is another site's).
func (h *Handlers) siteAcceptance(e *core.RequestEvent) (domain.Site, domain.Acceptance, error) {
	s, err := h.viewSite(e)
	if err != nil {
		return s, domain.Acceptance{}, err
	}
	a, err := domain.SiteAcceptance(e.App, s.Id, e.Request.PathValue("aid"))
	return s, a, err
}

// acceptanceShow is GET /sites/{id}/acceptance/{aid}: the tablet page.
func (h *Handlers) acceptanceShow(e *core.RequestEvent) error {
	s, a, err := h.siteAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	return h.renderAcceptance(e, s, a, acceptanceForms{}, http.StatusOK)
}

func (h *Handlers) renderAcceptance(e *core.RequestEvent, s domain.Site, a domain.Acceptance, f acceptanceForms, status int) error {
	ctx := e.Request.Context()
	base := "/sites/" + s.Id + "/acceptance/" + a.Id
	vm, err := h.acceptanceVM(e, s, a, base, false, f)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "acceptance.report")
	vm.Shell = h.shell(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"},
		layouts.Crumb{Label: s.Code(), Href: "/sites/" + s.Id}, layouts.Crumb{Label: i18n.T(ctx, "acceptance.title"), Href: "/sites/" + s.Id + "/acceptance"},
		layouts.Crumb{Label: title})
	if key := e.Request.URL.Query().Get("toast"); strings.HasPrefix(key, "acceptance_") {
		vm.Shell.Toasts = []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(ctx, "acceptance.toast."+strings.TrimPrefix(key, "acceptance_"))}}
	}
	render(e.Response, e.Request, status, sites.AcceptancePage(vm))
	return nil
}

// acceptanceVM is a report's page content; client is the portal's page
// (base is its URL there).
func (h *Handlers) acceptanceVM(e *core.RequestEvent, s domain.Site, a domain.Acceptance, base string, client bool, f acceptanceForms) (sites.AcceptanceVM, error) {
	ctx := e.Request.Context()
	res, err := domain.AcceptanceReservations(e.App, a.Id)
	if err != nil {
		return sites.AcceptanceVM{}, err
	}
	_, hash, err := domain.AcceptanceDocument(e.App, a.Id)
	if err != nil {
		return sites.AcceptanceVM{}, err
	}
	vm := sites.AcceptanceVM{Base: base, SiteName: s.Name(), ID: a.Id, Date: i18n.FormatDate(ctx, a.Date()), Place: a.Place(),
		Lots: strings.Join(domain.AcceptanceLots(a), ", "), Notes: a.Notes(), Status: a.Status(), StatusLabel: acceptanceStatus(e, a.Status(), len(res) > 0),
		Draft: a.Status() == domain.AcceptanceDraft, CanPrepare: !client && domain.CanPrepareAcceptance(e.Auth, s.Record), DocHash: hash, PDFHash: a.PDFSHA256(),
		Consent: domain.AcceptanceConsentFR, LiftConsent: domain.LiftingConsentFR, Form: f.reserve, SignForm: f.sign, AcceptForm: f.accept,
		JS: h.assets.Path("js/acceptance.js"), Client: client}
	for _, p := range domain.AcceptanceAttendees(a) {
		vm.Attendees = append(vm.Attendees, strings.Join(nonBlank(p.Name, p.Company, p.Role), " · "))
	}
	vm.LotOptions = []components.Option{{Value: "", Label: "—"}}
	for _, l := range domain.AcceptanceLots(a) {
		vm.LotOptions = append(vm.LotOptions, components.Option{Value: l, Label: l})
	}
	vm.CompanySigner, vm.ClientSigner = signerName(e.App, a.CompanySignatureID()), signerName(e.App, a.ClientSignatureID())
	unsigned := a.CompanySignatureID() == "" && a.ClientSignatureID() == ""
	for _, r := range res {
		rv := sites.ReservationVM{ID: r.Id, Number: strconv.Itoa(r.Number()), Description: r.Description(), Lot: r.Lot(), Location: r.Location(),
			Where: strings.Join(nonBlank(r.Lot(), r.Location()), " · "), Status: r.Status(), StatusLabel: i18n.T(ctx, "acceptance.reservation."+r.Status()),
			CanRemove: vm.CanPrepare && vm.Draft && unsigned, CanAccept: client && r.Status() == domain.ReservationLifted && !vm.Draft}
		photos, err := domain.AcceptanceReservationPhotos(e.App, r.Id)
		if err != nil {
			return vm, err
		}
		for _, p := range photos {
			rv.Photos = append(rv.Photos, base+"/photos/"+p.Id)
		}
		if r.LiftPhotoID() != "" {
			rv.LiftPhoto = base + "/photos/" + r.LiftPhotoID()
			by := ""
			if u, err := domain.FindUser(e.App, r.LiftedByID()); err == nil {
				by = u.Name()
			}
			rv.Lifted = i18n.T(ctx, "acceptance.lifted_by", i18n.FormatDateTime(ctx, r.LiftedAt()), by)
		}
		if r.AcceptSignatureID() != "" {
			rv.Accepted = i18n.T(ctx, "acceptance.accepted_by", signerName(e.App, r.AcceptSignatureID()), i18n.FormatDateTime(ctx, r.AcceptedAt()))
		}
		vm.Reservations = append(vm.Reservations, rv)
	}
	return vm, nil
}

// signerName is the name on a signature ("" when none).
func signerName(app core.App, id string) string {
	if id == "" {
		return ""
	}
	if s, err := domain.FindSignature(app, id); err == nil {
		return s.SignerName()
	}
	return ""
}

func nonBlank(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
