package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// siteAuditExport exports a site's audit trail (the site and its phases,
// milestones and documents) with each event's hash chain fields, as JSON
// or CSV, so that a client or an auditor can recheck every hash.
func (h *Handlers) siteAuditExport(format string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, err := h.viewSite(e)
		if err != nil {
			return h.fail(e, err)
		}
		// the page shows the export links on the same rule
		if !tenantCtx(e).CanEditSiteDay(s.Record) {
			return h.errorPage(e, http.StatusForbidden)
		}
		events, err := domain.FindSiteHistory(e.App, s.Id, 100000)
		if err != nil {
			return h.fail(e, err)
		}
		x, err := domain.NewAuditExport(s.Id, events)
		if err != nil {
			return h.fail(e, err)
		}
		name := "audit-" + s.Code() + "." + format
		e.Response.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+urlPathEscape(name))
		e.Response.Header().Set("Cache-Control", "private, no-store")
		if format == "csv" {
			e.Response.Header().Set("Content-Type", "text/csv; charset=utf-8")
			return x.WriteCSV(e.Response)
		}
		e.Response.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(e.Response)
		enc.SetIndent("", "  ")
		return enc.Encode(x)
	}
}
