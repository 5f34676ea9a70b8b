package handlers

import (
	"math"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/planning"
)

// taskDurationHint predicts the duration of the task as typed in the
// form (work type, start, duration, crew size) for those who may see
// predictions; nil for the others or on a read failure (the form works
// without it).
func (h *Handlers) taskDurationHint(e *core.RequestEvent, site *core.Record, form components.Form, multi map[string][]string) *planning.DurationHintVM {
	if !domain.CanPredictDuration(e.Auth) {
		return nil
	}
	q := domain.DurationQuery{WorkType: form.V("work_type"), Sector: domain.Site{Record: site}.Sector(), Site: site.Id, Crew: len(multi["assignees"])}
	q.PlannedDays, _ = strconv.ParseFloat(strings.TrimSpace(form.V("duration")), 64)
	if s, bad := formDate(form.V("start")); !bad {
		q.Start = s
	}
	p, err := domain.PredictDuration(e.App, q)
	if err != nil || q.PlannedDays <= 0 {
		return nil
	}
	ctx := e.Request.Context()
	return &planning.DurationHintVM{P50: i18n.FormatQty(ctx, p.P50Days), P80: i18n.FormatQty(ctx, p.P80Days),
		Reason: i18n.T(ctx, p.Reason, p.ReasonArgs...), UseP80: strconv.Itoa(int(math.Ceil(p.P80Days))), Version: p.ModelVersion}
}

// recordTaskPrediction stores the prediction of a task just saved (the
// accuracy page compares it with the actual duration later); a failure
// is logged, never fails the save.
func (h *Handlers) recordTaskPrediction(e *core.RequestEvent, taskID string) {
	if err := domain.RecordTaskPrediction(e.App, taskID, h.deps.Clock()); err != nil {
		h.deps.Logger.WarnContext(e.Request.Context(), "duration prediction not recorded", "task", taskID, "error", err)
	}
}

// ganttRisk is the Gantt header's finish-date risk (nil without a model,
// or for those who do not see predictions).
func (h *Handlers) ganttRisk(e *core.RequestEvent, plan *domain.SitePlan) *planning.RiskVM {
	if !domain.CanPredictDuration(e.Auth) {
		return nil
	}
	r, ok, err := domain.SitePlanRisk(e.App, plan)
	if err != nil || !ok {
		return nil
	}
	ctx := e.Request.Context()
	href := ""
	if tenantCtx(e).CanOpen("planning") {
		href = "/planning/accuracy"
	}
	return &planning.RiskVM{Figure: i18n.T(ctx, "predict.gantt.risk", civilText(ctx, r.P80Finish), civilText(ctx, r.PlannedFinish)),
		Explain:      i18n.T(ctx, "predict.gantt.risk_explain", strconv.Itoa(r.P80Days), strconv.Itoa(r.PlannedDays), r.ModelVersion),
		AccuracyHref: href}
}
