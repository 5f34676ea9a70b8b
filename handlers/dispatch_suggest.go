package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// dispatchSuggest shows the week's suggestion for review (GET
// /dispatch/suggest?week=YYYY-Www). Nothing is saved.
func (h *Handlers) dispatchSuggest(e *core.RequestEvent) error {
	return h.renderSuggest(e, http.StatusOK, nil)
}

func (h *Handlers) renderSuggest(e *core.RequestEvent, status int, refusal error) error {
	q, err := h.parseDispatchQuery(e)
	if err != nil {
		return h.fail(e, err)
	}
	p, err := domain.SuggestWeek(e.App, e.Auth, q.Monday)
	if err != nil {
		return h.fail(e, err)
	}
	ctx := e.Request.Context()
	week := domain.ISOWeekText(p.Monday)
	_, wk := p.Monday.ISOWeek()
	title := i18n.T(ctx, "dispatch.suggest_title", wk)
	vm := planning.SuggestVM{Page: h.dispatchPage(e, title, layouts.Crumb{Label: i18n.T(ctx, "nav.dispatch"), Href: "/dispatch?week=" + week}, layouts.Crumb{Label: title}),
		Week: week, Title: title, BackHref: "/dispatch?week=" + week}
	if refusal != nil {
		vm.Error = userMessage(ctx, refusal)
	}
	for _, l := range p.Lines {
		line := planning.ProposalLineVM{TaskID: l.Task.ID, Title: l.Task.Title, SiteCode: l.SiteCode, Dates: slotDates(l.Task), User: l.User, Reasons: reasonVMs(ctx, l.Reasons)}
		for _, c := range l.Options {
			line.Options = append(line.Options, components.Option{Value: c.UserID, Label: c.Name})
		}
		vm.Lines = append(vm.Lines, line)
	}
	render(e.Response, e.Request, status, planning.SuggestPage(vm))
	return nil
}

// dispatchAccept applies the ticked lines of a suggestion (POST
// /dispatch/accept: week, pick=<task id>…, user_<task id>=<user id>),
// all or nothing; a refusal shows the review again naming the task.
func (h *Handlers) dispatchAccept(e *core.RequestEvent) error {
	if err := e.Request.ParseForm(); err != nil {
		return h.fail(e, domain.FieldError("pick", "err.unreadable_form"))
	}
	var lines []domain.AcceptLine
	for _, id := range e.Request.PostForm["pick"] {
		lines = append(lines, domain.AcceptLine{Task: id, User: e.Request.PostForm.Get("user_" + id)})
	}
	week := e.Request.PostForm.Get("week")
	if _, err := domain.AcceptProposal(e.App, e.Auth, lines, h.deps.Clock()); err != nil {
		a := answerOf(e.Request.Context(), err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		e.Request.URL.RawQuery = "week=" + week
		return h.renderSuggest(e, a.Status, err)
	}
	if _, err := domain.ParseISOWeek(week); err != nil {
		week = domain.ISOWeekText(domain.PlanningWeekMonday(tenantCtx(e).Today()))
	}
	return e.Redirect(http.StatusSeeOther, "/dispatch?week="+week+"&toast=assigned")
}
