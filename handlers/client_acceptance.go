package handlers

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/client"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
)

// clientAcceptanceRoutes registers the acceptance reports on the client
// portal (issue #20, item 3): read a report, sign it, accept a lifting,
// its PDFs and photos. Every route is scoped by the client session: a
// site or report outside it is not found.
func (h *Handlers) clientAcceptanceRoutes(r *router.Router[*core.RequestEvent]) {
	g := h.clientGroup(r)
	g.GET("/sites/{id}/acceptance/{aid}", h.clientAcceptanceShow)
	g.POST("/sites/{id}/acceptance/{aid}/sign", h.clientAcceptanceSign)
	g.POST("/sites/{id}/acceptance/{aid}/reservations/{rid}/accept", h.clientLiftingAccept)
	g.GET("/sites/{id}/acceptance/{aid}/pv.pdf", h.clientAcceptanceFile(false))
	g.GET("/sites/{id}/acceptance/{aid}/state.pdf", h.clientAcceptanceFile(true))
	g.GET("/sites/{id}/acceptance/{aid}/photos/{pid}", h.clientAcceptanceFile(false))
}

// clientAcceptanceList is the site's reports as the client's site page
// lists them (client.SiteVM.Acceptances).
func (h *Handlers) clientAcceptanceList(e *core.RequestEvent, siteID string) ([]client.AcceptanceVM, error) {
	sums, err := domain.ClientAcceptances(e.App, siteID)
	if err != nil {
		return nil, err
	}
	ctx := e.Request.Context()
	out := make([]client.AcceptanceVM, 0, len(sums))
	for _, a := range sums {
		out = append(out, client.AcceptanceVM{Label: i18n.T(ctx, "acceptance.report") + " · " + i18n.FormatDate(ctx, a.Date) + " · " + strings.Join(a.Lots, ", "),
			Status: acceptanceStatus(e, a.Status, a.WithReservations()), Href: "/client/sites/" + siteID + "/acceptance/" + a.ID})
	}
	return out, nil
}

// clientAcceptance loads the session's site and the report of the path.
func (h *Handlers) clientAcceptance(e *core.RequestEvent) (domain.Site, domain.Acceptance, error) {
	s, err := h.clientSite(e)
	if err != nil {
		return s, domain.Acceptance{}, err
	}
	a, err := domain.SiteAcceptance(e.App, s.Id, e.Request.PathValue("aid"))
	return s, a, err
}

// clientAcceptanceShow is GET /client/sites/{id}/acceptance/{aid}.
func (h *Handlers) clientAcceptanceShow(e *core.RequestEvent) error {
	s, a, err := h.clientAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	return h.renderClientAcceptance(e, s, a, acceptanceForms{}, http.StatusOK)
}

func (h *Handlers) renderClientAcceptance(e *core.RequestEvent, s domain.Site, a domain.Acceptance, f acceptanceForms, status int) error {
	ctx := e.Request.Context()
	rep, err := h.acceptanceVM(e, s, a, "/client/sites/"+s.Id+"/acceptance/"+a.Id, true, f)
	if err != nil {
		return h.fail(e, err)
	}
	vm := client.AcceptancePageVM{Shell: h.clientShell(e, i18n.T(ctx, "acceptance.report")), SiteID: s.Id, Report: rep}
	render(e.Response, e.Request, status, client.AcceptancePage(vm))
	return nil
}

// clientAcceptanceSign is POST …/sign: the client's signature from the
// portal (the company's comes from the office's tablet).
func (h *Handlers) clientAcceptanceSign(e *core.RequestEvent) error {
	s, a, err := h.clientAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	v, sigs, errs := signatureForm(e, domain.PartyClient)
	if len(errs) == 0 {
		_, err = domain.SignAcceptanceAsClient(e.App, domain.ClientActor(clientCtx(e).Contact.Id), s.Id, a.Id, *sigs[domain.PartyClient], h.acceptanceRenderer(e), h.deps.Clock())
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/client/sites/"+s.Id+"/acceptance/"+a.Id)
		}
		if !signErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	return h.renderClientAcceptance(e, s, a, acceptanceForms{sign: components.Form{Values: v, Errors: errs}}, http.StatusBadRequest)
}

// clientLiftingAccept is POST …/reservations/{rid}/accept: the client
// accepts a lifted reservation with a signature.
func (h *Handlers) clientLiftingAccept(e *core.RequestEvent) error {
	s, a, err := h.clientAcceptance(e)
	if err != nil {
		return h.fail(e, err)
	}
	r, err := domain.FindAcceptanceReservation(e.App, e.Request.PathValue("rid"))
	if err != nil || r.AcceptanceID() != a.Id {
		return h.fail(e, domain.Errorf(domain.ENotFound, "err.reservation.not_found"))
	}
	v, sigs, errs := signatureForm(e, domain.PartyClient)
	if len(errs) == 0 {
		_, err = domain.AcceptLifting(e.App, domain.ClientActor(clientCtx(e).Contact.Id), s.Id, r.Id, *sigs[domain.PartyClient], h.deps.Clock())
		if err == nil {
			return e.Redirect(http.StatusSeeOther, "/client/sites/"+s.Id+"/acceptance/"+a.Id)
		}
		if !signErr(e, err, errs) {
			return h.fail(e, err)
		}
	}
	return h.renderClientAcceptance(e, s, a, acceptanceForms{accept: components.Form{Values: v, Errors: errs}}, http.StatusBadRequest)
}

// clientAcceptanceFile serves the report's PDFs and photos to the client.
func (h *Handlers) clientAcceptanceFile(state bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		_, a, err := h.clientAcceptance(e)
		if err != nil {
			return h.fail(e, err)
		}
		if e.Request.PathValue("pid") != "" {
			return h.serveAcceptancePhoto(e, a)
		}
		return h.serveAcceptancePDF(e, a, state)
	}
}
