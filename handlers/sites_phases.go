package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/sites"
)

// siteDayGuard loads the site and checks the user may edit its
// day-to-day data; it answers the error page itself when not.
func (h *Handlers) siteDayGuard(e *core.RequestEvent) (domain.Site, bool, error) {
	s, err := h.viewSite(e)
	if err != nil {
		return domain.Site{}, false, h.fail(e, err)
	}
	if !tenantCtx(e).CanEditSiteDay(s.Record) {
		return domain.Site{}, false, h.errorPage(e, http.StatusForbidden)
	}
	return s, true, nil
}

func (h *Handlers) phasesBack(e *core.RequestEvent, s domain.Site, errs map[string]string) error {
	if len(errs) == 0 {
		return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/phases?toast=saved")
	}
	vm, err := h.newSitePageVM(e, s, "phases", errs)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusBadRequest, sites.Page(vm))
	return nil
}

func parsePhase(e *core.RequestEvent, errs map[string]string) domain.PhaseInput {
	in := domain.PhaseInput{Name: e.Request.FormValue("name"), Status: e.Request.FormValue("status")}
	if b, err := formRate(e, "budget"); err != nil {
		errs["budget"] = userMessage(e.Request.Context(), err)
	} else {
		in.Budget = b
	}
	var bad bool
	if in.Start, bad = formDate(e.Request.FormValue("start")); bad {
		errs["start"] = i18n.T(e.Request.Context(), "form.bad_date")
	}
	if in.End, bad = formDate(e.Request.FormValue("end")); bad {
		errs["end"] = i18n.T(e.Request.Context(), "form.bad_date")
	}
	if p := e.Request.FormValue("progress"); p != "" {
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			errs["progress"] = i18n.T(e.Request.Context(), "form.bad_number")
		}
		in.Progress = v
	}
	return in
}

// phaseAdd appends a phase to a site.
func (h *Handlers) phaseAdd(e *core.RequestEvent) error {
	s, ok, err := h.siteDayGuard(e)
	if !ok {
		return err
	}
	errs := map[string]string{}
	in := parsePhase(e, errs)
	if len(errs) == 0 {
		if _, err := domain.AddPhase(e.App, e.Auth, s.Id, in); err != nil && !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	return h.phasesBack(e, s, errs)
}

// phaseUpdate saves a phase (dates, progress).
func (h *Handlers) phaseUpdate(e *core.RequestEvent) error {
	s, ok, err := h.siteDayGuard(e)
	if !ok {
		return err
	}
	if _, err := domain.FindSitePhase(e.App, s.Id, e.Request.PathValue("pid")); err != nil {
		return h.notFoundOrFail(e, err)
	}
	errs := map[string]string{}
	in := parsePhase(e, errs)
	if len(errs) == 0 {
		if _, err := domain.UpdatePhase(e.App, e.Auth, e.Request.PathValue("pid"), in); err != nil && !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	return h.phasesBack(e, s, errs)
}

// phaseMove moves a phase up or down.
func (h *Handlers) phaseMove(delta int) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, ok, err := h.siteDayGuard(e)
		if !ok {
			return err
		}
		if _, err := domain.FindSitePhase(e.App, s.Id, e.Request.PathValue("pid")); err != nil {
			return h.notFoundOrFail(e, err)
		}
		if err := domain.MovePhase(e.App, e.Auth, e.Request.PathValue("pid"), delta); err != nil {
			return h.fail(e, err)
		}
		return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/phases")
	}
}

// milestoneAdd adds a milestone.
func (h *Handlers) milestoneAdd(e *core.RequestEvent) error {
	s, ok, err := h.siteDayGuard(e)
	if !ok {
		return err
	}
	errs := map[string]string{}
	due, bad := formDate(e.Request.FormValue("milestone_due"))
	if bad {
		errs["milestone_due"] = i18n.T(e.Request.Context(), "form.bad_date")
	} else if _, err := domain.AddMilestone(e.App, e.Auth, s.Id, e.Request.FormValue("milestone_name"), due); err != nil && !fieldErr(e, err, errs) {
		return h.fail(e, err)
	}
	return h.phasesBack(e, s, errs)
}

// milestoneReach marks a milestone reached (or not).
func (h *Handlers) milestoneReach(e *core.RequestEvent) error {
	s, ok, err := h.siteDayGuard(e)
	if !ok {
		return err
	}
	if _, err := domain.FindSiteMilestone(e.App, s.Id, e.Request.PathValue("mid")); err != nil {
		return h.notFoundOrFail(e, err)
	}
	if _, err := domain.ReachMilestone(e.App, e.Auth, e.Request.PathValue("mid"), e.Request.FormValue("reached") == "1", h.deps.Clock()); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/phases")
}

// formRate reads a rate or budget field of a posted form (French or
// English decimals, domain.ParseAmount): nil when the form does not hold
// the field (the stored value is kept); who may set it is the domain's
// decision (domain.CanEditRates).
func formRate(e *core.RequestEvent, field string) (*float64, error) {
	if e.Request.PostForm == nil {
		_ = e.Request.ParseForm()
	}
	if _, ok := e.Request.PostForm[field]; !ok {
		return nil, nil
	}
	v, err := domain.ParseAmount(field, e.Request.PostForm.Get(field))
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// amountValue is an amount as a form input shows it: a decimal comma in
// French ("350,5"), a point in English.
func amountValue(ctx context.Context, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i18n.Lang(ctx) == i18n.FR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
