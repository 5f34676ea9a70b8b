package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

// acceptanceRoutes registers the acceptance reports of a site (issue #20,
// item 3): the list, a report's tablet page, its reservations, the two
// signatures and the PDFs.
func (h *Handlers) acceptanceRoutes(r *router.Router[*core.RequestEvent]) {
	s := h.module(r, "sites")
	s.GET("/sites/{id}/acceptance", h.acceptanceList)
	s.POST("/sites/{id}/acceptance", h.acceptanceCreate)
	s.GET("/sites/{id}/acceptance/{aid}", h.acceptanceShow)
	s.POST("/sites/{id}/acceptance/{aid}/reservations", h.acceptanceReserve)
	s.POST("/sites/{id}/acceptance/{aid}/reservations/{rid}/remove", h.acceptanceUnreserve)
	s.POST("/sites/{id}/acceptance/{aid}/sign", h.acceptanceSign)
	s.GET("/sites/{id}/acceptance/{aid}/pv.pdf", h.acceptancePDF(false))
	s.GET("/sites/{id}/acceptance/{aid}/state.pdf", h.acceptancePDF(true))
	s.GET("/sites/{id}/acceptance/{aid}/photos/{pid}", h.acceptancePhoto)
}

// acceptanceList is GET /sites/{id}/acceptance: the site's reports and,
// for who prepares them, the form of a new one.
func (h *Handlers) acceptanceList(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	return h.renderAcceptanceList(e, s, components.Form{Values: map[string]string{"date": tenantCtx(e).Today().Format("2006-01-02")}}, http.StatusOK)
}

func (h *Handlers) renderAcceptanceList(e *core.RequestEvent, s domain.Site, form components.Form, status int) error {
	ctx := e.Request.Context()
	sums, err := domain.ClientAcceptances(e.App, s.Id)
	if err != nil {
		return h.fail(e, err)
	}
	title := i18n.T(ctx, "acceptance.title")
	vm := sites.AcceptanceListVM{Shell: h.shell(e, "sites", title, layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"},
		layouts.Crumb{Label: s.Code(), Href: "/sites/" + s.Id}, layouts.Crumb{Label: title}),
		SiteID: s.Id, SiteName: s.Name(), CanPrepare: domain.CanPrepareAcceptance(e.Auth, s.Record), Form: form}
	for _, a := range sums {
		vm.Items = append(vm.Items, sites.AcceptanceItemVM{ID: a.ID, Date: i18n.FormatDate(ctx, a.Date), Lots: strings.Join(a.Lots, ", "),
			Status: acceptanceStatus(e, a.Status, a.WithReservations()), Counts: i18n.T(ctx, "acceptance.counts", a.Reservations, a.Open, a.Lifted, a.Accepted)})
	}
	render(e.Response, e.Request, status, sites.AcceptanceList(vm))
	return nil
}

// acceptanceStatus names a report's status.
func acceptanceStatus(e *core.RequestEvent, status string, reserved bool) string {
	key := "acceptance.status." + status
	if status == domain.AcceptanceSigned && reserved {
		key += "_reserved"
	}
	return i18n.T(e.Request.Context(), key)
}

// acceptanceCreate is POST /sites/{id}/acceptance: a draft report
// (domain.PrepareAcceptance); lots and attendees one per line, an
// attendee as "name; company; role".
func (h *Handlers) acceptanceCreate(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	v := formValues(e, "date", "place", "lots", "attendees", "notes")
	errs := map[string]string{}
	in := domain.AcceptanceForm{Place: v["place"], Notes: v["notes"], Lots: lines(v["lots"])}
	for _, l := range lines(v["attendees"]) {
		p := strings.Split(l, ";")
		for len(p) < 3 {
			p = append(p, "")
		}
		in.Attendees = append(in.Attendees, domain.Attendee{Name: p[0], Company: p[1], Role: p[2]})
	}
	var bad bool
	if in.Date, bad = formDate(v["date"]); bad {
		errs["date"] = i18n.T(e.Request.Context(), "form.bad_date")
	}
	if len(errs) == 0 {
		a, err := domain.PrepareAcceptance(e.App, e.Auth, s.Id, "", in)
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/sites/"+s.Id+"/acceptance/"+a.Id)
		}
		if !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	return h.renderAcceptanceList(e, s, components.Form{Values: v, Errors: errs}, http.StatusBadRequest)
}

// lines splits a textarea into its non-blank lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
