package handlers

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// signableTask loads the {id} task if the user may see its site.
func signableTask(e *core.RequestEvent) (domain.Task, error) {
	t, _, err := visibleTask(e)
	return t, err
}

func (h *Handlers) renderSign(e *core.RequestEvent, t domain.Task, form components.Form, status int) error {
	ctx := e.Request.Context()
	doc, sum, err := domain.TaskDocument(e.App, t.Id)
	if err != nil {
		return h.fail(e, err)
	}
	offer, err := domain.SignatureOfferOf(e.App, t.Record)
	if err != nil {
		return h.fail(e, err)
	}
	vm := crew.SignVM{Shell: h.crewShell(e, "today", i18n.T(ctx, "sign.title")), CSS: h.assets.Path("css/crew.css"), JS: h.assets.Path("js/signature.js"),
		TaskID: t.Id, TaskTitle: t.Title(), Document: doc, Hash: sum, Consent: domain.SignatureConsentFR, Form: form, Offer: offer}
	if offer == domain.SignStart && e.Request.FormValue("pv") != domain.SignStart {
		vm.Offer = domain.SignNone // before the work, only on explicit request
	}
	for _, r := range domain.SignerRoles() {
		vm.Roles = append(vm.Roles, components.Option{Value: r, Label: i18n.T(ctx, "sign.role."+r)})
	}
	render(e.Response, e.Request, status, crew.SignPage(vm))
	return nil
}

// signShow is GET /m/tasks/{id}/sign.
func (h *Handlers) signShow(e *core.RequestEvent) error {
	t, err := signableTask(e)
	if err != nil {
		return h.fail(e, err)
	}
	// NB: a checklist's signature item links here with the role it asks for.
	role := e.Request.URL.Query().Get("role")
	if !slices.Contains(domain.SignerRoles(), role) {
		role = domain.SignerClient
	}
	return h.renderSign(e, t, components.Form{Values: map[string]string{"signer_role": role}}, http.StatusOK)
}

// signSubmit stores the signature with its evidence; consent is only an
// explicit "true" (the ticked box), else 400 with the form's message.
func (h *Handlers) signSubmit(e *core.RequestEvent) error {
	t, err := signableTask(e)
	if err != nil {
		return h.fail(e, err)
	}
	v := crewValues(e, "signer_name", "signer_role", "consent", "signature")
	png, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(v["signature"], "data:image/png;base64,"))
	fix := crewFix(e, "")
	sig, err := domain.AddSignature(e.App, e.Auth, domain.SignatureInput{TaskID: t.Id, SignerName: v["signer_name"], SignerRole: v["signer_role"],
		Consent: domain.ConsentGiven(v["consent"]), PNG: png, Fix: &fix}, h.deps.Clock())
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		delete(v, "signature")
		return h.renderSign(e, t, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/signatures/"+sig.Id)
}

// loadSignature finds a signature whose job the user may see.
func loadSignature(e *core.RequestEvent) (domain.Signature, domain.Task, error) {
	s, err := domain.FindSignature(e.App, e.Request.PathValue("id"))
	if domain.ErrorCode(err) == domain.ENotFound {
		return s, domain.Task{}, domain.Errorf(domain.ENotFound, "err.signature.not_found")
	}
	if err != nil {
		return s, domain.Task{}, err
	}
	e.Request.SetPathValue("id", s.Subject())
	t, err := signableTask(e)
	e.Request.SetPathValue("id", s.Id)
	return s, t, err
}

// signatureEvidence shows (or exports as JSON) a signature's evidence and
// whether the job still matches the signed document.
func (h *Handlers) signatureEvidence(asJSON bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		ctx := e.Request.Context()
		s, t, err := loadSignature(e)
		if err != nil {
			return h.fail(e, err)
		}
		_, current, err := domain.TaskDocument(e.App, t.Id)
		if err != nil {
			return h.fail(e, err)
		}
		currentImage, err := domain.StoredImageSHA256(e.App, s)
		if err != nil {
			return h.fail(e, err)
		}
		place := "—"
		if s.Lat() != 0 || s.Lng() != 0 {
			place = fmt.Sprintf("%.5f, %.5f ±%.0f m", s.Lat(), s.Lng(), s.Accuracy())
		}
		if asJSON {
			e.Response.Header().Set("Content-Disposition", "attachment; filename=signature-"+s.Id+".json")
			return e.JSON(http.StatusOK, map[string]any{
				"id": s.Id, "task": t.Id, "signer_name": s.SignerName(), "signer_role": s.SignerRole(),
				"consent_text": s.ConsentText(), "document_sha256": s.DocumentSHA256(), "current_document_sha256": current,
				"signed_at": s.SignedAt(), "lat": s.Lat(), "lng": s.Lng(), "accuracy": s.Accuracy(),
				"image": s.Image(), "image_sha256": s.ImageSHA256(), "current_image_sha256": currentImage,
			})
		}
		vm := crew.EvidenceVM{Shell: h.crewShell(e, "today", i18n.T(ctx, "sign.evidence")), ID: s.Id,
			ImageURL: "/signatures/" + s.Id + "/image", JSONURL: "/signatures/" + s.Id + "/evidence.json",
			SignerName: s.SignerName(), SignerRole: s.SignerRole(), Consent: s.ConsentText(),
			Hash: s.DocumentSHA256(), CurrentHash: current, Matches: current == s.DocumentSHA256(),
			SignedAt: i18n.FormatDateTime(ctx, s.SignedAt()), Place: place, TaskTitle: t.Title(),
			ImageHash: s.ImageSHA256(), ImageMatches: currentImage == s.ImageSHA256()}
		render(e.Response, e.Request, http.StatusOK, crew.EvidencePage(vm))
		return nil
	}
}

// signatureImage serves the signature PNG through the tenant session.
func (h *Handlers) signatureImage(e *core.RequestEvent) error {
	s, _, err := loadSignature(e)
	if err != nil {
		return h.fail(e, err)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return h.fail(e, err)
	}
	defer fsys.Close()
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return fsys.Serve(e.Response, e.Request, s.BaseFilesPath()+"/"+s.Image(), "signature.png")
}
