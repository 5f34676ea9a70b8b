package handlers

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// signableTask loads the {id} task if the user may see its site.
func signableTask(e *core.RequestEvent) (*core.Record, error) {
	t, err := e.App.FindRecordById(domain.CollectionTasks, e.Request.PathValue("id"))
	if err != nil {
		return nil, domain.Errorf(domain.ENotFound, "Intervention introuvable / job not found")
	}
	site, err := e.App.FindRecordById(domain.CollectionSites, t.GetString("site"))
	if err != nil || !tenantCtx(e).CanSeeSite(site) {
		return nil, domain.Errorf(domain.ENotFound, "Intervention introuvable / job not found")
	}
	return t, nil
}

func (h *Handlers) renderSign(e *core.RequestEvent, t *core.Record, form components.Form, status int) error {
	ctx := e.Request.Context()
	doc, sum, err := domain.TaskDocument(e.App, t.Id)
	if err != nil {
		return h.fail(e, err)
	}
	vm := crew.SignVM{Shell: h.crewShell(e, "today", i18n.T(ctx, "sign.title")), CSS: h.assets.Path("css/crew.css"), JS: h.assets.Path("js/signature.js"),
		TaskID: t.Id, TaskTitle: t.GetString("title"), Document: doc, Hash: sum, Consent: domain.SignatureConsentFR, Form: form}
	for _, r := range []string{"client", "technician", "site_lead", "other"} {
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
	return h.renderSign(e, t, components.Form{Values: map[string]string{"signer_role": "client"}}, http.StatusOK)
}

// signSubmit stores the signature with its evidence.
func (h *Handlers) signSubmit(e *core.RequestEvent) error {
	t, err := signableTask(e)
	if err != nil {
		return h.fail(e, err)
	}
	v := crewValues(e, "signer_name", "signer_role", "consent", "signature")
	png, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(v["signature"], "data:image/png;base64,"))
	fix := crewFix(e, "")
	sig, err := domain.AddSignature(e.App, e.Auth, domain.SignatureInput{TaskID: t.Id, SignerName: v["signer_name"], SignerRole: v["signer_role"],
		ConsentText: v["consent"], PNG: png, Fix: &fix}, h.deps.Clock())
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
func loadSignature(e *core.RequestEvent) (*core.Record, *core.Record, error) {
	s, err := e.App.FindRecordById(domain.CollectionSignatures, e.Request.PathValue("id"))
	if err != nil {
		return nil, nil, domain.Errorf(domain.ENotFound, "Signature introuvable / signature not found")
	}
	e.Request.SetPathValue("id", s.GetString("subject"))
	t, err := signableTask(e)
	e.Request.SetPathValue("id", s.Id)
	if err != nil {
		return nil, nil, err
	}
	return s, t, nil
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
		place := "—"
		if s.GetFloat("lat") != 0 || s.GetFloat("lng") != 0 {
			place = fmt.Sprintf("%.5f, %.5f ±%.0f m", s.GetFloat("lat"), s.GetFloat("lng"), s.GetFloat("accuracy"))
		}
		if asJSON {
			e.Response.Header().Set("Content-Disposition", "attachment; filename=signature-"+s.Id+".json")
			return e.JSON(http.StatusOK, map[string]any{
				"id": s.Id, "task": t.Id, "signer_name": s.GetString("signer_name"), "signer_role": s.GetString("signer_role"),
				"consent_text": s.GetString("consent_text"), "document_sha256": s.GetString("document_sha256"), "current_document_sha256": current,
				"signed_at": s.GetDateTime("signed_at").Time(), "lat": s.GetFloat("lat"), "lng": s.GetFloat("lng"), "accuracy": s.GetFloat("accuracy"),
				"image_sha256": s.GetString("image"),
			})
		}
		vm := crew.EvidenceVM{Shell: h.crewShell(e, "today", i18n.T(ctx, "sign.evidence")), ID: s.Id,
			ImageURL: "/signatures/" + s.Id + "/image", JSONURL: "/signatures/" + s.Id + "/evidence.json",
			SignerName: s.GetString("signer_name"), SignerRole: s.GetString("signer_role"), Consent: s.GetString("consent_text"),
			Hash: s.GetString("document_sha256"), CurrentHash: current, Matches: current == s.GetString("document_sha256"),
			SignedAt: i18n.FormatDateTime(ctx, s.GetDateTime("signed_at").Time()), Place: place, TaskTitle: t.GetString("title")}
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
	return fsys.Serve(e.Response, e.Request, s.BaseFilesPath()+"/"+s.GetString("image"), "signature.png")
}
