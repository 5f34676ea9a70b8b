package handlers

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
)

// scheduleSiteJSON is the site part of the schedule API answer.
type scheduleSiteJSON struct {
	ID           string   `json:"id"`
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Start        string   `json:"start"`
	Finish       string   `json:"finish"`
	TimeZone     string   `json:"time_zone"`
	CriticalPath []string `json:"critical_path"`
}

// scheduleTaskJSON is one task of the schedule API answer: dates are
// YYYY-MM-DD civil dates in the tenant's zone, finishes inclusive,
// durations and float in working days.
type scheduleTaskJSON struct {
	ID             string `json:"id"`
	Title          string `json:"title"`
	Status         string `json:"status"`
	Start          string `json:"start"`
	End            string `json:"end"`
	DurationDays   int    `json:"duration_days"`
	Pinned         bool   `json:"pinned"`
	EarlyStart     string `json:"early_start"`
	EarlyFinish    string `json:"early_finish"`
	LateStart      string `json:"late_start"`
	LateFinish     string `json:"late_finish"`
	TotalFloatDays int    `json:"total_float_days"`
	Critical       bool   `json:"critical"`
	Conflict       bool   `json:"conflict"`
}

type scheduleJSON struct {
	Site  scheduleSiteJSON   `json:"site"`
	Tasks []scheduleTaskJSON `json:"tasks"`
}

// scheduleAPI answers GET /api/fieldops/sites/{siteId}/schedule for the
// Gantt and integrations: the site's computed schedule. Signed-in users
// (token or session) who may see the site only.
func (h *Handlers) scheduleAPI(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != domain.CollectionUsers || !authUser(e).Active() {
		return e.JSON(http.StatusUnauthorized, apiProblem{Status: http.StatusUnauthorized, Message: i18n.T(e.Request.Context(), "err.auth_required")})
	}
	site, err := domain.FindSite(e.App, e.Request.PathValue("siteId"))
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return h.apiFail(e, err)
	}
	if err != nil || !tenantCtx(e).CanSeeSite(site.Record) {
		return h.apiFail(e, domain.Errorf(domain.ENotFound, "err.site.not_found"))
	}
	plan, err := domain.LoadSitePlan(e.App, site.Id, h.deps.Clock())
	if err != nil {
		return h.apiFail(e, err)
	}
	return e.JSON(http.StatusOK, newScheduleJSON(plan))
}

func newScheduleJSON(p *domain.SitePlan) scheduleJSON {
	d := func(t time.Time) string { return t.Format(time.DateOnly) }
	site := domain.Site{Record: p.Site}
	out := scheduleJSON{
		Site: scheduleSiteJSON{ID: site.Id, Code: site.Code(), Name: site.Name(),
			TimeZone: p.Location.String(), CriticalPath: p.Schedule.CriticalPath()},
		Tasks: make([]scheduleTaskJSON, 0, len(p.Schedule.Tasks)),
	}
	if len(p.Schedule.Tasks) > 0 {
		out.Site.Start, out.Site.Finish = d(p.Schedule.Start), d(p.Schedule.Finish)
	}
	for _, t := range p.Schedule.Tasks {
		out.Tasks = append(out.Tasks, scheduleTaskJSON{
			ID: t.ID, Title: t.Title, Status: domain.Task{Record: p.Tasks[t.ID]}.Status(), Start: d(t.EarlyStart), End: d(t.EarlyFinish),
			DurationDays: t.Duration, Pinned: t.Pinned, EarlyStart: d(t.EarlyStart), EarlyFinish: d(t.EarlyFinish),
			LateStart: d(t.LateStart), LateFinish: d(t.LateFinish), TotalFloatDays: t.TotalFloat, Critical: t.Critical, Conflict: t.Conflict,
		})
	}
	return out
}
