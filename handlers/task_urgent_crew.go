package handlers

import (
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// urgentOffer is what the crew task page offers with the DT-DICT refusal
// of a start: the urgent-works declaration, back to this page once made,
// to who may declare it (domain.CanDeclareUrgentWorks); to others, the
// names of the site's lead and project manager to ask.
func (h *Handlers) urgentOffer(e *core.RequestEvent, task domain.Task, site domain.Site) *crew.UrgentOfferVM {
	u := &crew.UrgentOfferVM{Reason: domain.KeyExcavationRefused}
	if domain.CanDeclareUrgentWorks(e.Auth, site.Record) {
		u.Href = UrgentWorksHref(site.Id, task.Id) + "?back=" + crewTaskHref(task.Id)
		return u
	}
	var names []string
	for _, id := range []string{site.SiteLeadID(), site.ProjectManagerID()} {
		if p, err := domain.FindPerson(e.App, id); id != "" && err == nil && p.Name() != "" && !slices.Contains(names, p.Name()) {
			names = append(names, p.Name())
		}
	}
	ctx := e.Request.Context()
	if len(names) == 0 {
		u.Ask = i18n.T(ctx, "ct.urgent.ask_anyone")
	} else {
		u.Ask = i18n.T(ctx, "ct.urgent.ask", strings.Join(names, ", "))
	}
	return u
}

// crewTaskHref is a task's page in the crew app.
func crewTaskHref(taskID string) string { return "/m/tasks/" + taskID }

// urgentBack returns the crew task page the urgent-works declaration of
// task tid goes back to (?back=), "" for the office's task form.
func urgentBack(e *core.RequestEvent, tid string) string {
	if b := e.Request.URL.Query().Get("back"); b == crewTaskHref(tid) {
		return b
	}
	return ""
}
