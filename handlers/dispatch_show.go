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

// dispatchShow renders the board of a week (GET /dispatch?week=YYYY-Www
// &rows=crew&site=ID).
func (h *Handlers) dispatchShow(e *core.RequestEvent) error {
	q, err := h.parseDispatchQuery(e)
	if err != nil {
		return h.fail(e, err)
	}
	w, err := domain.LoadDispatchWeek(e.App, e.Auth, q.Monday)
	if err != nil {
		return h.fail(e, err)
	}
	ctx := e.Request.Context()
	tc := tenantCtx(e)
	_, wk := q.Monday.ISOWeek()
	title := i18n.T(ctx, "dispatch.title", wk, q.Monday.Format("02/01"), q.Monday.AddDate(0, 0, 6).Format("02/01/2006"))
	vm := planning.DispatchVM{
		Page:  h.dispatchPage(e, title, layouts.Crumb{Label: i18n.T(ctx, "nav.dispatch")}),
		Title: title, Week: domain.ISOWeekText(q.Monday),
		PrevHref:    q.href("/dispatch", q.Monday.AddDate(0, 0, -7), q.Kind),
		NextHref:    q.href("/dispatch", q.Monday.AddDate(0, 0, 7), q.Kind),
		TodayHref:   q.href("/dispatch", domain.PlanningWeekMonday(tc.Today()), q.Kind),
		SuggestHref: "/dispatch/suggest?week=" + domain.ISOWeekText(q.Monday),
		StreamURL:   q.href("/dispatch/stream", q.Monday, q.Kind),
		Board:       newBoardVM(ctx, w, q, tc.Today()),
	}
	if q.Kind == "crew" {
		vm.ToggleHref, vm.ToggleLabel = q.href("/dispatch", q.Monday, "user"), i18n.T(ctx, "dispatch.by_person")
	} else {
		vm.ToggleHref, vm.ToggleLabel = q.href("/dispatch", q.Monday, "crew"), i18n.T(ctx, "dispatch.by_crew")
	}
	for _, s := range w.Sites {
		vm.Sites = append(vm.Sites, components.Option{Value: s.ID, Label: s.Code + " " + s.Name})
	}
	vm.Page.Shell.Toasts = h.dispatchToasts(e)
	render(e.Response, e.Request, http.StatusOK, planning.DispatchPage(vm))
	return nil
}
