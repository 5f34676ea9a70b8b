package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/portal"
)

// portalCreate provisions a tenant through the same code path as the CLI.
// A Datastar request sees each step as it runs, then the result (or the
// form with its errors); a plain form post gets the whole page back.
func (h *Handlers) portalCreate(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	form := portal.CreateFormVM{
		Slug: strings.TrimSpace(e.Request.FormValue("slug")), Name: e.Request.FormValue("name"),
		Sector: e.Request.FormValue("sector"), AdminEmail: e.Request.FormValue("admin_email"), Plan: e.Request.FormValue("plan"),
	}
	in := tenants.CreateInput{Slug: form.Slug, Name: form.Name, Sector: form.Sector, AdminEmail: form.AdminEmail, Plan: form.Plan, Actor: e.Auth.Email()}

	var sse *datastar.ServerSentEventGenerator
	if isDatastar(e.Request) {
		sse = datastar.NewSSE(e.Response, e.Request)
		var steps []portal.StepVM
		in.Progress = func(step string) {
			for i := range steps {
				steps[i].Done = true
			}
			steps = append(steps, portal.StepVM{Key: step, Done: step == "done"})
			_ = sse.MergeFragmentTempl(portal.CreateProgress(steps))
		}
	}
	res, err := h.deps.Registry.CreateTenant(in)
	if err != nil {
		a := answerOf(ctx, err)
		if !a.OnForm {
			h.deps.Logger.ErrorContext(ctx, "portal create tenant", "slug", form.Slug, "error", err)
			if sse != nil {
				return h.toast(sse, "error", a.Message)
			}
			return h.fail(e, err)
		}
		if a.Field == components.WholeForm {
			a.Field = "slug" // the form shows tenant-wide errors under the slug
		}
		form.Errors = map[string]string{a.Field: a.Message}
		if sse != nil {
			createFormOptions(ctx, &form)
			_ = sse.RemoveFragments("#create-progress > *")
			return sse.MergeFragmentTempl(portal.CreateForm(form))
		}
		vm, verr := h.newTenantsVM(e, form)
		if verr != nil {
			return h.fail(e, verr)
		}
		render(e.Response, e.Request, a.Status, portal.TenantsPage(vm))
		return nil
	}
	result := portal.CreateResultVM{Slug: res.Slug, URL: res.URL, AdminEmail: res.AdminEmail, AdminPassword: res.AdminPassword, ElapsedMS: res.ElapsedMS}
	if sse != nil {
		return sse.MergeFragmentTempl(portal.CreateResult(result))
	}
	vm, err := h.newTenantsVM(e, portal.CreateFormVM{Sector: domain.SectorBTP, Plan: tenants.PlanStarter})
	if err != nil {
		return h.fail(e, err)
	}
	vm.Result = &result
	// NB: 200, not a redirect: the generated password is shown once, here.
	e.Response.Header().Set("Cache-Control", "no-store")
	render(e.Response, e.Request, http.StatusOK, portal.TenantsPage(vm))
	return nil
}
