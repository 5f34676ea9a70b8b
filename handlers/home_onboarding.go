package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
)

// onboardingVM builds the dashboard's getting-started checklist, nil once
// dismissed or complete. A step links where it is done, when the viewer
// may go there; otherwise its hint says who can do it.
func (h *Handlers) onboardingVM(e *core.RequestEvent) (*home.OnboardingVM, error) {
	ctx := e.Request.Context()
	o, err := domain.FindOnboarding(e.App)
	if err != nil || !o.Visible() {
		return nil, err
	}
	tc := tenantCtx(e)
	hrefs := map[string]string{
		domain.StepCompany:    onlyIf(tc.CanOpen("settings"), "/settings"),
		domain.StepPeople:     onlyIf(tc.CanManagePeople(), "/people?add=1"),
		domain.StepSite:       onlyIf(tc.CanCreateSite(), "/sites/new"),
		domain.StepTask:       onlyIf(o.FirstSiteID != "" && tc.CanOpen("sites"), "/sites/"+o.FirstSiteID+"/gantt"),
		domain.StepAssignment: onlyIf(tc.CanOpen("dispatch"), "/dispatch"),
		domain.StepCrewApp:    "/help#" + guideCrewAnchor,
	}
	vm := &home.OnboardingVM{Done: o.DoneCount()}
	for _, k := range domain.OnboardingSteps {
		s := home.OnboardingStepVM{Key: k, Label: i18n.T(ctx, "onboarding.step."+k), Href: hrefs[k], Done: o.Done[k]}
		s.Hint = i18n.T(ctx, "onboarding.hint."+k)
		switch {
		case k == domain.StepTask && o.FirstSiteID == "":
			s.Hint = i18n.T(ctx, "onboarding.hint.task_no_site")
		case s.Href == "":
			s.Hint = i18n.T(ctx, "onboarding.hint.ask_admin")
		}
		vm.Steps = append(vm.Steps, s)
	}
	return vm, nil
}

// onlyIf returns href when ok, else "".
func onlyIf(ok bool, href string) string {
	if ok {
		return href
	}
	return ""
}

// onboardingToasts says the checklist was hidden (after the dismissal's
// redirect) and where the guide stays.
func onboardingToasts(e *core.RequestEvent) []components.ToastVM {
	if e.Request.URL.Query().Get("onboarding") != "hidden" {
		return nil
	}
	return []components.ToastVM{{ID: "toast-onboarding", Kind: "success", Text: i18n.T(e.Request.Context(), "onboarding.hidden")}}
}

// onboardingDismiss hides the checklist for the whole tenant (whoever
// sees the dashboard may), then back to the dashboard.
func (h *Handlers) onboardingDismiss(e *core.RequestEvent) error {
	if err := domain.DismissOnboarding(e.App, e.Auth, h.deps.Clock()); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/dashboard?onboarding=hidden")
}
