package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// predictRoutes registers the duration prediction API, the accuracy page
// and its model actions (issue #23), and starts the nightly training job.
func (h *Handlers) predictRoutes(r *router.Router[*core.RequestEvent]) {
	r.GET("/api/fieldops/tasks/{id}/duration-prediction", h.durationPredictionAPI)
	g := h.module(r, "planning")
	g.GET("/planning/accuracy", h.accuracyShow)
	g.POST("/planning/accuracy/train", h.accuracyTrain)
	g.POST("/planning/accuracy/rollback", h.accuracyRollback)
}

// startDurationJob starts the tenant's nightly duration-model training.
func (h *Handlers) startDurationJob(app core.App) {
	domain.StartDurationJob(app, domain.DurationJobConfig{Clock: h.deps.Clock, Logger: h.deps.Logger})
}

// durationPredictionJSON is the API's answer.
type durationPredictionJSON struct {
	domain.TaskDurationPrediction
	Reason string `json:"reason"`
}

// durationPredictionAPI answers GET /api/fieldops/tasks/{id}/duration-prediction:
// the task's P50/P80 in working days, the number of similar finished
// tasks behind them, the model version (0: none yet, the planned
// duration is returned) and the reason in the reader's language. 401
// anonymous, 403 crews (domain.CanPredictDuration), 404 unknown task (or
// one of another tenant).
func (h *Handlers) durationPredictionAPI(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !authUser(e).Active() {
		return e.JSON(http.StatusUnauthorized, apiProblem{Status: http.StatusUnauthorized, Message: i18n.T(e.Request.Context(), "err.auth_required")})
	}
	if !domain.CanPredictDuration(e.Auth) {
		return h.apiFail(e, domain.Errorf(domain.EForbidden, "err.predict.forbidden"))
	}
	p, err := domain.PredictTaskDuration(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.apiFail(e, err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.JSON(http.StatusOK, durationPredictionJSON{TaskDurationPrediction: p, Reason: i18n.T(e.Request.Context(), p.Reason, p.ReasonArgs...)})
}
