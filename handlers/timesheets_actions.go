package handlers

import (
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
)

// timesheetRoutes registers the weekly timesheet (every role: crews see
// their own week and propose corrections) and the office's reviews and
// period close (refused per role by the domain).
func (h *Handlers) timesheetRoutes(r *router.Router[*core.RequestEvent]) {
	m := h.module(r, "crew")
	m.GET("/timesheets", h.timesheetShow)
	m.POST("/timesheets/entries/{id}/correction", h.correctionPropose)
	o := h.module(r, "today")
	o.POST("/timesheets/corrections/{id}/approve", h.correctionReview(true))
	o.POST("/timesheets/corrections/{id}/refuse", h.correctionReview(false))
	o.POST("/timesheets/close", h.periodClose)
	o.POST("/timesheets/periods/{id}/reopen", h.periodReopen)
}

// correctionPropose is POST /timesheets/entries/{id}/correction.
func (h *Handlers) correctionPropose(e *core.RequestEvent) error {
	v := crewValues(e, "clock_in", "clock_out", "kind", "reason")
	ctx := e.Request.Context()
	en, _ := domain.FindTimeEntry(e.App, e.Request.PathValue("id"))
	_, err := domain.ProposeCorrection(e.App, e.Auth, e.Request.PathValue("id"), domain.CorrectionInput{
		ClockIn: resLocalTime(ctx, v["clock_in"]), ClockOut: resLocalTime(ctx, v["clock_out"]), Kind: v["kind"], Reason: v["reason"]})
	week := ""
	if en.Record != nil {
		week = en.ClockIn().In(tenantCtx(e).Location()).Format(time.DateOnly)
	}
	return h.timesheetAnswer(e, err, "proposed", url.Values{"week": {week}, "user": {e.Auth.Id}})
}

// correctionReview is POST /timesheets/corrections/{id}/approve|refuse.
func (h *Handlers) correctionReview(approve bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		v := crewValues(e, "note")
		_, err := domain.ReviewCorrection(e.App, e.Auth, e.Request.PathValue("id"), approve, v["note"])
		toast := "approved"
		if !approve {
			toast = "refused"
		}
		return h.timesheetAnswer(e, err, toast, nil)
	}
}

// periodClose is POST /timesheets/close (kind week|month, day).
func (h *Handlers) periodClose(e *core.RequestEvent) error {
	v := crewValues(e, "kind", "day")
	day, err := time.ParseInLocation(time.DateOnly, v["day"], tenantCtx(e).Location())
	if err != nil {
		return h.timesheetAnswer(e, domain.FieldError("day", "err.period.day"), "", nil)
	}
	_, err = domain.ClosePeriod(e.App, e.Auth, v["kind"], day)
	return h.timesheetAnswer(e, err, "closed", url.Values{"week": {v["day"]}})
}

// periodReopen is POST /timesheets/periods/{id}/reopen (reason).
func (h *Handlers) periodReopen(e *core.RequestEvent) error {
	v := crewValues(e, "reason")
	_, err := domain.ReopenPeriod(e.App, e.Auth, e.Request.PathValue("id"), v["reason"])
	return h.timesheetAnswer(e, err, "reopened", nil)
}

// timesheetAnswer redirects to the timesheet with a toast, or renders it
// with the domain's message at its status.
func (h *Handlers) timesheetAnswer(e *core.RequestEvent, err error, toast string, q url.Values) error {
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		e.Request.URL.RawQuery = q.Encode()
		return h.renderTimesheet(e, first(errs), status)
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("toast", toast)
	return e.Redirect(http.StatusSeeOther, "/timesheets?"+q.Encode())
}
