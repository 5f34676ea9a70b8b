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

// signedSubject is what a signature signs: a job (task), an acceptance
// report (PV de réception, either party) or the lifting of one of its
// reservations (accepted by the client).
type signedSubject struct {
	Kind  string // "task", "acceptance" or "reservation"
	ID    string
	Title string
	Label string // catalogue key of the subject's label on the evidence page
	// Current is the SHA-256 of the subject's document as it is now.
	Current string
}

// loadSignature finds a signature whose subject the user may see: the
// site of its job, report or reservation (CanSeeSite); any other
// signature, or one of another tenant, is not found.
func loadSignature(e *core.RequestEvent) (domain.Signature, signedSubject, error) {
	notFound := domain.Errorf(domain.ENotFound, "err.signature.not_found")
	s, err := domain.FindSignature(e.App, e.Request.PathValue("id"))
	if domain.ErrorCode(err) == domain.ENotFound {
		return s, signedSubject{}, notFound
	}
	if err != nil {
		return s, signedSubject{}, err
	}
	if a, err := domain.FindAcceptance(e.App, s.Subject()); err == nil {
		site, err := domain.FindSiteFor(e.App, e.Auth, a.SiteID())
		if err != nil {
			return s, signedSubject{}, notFound
		}
		_, cur, err := domain.AcceptanceDocument(e.App, a.Id)
		title := i18n.T(e.Request.Context(), "sign.subject.acceptance_title", site.Code(), site.Name(), i18n.FormatDate(e.Request.Context(), a.Date()))
		return s, signedSubject{Kind: "acceptance", ID: a.Id, Title: title, Label: "sign.subject.acceptance", Current: cur}, err
	}
	if r, err := domain.FindAcceptanceReservation(e.App, s.Subject()); err == nil {
		if _, err := domain.FindSiteFor(e.App, e.Auth, r.SiteID()); err != nil {
			return s, signedSubject{}, notFound
		}
		_, cur, err := domain.LiftingDocument(e.App, r.Id)
		title := i18n.T(e.Request.Context(), "sign.subject.lifting_title", r.Number(), r.Description())
		return s, signedSubject{Kind: "reservation", ID: r.Id, Title: title, Label: "sign.subject.lifting", Current: cur}, err
	}
	e.Request.SetPathValue("id", s.Subject())
	t, err := signableTask(e)
	e.Request.SetPathValue("id", s.Id)
	if err != nil {
		return s, signedSubject{}, err
	}
	_, cur, err := domain.TaskDocument(e.App, t.Id)
	return s, signedSubject{Kind: "task", ID: t.Id, Title: t.Title(), Label: "sign.job", Current: cur}, err
}

// signatureEvidence shows (or exports as JSON) a signature's evidence and
// whether its subject (job, acceptance report, lifting) still matches the
// signed document.
func (h *Handlers) signatureEvidence(asJSON bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		ctx := e.Request.Context()
		s, sub, err := loadSignature(e)
		if err != nil {
			return h.fail(e, err)
		}
		current := sub.Current
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
				"id": s.Id, sub.Kind: sub.ID, "signer_name": s.SignerName(), "signer_role": s.SignerRole(),
				"consent_text": s.ConsentText(), "document_sha256": s.DocumentSHA256(), "current_document_sha256": current,
				"signed_at": s.SignedAt(), "lat": s.Lat(), "lng": s.Lng(), "accuracy": s.Accuracy(),
				"image": s.Image(), "image_sha256": s.ImageSHA256(), "current_image_sha256": currentImage,
			})
		}
		vm := crew.EvidenceVM{Shell: h.crewShell(e, "today", i18n.T(ctx, "sign.evidence")), ID: s.Id,
			ImageURL: "/signatures/" + s.Id + "/image", JSONURL: "/signatures/" + s.Id + "/evidence.json",
			SignerName: s.SignerName(), SignerRole: s.SignerRole(), Consent: s.ConsentText(),
			Hash: s.DocumentSHA256(), CurrentHash: current, Matches: current == s.DocumentSHA256(),
			SignedAt: i18n.FormatDateTime(ctx, s.SignedAt()), Place: place, TaskTitle: sub.Title, SubjectLabel: sub.Label,
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
