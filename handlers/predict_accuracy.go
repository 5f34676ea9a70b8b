package handlers

import (
	"math"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// accuracyShow renders GET /planning/accuracy: predictions against actual
// durations per work type and per month, the drift flag and the model
// versions (train and roll back for domain.CanManageDurationModels).
// Those who may not see predictions get 403.
func (h *Handlers) accuracyShow(e *core.RequestEvent) error {
	if !domain.CanPredictDuration(e.Auth) {
		return h.fail(e, domain.Errorf(domain.EForbidden, "err.predict.forbidden"))
	}
	ctx := e.Request.Context()
	acc, err := domain.LoadDurationAccuracy(e.App, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	models, err := domain.FindDurationModels(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "predict.accuracy.title")
	vm := planning.AccuracyVM{Page: h.planningPage(e, "planning", title, layouts.Crumb{Label: i18n.T(ctx, "nav.planning"), Href: "/planning"}, layouts.Crumb{Label: title}),
		N: acc.N, IsDrift: acc.Drift, CanEdit: domain.CanManageDurationModels(e.Auth), Chart: accuracyChart(acc.Months, title)}
	days := func(f float64) string { return i18n.FormatNumber(ctx, f, 2) }
	if acc.ModelMAE > 0 && acc.Recent.N > 0 {
		key := "predict.accuracy.no_drift"
		if acc.Drift {
			key = "predict.accuracy.drift"
		}
		vm.Drift = i18n.T(ctx, key, days(acc.Recent.MAEDays), acc.Recent.N, days(acc.ModelMAE))
	}
	for _, r := range acc.ByType {
		name := r.WorkType
		if name == "" {
			name = i18n.T(ctx, "predict.accuracy.no_type")
		}
		vm.ByType = append(vm.ByType, planning.AccuracyRowVM{WorkType: name, N: strconv.Itoa(r.N), MAE: days(r.MAEDays), Coverage: i18n.FormatNumber(ctx, r.Coverage*100, 0) + " %"})
	}
	for _, m := range models {
		mt := m.ModelMetrics()
		vm.Models = append(vm.Models, planning.ModelRowVM{Version: m.Version(), StateKey: m.State(), State: i18n.T(ctx, "predict.models.state."+m.State()),
			TrainedAt: i18n.FormatDateTime(ctx, m.TrainedAt()), Window: i18n.FormatDate(ctx, m.DataFrom()) + " – " + i18n.FormatDate(ctx, m.DataTo()),
			Metrics:  i18n.T(ctx, "predict.models.metrics_value", days(mt.MAEDays), i18n.FormatNumber(ctx, mt.P80Coverage*100, 0), mt.N),
			Decision: i18n.T(ctx, m.Decision()), CanRollback: m.State() == domain.DurationPrevious})
		if v := e.Request.URL.Query().Get("trained"); v == strconv.Itoa(m.Version()) {
			vm.Notice = i18n.T(ctx, "predict.toast.trained", m.Version(), i18n.T(ctx, m.Decision()))
		}
	}
	if v, err := strconv.Atoi(e.Request.URL.Query().Get("rolled")); err == nil {
		vm.Notice = i18n.T(ctx, "predict.toast.rolled_back", v)
	}
	render(e.Response, e.Request, http.StatusOK, planning.AccuracyPage(vm))
	return nil
}

// accuracyChart draws the monthly mean error as bars (SVG user units).
func accuracyChart(months []domain.AccuracyMonth, label string) planning.AccuracyChartVM {
	const w, h, top, bottom = 360, 160, 8, 18
	c := planning.AccuracyChartVM{W: w, H: h, Label: label}
	top1 := 0.5
	for _, m := range months {
		top1 = math.Max(top1, m.MAEDays)
	}
	if len(months) == 0 {
		return c
	}
	bw := w / len(months)
	for i, m := range months {
		bh := int(math.Round(float64(h-top-bottom) * m.MAEDays / top1))
		c.Bars = append(c.Bars, planning.AccuracyBarVM{X: i*bw + 2, Y: h - bottom - bh, W: max(1, bw-4), H: bh,
			Month: m.Month.Format("01/06"), Value: strconv.FormatFloat(m.MAEDays, 'f', 2, 64)})
	}
	return c
}

// accuracyTrain is POST /planning/accuracy/train: trains a model now
// (promoted only if not worse) and shows the outcome.
func (h *Handlers) accuracyTrain(e *core.RequestEvent) error {
	if !domain.CanManageDurationModels(e.Auth) {
		return h.fail(e, domain.Errorf(domain.EForbidden, "err.predict.manage_forbidden"))
	}
	if _, err := domain.FillActualDurations(e.App); err != nil {
		return h.fail(e, err)
	}
	tr, err := domain.TrainDurationModel(e.App, e.Auth.Id, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/planning/accuracy?trained="+strconv.Itoa(tr.Model.Version())+"#models")
}

// accuracyRollback is POST /planning/accuracy/rollback (field version):
// reactivates a previous model version, audited.
func (h *Handlers) accuracyRollback(e *core.RequestEvent) error {
	if !domain.CanManageDurationModels(e.Auth) {
		return h.fail(e, domain.Errorf(domain.EForbidden, "err.predict.manage_forbidden"))
	}
	v, err := strconv.Atoi(e.Request.FormValue("version"))
	if err != nil || v <= 0 {
		return h.fail(e, domain.Errorf(domain.EInvalid, "err.predict.bad_version"))
	}
	if err := domain.RollbackDurationModel(e.App, e.Auth.Id, v); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/planning/accuracy?rolled="+strconv.Itoa(v)+"#models")
}
