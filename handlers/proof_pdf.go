package handlers

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain/pdf"
)

// proofPDF renders the proof bundle of a job (PDF) for users who may see
// its site.
func (h *Handlers) proofPDF(e *core.RequestEvent) error {
	t, err := signableTask(e)
	if err != nil {
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
