package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// renderApprovals renders the site lead's time approvals page.
func (h *Handlers) renderApprovals(e *core.RequestEvent, form components.Form, status int) error {
	ctx := e.Request.Context()
	title := i18n.T(ctx, "crew2.approvals.title")
	sites, err := crewSiteOptions(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm := crew.ApprovalsVM{Shell: h.shell(e, "today", title, layouts.Crumb{Label: i18n.T(ctx, "nav.today"), Href: "/today"}, layouts.Crumb{Label: title}),
		CSS: h.assets.Path("css/crew.css"), Form: form, Sites: sites}
	vm.Shell.Toasts = crewFlash(e)
	entries, err := domain.FindTimeToReview(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	for _, r := range domain.AsTimeEntries(entries) {
		vm.Entries = append(vm.Entries, entryVM(ctx, r))
	}
	conflicts, err := domain.FindOpenConflicts(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Conflicts = inboxVMs(e, conflicts)
	people, err := domain.FindActiveUsers(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	for _, p := range people {
		vm.People = append(vm.People, components.Option{Value: p.Id, Label: p.Name()})
	}
	render(e.Response, e.Request, status, crew.ApprovalsPage(vm))
	return nil
}

// timeApprovals is GET /time-approvals.
func (h *Handlers) timeApprovals(e *core.RequestEvent) error {
	return h.renderApprovals(e, components.Form{}, http.StatusOK)
}

// timeReview is POST /time-approvals/{id}/approve|reject.
func (h *Handlers) timeReview(approve bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		v := crewValues(e, "reason")
		_, err := domain.ReviewTimeEntry(e.App, e.Auth, e.Request.PathValue("id"), approve, v["reason"])
		toast := "approved"
		if !approve {
			toast = "rejected"
		}
		return h.approvalsAnswer(e, err, toast)
	}
}

// timeTeamClockIn is POST /time-approvals/team: the site lead clocks in
// the people present on a site.
func (h *Handlers) timeTeamClockIn(e *core.RequestEvent) error {
	v := crewValues(e, "site")
	_, err := domain.ClockInTeam(e.App, e.Auth, v["site"], e.Request.PostForm["users"], h.deps.Clock(), crewFix(e, "in_"))
	return h.approvalsAnswer(e, err, "team")
}

// conflictResolve is POST /conflicts/{id}/resolve.
func (h *Handlers) conflictResolve(e *core.RequestEvent) error {
	return h.approvalsAnswer(e, domain.ResolveConflict(e.App, e.Auth, e.Request.PathValue("id")), "resolved")
}

func (h *Handlers) approvalsAnswer(e *core.RequestEvent, err error, toast string) error {
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderApprovals(e, components.Form{Errors: components.FieldErrors{components.WholeForm: first(errs)}}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/time-approvals?toast="+toast)
}

func first(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}
