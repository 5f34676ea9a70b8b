package handlers

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/pdf"
	"github.com/fieldops360/fieldops/views/components"
)

// acceptanceReserve is POST …/reservations (multipart): a reservation
// with its photos on a draft report; bad input comes back on the form.
func (h *Handlers) acceptanceReserve(e *core.RequestEvent) error {
	s, a, err := h.siteAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	v := formValues(e, "description", "lot", "location")
	files, _ := e.FindUploadedFiles("photos")
	var photos []*filesystem.File
	for _, f := range files {
		if f.Size == 0 {
			continue
		}
		if err := checkPhotoFormat(f); err != nil {
			return h.acceptanceFormErr(e, s, a, v, err, "photos")
		}
		photos = append(photos, f)
	}
	r, err := domain.AddAcceptanceReservation(e.App, e.Auth, s.Id, a.Id, domain.PunchInput{Description: v["description"], Lot: v["lot"],
		Location: v["location"], Photos: photos, Fix: crewFix(e, "")}, h.deps.Clock())
	if err != nil {
		return h.acceptanceFormErr(e, s, a, v, err, "")
	}
	// the reservation's photos get their watermarked proof image as every
	// uploaded photo does (the worker starts once they are committed)
	recs, err := domain.AcceptanceReservationPhotos(e.App, r.Id)
	if err != nil {
		return h.fail(e, err)
	}
	for _, p := range recs {
		go h.photoWorker(e.App, tenantSlug(e.Request), p.Id, domain.PhotoJobOf(e.App, p))
	}
	return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/acceptance/"+a.Id+"?toast=acceptance_reserved")
}

// acceptanceFormErr shows the reservation form again with its error (or
// the error page when it is not the form's).
func (h *Handlers) acceptanceFormErr(e *core.RequestEvent, s domain.Site, a domain.Acceptance, v map[string]string, err error, field string) error {
	errs, status, ok := formErrors(e.Request.Context(), err)
	if !ok {
		return h.fail(e, err)
	}
	if field != "" && errs["file"] != "" {
		errs[field] = errs["file"]
	}
	return h.renderAcceptance(e, s, a, acceptanceForms{reserve: components.Form{Values: v, Errors: errs}}, status)
}

// acceptanceUnreserve is POST …/reservations/{rid}/remove (draft only).
func (h *Handlers) acceptanceUnreserve(e *core.RequestEvent) error {
	s, a, err := h.siteAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	if err := domain.RemoveAcceptanceReservation(e.App, e.Auth, s.Id, a.Id, e.Request.PathValue("rid")); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/acceptance/"+a.Id+"?toast=acceptance_removed")
}

// acceptanceSign is POST …/sign: the signatures given on the tablet (the
// company's representative's, the client's, or both).
func (h *Handlers) acceptanceSign(e *core.RequestEvent) error {
	s, a, err := h.siteAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !domain.CanPrepareAcceptance(e.Auth, s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	v, sigs, errs := signatureForm(e, domain.PartyCompany, domain.PartyClient)
	if len(errs) == 0 {
		_, err = domain.SignAcceptance(e.App, e.Auth, s.Id, a.Id, sigs[domain.PartyCompany], sigs[domain.PartyClient], h.acceptanceRenderer(e), h.deps.Clock())
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/acceptance/"+a.Id+"?toast=acceptance_signed")
		}
		if !signErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	return h.renderAcceptance(e, s, a, acceptanceForms{sign: components.Form{Values: v, Errors: errs}}, http.StatusBadRequest)
}

// signatureForm reads the signature pads of parties: a party with neither
// a name nor a drawing is left out; one with only one of them is an error
// on its field; none at all is an error on the first pad.
func signatureForm(e *core.RequestEvent, parties ...string) (map[string]string, map[string]*domain.SignatureInput, map[string]string) {
	ctx := e.Request.Context()
	msg := func(field, key string) string { return answerOf(ctx, domain.FieldError(field, key)).Message }
	v, sigs, errs := map[string]string{}, map[string]*domain.SignatureInput{}, map[string]string{}
	consent := domain.ConsentGiven(e.Request.FormValue("consent"))
	fix := crewFix(e, "")
	for _, p := range parties {
		name := strings.TrimSpace(e.Request.FormValue(p + "_name"))
		png, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(e.Request.FormValue(p+"_signature"), "data:image/png;base64,"))
		v[p+"_name"] = name
		switch {
		case name == "" && len(png) == 0:
			continue
		case name == "":
			errs[p+"_name"] = msg("signer_name", "err.signature.signer_name")
		case len(png) == 0:
			errs[p+"_signature"] = msg("signature", "err.signature.sign_in_box")
		}
		sigs[p] = &domain.SignatureInput{SignerName: name, Consent: consent, PNG: png, Fix: &fix}
	}
	switch {
	case len(sigs) == 0:
		errs[parties[0]+"_signature"] = msg("signature", "err.signature.sign_in_box")
	case !consent && len(errs) == 0:
		errs["consent"] = msg("consent", "err.signature.consent")
	}
	return v, sigs, errs
}

// signErr puts a refused signature's field error on the form: the
// signer's and image's errors (the pads were checked first) on the whole
// form, consent on its box.
func signErr(e *core.RequestEvent, err error, errs map[string]string) bool {
	if !fieldErr(e, err, errs) {
		return false
	}
	for _, f := range []string{"signer_name", "signer_role", "signature"} {
		if m, ok := errs[f]; ok {
			delete(errs, f)
			errs[components.WholeForm] = m
		}
	}
	return true
}

// acceptanceRenderer renders the signed report's PDF in the tenant's
// time zone.
func (h *Handlers) acceptanceRenderer(e *core.RequestEvent) domain.AcceptanceRenderer {
	tz := tenantCtx(e).Location()
	return func(app core.App, id string) ([]byte, error) {
		return pdf.AcceptanceReport(app, id, h.deps.Clock(), tz)
	}
}

// acceptancePDF serves the signed report's sealed PDF (404 before both
// parties signed) or, state, the current état des réserves.
func (h *Handlers) acceptancePDF(state bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		_, a, err := h.siteAcceptance(e)
		if err != nil {
			return h.fail(e, err)
		}
		return h.serveAcceptancePDF(e, a, state)
	}
}

func (h *Handlers) serveAcceptancePDF(e *core.RequestEvent, a domain.Acceptance, state bool) error {
	e.Response.Header().Set("Cache-Control", "private, no-store")
	if !state {
		if a.PDF() == "" {
			return h.errorPage(e, http.StatusNotFound)
		}
		fsys, err := e.App.NewFilesystem()
		if err != nil {
			return h.fail(e, err)
		}
		defer fsys.Close()
		return fsys.Serve(e.Response, e.Request, a.BaseFilesPath()+"/"+a.PDF(), "pv-reception-"+a.Id+".pdf")
	}
	b, err := pdf.ReservationsState(e.App, a.Id, h.deps.Clock(), tenantCtx(e).Location())
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Type", "application/pdf")
	e.Response.Header().Set("Content-Disposition", "inline; filename=etat-des-reserves-"+a.Id+".pdf")
	_, err = e.Response.Write(b)
	return err
}

// acceptancePhoto serves a photo of the report: one of a reservation's
// photos or a lifting photo (404 for any other photo).
func (h *Handlers) acceptancePhoto(e *core.RequestEvent) error {
	_, a, err := h.siteAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	return h.serveAcceptancePhoto(e, a)
}

func (h *Handlers) serveAcceptancePhoto(e *core.RequestEvent, a domain.Acceptance) error {
	p, err := domain.FindPhoto(e.App, e.Request.PathValue("pid"))
	if err != nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	res, err := domain.AcceptanceReservations(e.App, a.Id)
	if err != nil {
		return h.fail(e, err)
	}
	ok := false
	for _, r := range res {
		ok = ok || p.Subject() == r.Id || p.Id == r.LiftPhotoID()
	}
	if !ok {
		return h.errorPage(e, http.StatusNotFound)
	}
	name := p.Derived() // the watermarked proof image, else the original
	if name == "" {
		name = p.File()
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return h.fail(e, err)
	}
	defer fsys.Close()
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return fsys.Serve(e.Response, e.Request, p.BaseFilesPath()+"/"+name, name)
}
