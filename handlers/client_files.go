package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/pdf"
)

// clientFile serves to the client session a stored file of a record of
// kind on site {id} (domain.ClientSiteFile: any other record, site,
// client or tenant is a 404), field names the record's file field, ext
// the extension the URL must carry ("" for none). Every download is
// audited (clientTouch).
func (h *Handlers) clientFile(e *core.RequestEvent, kind, field, ext string) error {
	id := e.Request.PathValue("file")
	if ext != "" {
		var ok bool
		if id, ok = strings.CutSuffix(id, ext); !ok {
			return h.errorPage(e, http.StatusNotFound)
		}
	}
	rec, err := domain.ClientSiteFile(e.App, clientCtx(e), e.Request.PathValue("id"), kind, id)
	if err != nil {
		return h.fail(e, err)
	}
	name := rec.GetString(field)
	if kind == "photos" {
		if p := (domain.Photo{Record: rec}); p.Derived() != "" {
			name = p.Derived() // the watermarked proof image
		}
	}
	if name == "" {
		return h.errorPage(e, http.StatusNotFound)
	}
	if err := h.clientTouch(e, true); err != nil {
		return h.fail(e, err)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return h.fail(e, err)
	}
	defer fsys.Close()
	e.Response.Header().Set("Cache-Control", "private, no-store")
	e.Response.Header().Set("X-Content-Type-Options", "nosniff")
	e.Response.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox")
	return fsys.Serve(e.Response, e.Request, rec.BaseFilesPath()+"/"+name, name)
}

// clientReportFile is GET /client/sites/{id}/reports/{report}.pdf.
func (h *Handlers) clientReportFile(e *core.RequestEvent) error {
	return h.clientFile(e, "reports", "pdf", ".pdf")
}

// clientInvoiceFile is GET /client/sites/{id}/invoices/{invoice}.pdf: an
// issued invoice of the client (the stored Factur-X PDF).
func (h *Handlers) clientInvoiceFile(e *core.RequestEvent) error {
	return h.clientFile(e, "invoices", "pdf", ".pdf")
}

// clientDocumentFile is GET /client/sites/{id}/documents/{document}.
func (h *Handlers) clientDocumentFile(e *core.RequestEvent) error {
	return h.clientFile(e, "documents", "file", "")
}

// clientPhotoFile is GET /client/sites/{id}/photos/{photo}.
func (h *Handlers) clientPhotoFile(e *core.RequestEvent) error {
	return h.clientFile(e, "photos", "file", "")
}

// clientProofFile is GET /client/sites/{id}/proofs/{task}.pdf: the proof
// bundle of a finished job, rendered as for the office.
func (h *Handlers) clientProofFile(e *core.RequestEvent) error {
	id, ok := strings.CutSuffix(e.Request.PathValue("file"), ".pdf")
	if !ok {
		return h.errorPage(e, http.StatusNotFound)
	}
	t, err := domain.ClientSiteFile(e.App, clientCtx(e), e.Request.PathValue("id"), "proofs", id)
	if err != nil {
		return h.fail(e, err)
	}
	if err := h.clientTouch(e, true); err != nil {
		return h.fail(e, err)
	}
	b, err := pdf.ProofBundle(e.App, t.Id, h.deps.Clock(), tenantCtx(e).Location())
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Type", "application/pdf")
	e.Response.Header().Set("Content-Disposition", "inline; filename=preuve-"+t.Id+".pdf")
	e.Response.Header().Set("Cache-Control", "private, no-store")
	_, err = e.Response.Write(b)
	return err
}
