package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// syncApply is POST /api/fieldops/sync: the crew app's outbox replay. The
// caller (token or session cookie) must be an active user; each operation
// runs with their permissions (domain.ApplySync). Answers JSON.
func (h *Handlers) syncApply(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !(domain.User{Record: e.Auth}).Active() {
		return syncProblem(e, http.StatusUnauthorized, i18n.Text(e.Request.Context(), catalog.New("err.sign_in_required")))
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, domain.SyncMaxBytes+1)
	req, err := domain.DecodeSyncRequest(e.Request.Body)
	if err != nil {
		return h.syncFail(e, err)
	}
	results, err := domain.ApplySync(e.App, e.Auth, req)
	if err != nil {
		return h.syncFail(e, err)
	}
	for i := range results {
		results[i].Error = i18n.Localize(e.Request.Context(), results[i].Error)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, domain.SyncResponse{Results: results})
}

// syncFail answers a whole-request failure with the coded status and the
// user's message.
func (h *Handlers) syncFail(e *core.RequestEvent, err error) error {
	a := answerOf(e.Request.Context(), err)
	h.logInternal(e, err, a.Status)
	return syncProblem(e, a.Status, a.Message)
}

// syncProblem answers a whole-request failure as JSON (msg in the
// request's language).
func syncProblem(e *core.RequestEvent, status int, msg string) error {
	e.Response.Header().Set("Content-Type", "application/json")
	e.Response.WriteHeader(status)
	return json.NewEncoder(e.Response).Encode(map[string]any{"status": status, "error": msg})
}
