package handlers

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/domain/pdf"
)

// proofPDF renders the proof bundle of a job (PDF) for users who may see
// its site.
func (h *Handlers) proofPDF(e *core.RequestEvent) error {
	t, err := signableTask(e)
	if err != nil {
		return h.fail(e, err)
	}
	tz := time.UTC
	if c, err := domain.FindCompany(e.App); err == nil {
		if l, err := time.LoadLocation(c.Timezone()); err == nil {
			tz = l
		}
	}
	b, err := pdf.ProofBundle(e.App, t.Id, h.deps.Clock(), tz)
	if err != nil {
		return h.fail(e, err)
	}
	e.Response.Header().Set("Content-Type", "application/pdf")
	e.Response.Header().Set("Content-Disposition", "inline; filename=preuve-"+t.Id+".pdf")
	e.Response.Header().Set("Cache-Control", "private, no-store")
	_, err = e.Response.Write(b)
	return err
}
