package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// assignTarget loads a task and its site for the assign page: 404 unless
// the user sees the site.
func (h *Handlers) assignTarget(e *core.RequestEvent, id string) (domain.Task, domain.Site, error) {
	t, s, err := domain.FindVisibleTask(e.App, e.Auth, id)
	if domain.ErrorCode(err) == domain.ENotFound {
		return t, s, domain.Errorf(domain.ENotFound, "err.task.not_found")
	}
	return t, s, err
}

// assignShow renders a task's assign page (GET /tasks/{id}/assign):
// ranked candidates ("Proposer"), the assign form, the overrides.
// With ?user=&day= (the board's "override" link after a refused drop) it
// shows that assignment's conflicts and, for project managers, the
// override form.
func (h *Handlers) assignShow(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	in := assignRequest{Task: e.Request.PathValue("id"), User: q.Get("user"), Day: q.Get("day")}
	var refusal error
	if in.User != "" {
		ai, err := in.input()
		if err == nil {
			var cs []domain.Conflict
			if cs, err = domain.CheckAssign(e.App, e.Auth, ai); err == nil && domain.HasBlocking(cs) {
				err = &domain.Error{Code: domain.EConflict, Key: "err.assign.blocked", Err: &domain.ConflictError{Conflicts: cs}}
			}
		}
		refusal = err
	}
	return h.renderAssign(e, in.Task, http.StatusOK, refusal, in)
}

// renderAssign renders the assign page, after a refusal with its reason,
// its conflicts and the typed-in values.
func (h *Handlers) renderAssign(e *core.RequestEvent, id string, status int, refusal error, in assignRequest) error {
	task, site, err := h.assignTarget(e, id)
	if err != nil {
		return h.fail(e, err)
	}
	slot, cands, err := domain.RankTask(e.App, e.Auth, task.Id)
	if err != nil && domain.ErrorCode(err) != domain.EInvalid {
		return h.fail(e, err)
	}
	ctx := e.Request.Context()
	title := task.Title()
	vm := planning.AssignVM{
		Page:   h.dispatchPage(e, i18n.T(ctx, "dispatch.assign_title", title), layouts.Crumb{Label: i18n.T(ctx, "nav.dispatch"), Href: "/dispatch"}, layouts.Crumb{Label: title}),
		TaskID: task.Id, Title: title, SiteTitle: site.Code() + " " + site.Name(), Dates: slotDates(slot),
		BackHref: "/dispatch?week=" + domain.ISOWeekText(domain.WeekMonday(slot.Start)), Day: in.Day, User: in.User,
		CanOverride: tenantCtx(e).CanOverride(site.Record), Reason: in.Override,
	}
	if slot.Start.IsZero() {
		vm.BackHref = "/dispatch"
	} else if vm.Day == "" {
		vm.Day = slot.Start.Format(time.DateOnly)
	}
	if refusal != nil {
		vm.Error = userMessage(ctx, refusal)
		vm.Conflicts = conflictVMs(ctx, domain.ConflictsOf(refusal))
	}
	names := map[string]string{}
	for _, c := range cands {
		names[c.UserID] = c.Name
		vm.Candidates = append(vm.Candidates, planning.CandidateVM{UserID: c.UserID, Name: c.Name, Score: c.Score, Eligible: c.Eligible,
			Reasons: reasonVMs(ctx, c.Reasons), Conflicts: conflictVMs(ctx, c.Conflicts)})
		vm.People = append(vm.People, components.Option{Value: c.UserID, Label: c.Name})
	}
	var who []string
	for _, id := range task.AssigneeIDs() {
		who = append(who, names[id])
	}
	vm.Assignees = strings.Join(who, ", ")
	if vm.Assignees == "" {
		vm.Assignees = "—"
	}
	ovs, err := domain.FindTaskOverrides(e.App, task.Id)
	if err != nil {
		return h.fail(e, err)
	}
	for _, o := range domain.AsAssignmentOverrides(ovs) {
		vm.Overrides = append(vm.Overrides, overrideVM(ctx, o))
	}
	vm.Page.Shell.Toasts = h.dispatchToasts(e)
	render(e.Response, e.Request, status, planning.AssignPage(vm))
	return nil
}

// overrideVM formats a recorded override.
func overrideVM(ctx context.Context, o domain.AssignmentOverride) planning.OverrideVM {
	v := planning.OverrideVM{At: i18n.FormatDateTime(ctx, o.At()), Reason: o.Reason()}
	if u, ok := o.ExpandedBy(); ok {
		v.By = u.Name()
	}
	if u, ok := o.ExpandedUser(); ok {
		v.Who = u.Name()
	} else if c, ok := o.ExpandedCrew(); ok {
		v.Who = c.Name()
	}
	for _, c := range o.ConflictList() {
		v.Conflicts = append(v.Conflicts, conflictText(ctx, c))
	}
	return v
}
