package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/crew"
	"github.com/fieldops360/fieldops/views/i18n"
)

// renderTime renders the crew's time clock page.
func (h *Handlers) renderTime(e *core.RequestEvent, form components.Form, status int) error {
	ctx := e.Request.Context()
	now := h.deps.Clock()
	from := tenantCtx(e).DayStart().AddDate(0, 0, -7)
	recs, err := domain.FindTimeEntries(e.App, e.Auth.Id, from, now.AddDate(0, 0, 1))
	if err != nil {
		return h.fail(e, err)
	}
	sites, err := crewSiteOptions(e.App, e.Auth)
	if err != nil {
		return h.fail(e, err)
	}
	vm := crew.TimeVM{Shell: h.crewShell(e, "time", i18n.T(ctx, "crew2.time.title")), CSS: h.assets.Path("css/crew.css"),
		Form: form, Sites: sites, Tasks: []components.Option{{Value: "", Label: "—"}}, SwitchOpen: len(form.Errors) > 0 && form.V("id") == ""}
	vm.Shell.Toasts = crewFlash(e)
	for _, r := range domain.AsTimeEntries(recs) {
		en := entryVM(ctx, r)
		if r.Status() == domain.TimeOpen && vm.Open == nil {
			vm.Open = &en
		}
		vm.Recent = append(vm.Recent, en)
	}
	tasks, err := domain.FindTasksBetween(e.App, tenantCtx(e).DayStart(), tenantCtx(e).DayStart().AddDate(0, 0, 1), e.Auth.Id)
	if err != nil {
		return h.fail(e, err)
	}
	for _, t := range domain.AsTasks(tasks) {
		vm.Tasks = append(vm.Tasks, components.Option{Value: t.Id, Label: t.Title()})
	}
	render(e.Response, e.Request, status, crew.TimePage(vm))
	return nil
}

// timeShow is GET /m/time.
func (h *Handlers) timeShow(e *core.RequestEvent) error {
	return h.renderTime(e, components.Form{}, http.StatusOK)
}

// timeClockIn is POST /m/time/clock-in: the user clocks in now, with the
// position taken when they pressed the button (flagged, never refused).
// With an entry open it is a change of site, refused unless confirmed
// ("switch"): clocking in closes the open entry.
func (h *Handlers) timeClockIn(e *core.RequestEvent) error {
	v := crewValues(e, "site", "task", "kind", "switch")
	err := domain.CheckClockInSwitch(e.App, e.Auth.Id, v["switch"] == "1", i18n.Location(e.Request.Context()))
	if err == nil {
		_, err = domain.ClockIn(e.App, e.Auth, domain.ClockInput{Site: v["site"], Task: v["task"], Kind: v["kind"],
			Source: domain.SourceSelf, At: h.deps.Clock(), Fix: crewFix(e, "in_")})
	}
	return h.timeAnswer(e, v, err, "clocked_in")
}

// timeClockOut is POST /m/time/clock-out.
func (h *Handlers) timeClockOut(e *core.RequestEvent) error {
	v := crewValues(e, "id")
	_, err := domain.ClockOut(e.App, e.Auth, v["id"], h.deps.Clock(), crewFix(e, "out_"))
	return h.timeAnswer(e, v, err, "clocked_out")
}

// timeAnswer redirects with a toast, or re-renders the page with errors.
func (h *Handlers) timeAnswer(e *core.RequestEvent, v map[string]string, err error, toast string) error {
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderTime(e, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/m/time?toast="+toast)
}
