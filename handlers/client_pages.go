package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/client"
	"github.com/fieldops360/fieldops/views/i18n"
)

// clientShell is the frame of a client page titled title.
func (h *Handlers) clientShell(e *core.RequestEvent, title string) client.ShellVM {
	vm := client.ShellVM{Page: h.pageVM(e, title), Company: tenantCtx(e).Company.Name}
	if s := clientCtx(e); s != nil {
		vm.Contact = s.Contact.Name()
	}
	if vm.Company == "" {
		vm.Company = "FieldOps360"
	}
	return vm
}

// clientHome is /client/: the client's sites with their progress.
func (h *Handlers) clientHome(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	list, err := domain.ClientSites(e.App, clientCtx(e))
	if err != nil {
		return h.fail(e, err)
	}
	vm := client.HomeVM{Shell: h.clientShell(e, i18n.T(ctx, "client.sites_title"))}
	for _, s := range list {
		vm.Sites = append(vm.Sites, h.clientCard(e, s))
	}
	render(e.Response, e.Request, http.StatusOK, client.Home(vm))
	return nil
}

func (h *Handlers) clientCard(e *core.RequestEvent, s domain.ClientSiteSummary) client.SiteCardVM {
	ctx := e.Request.Context()
	c := client.SiteCardVM{ID: s.ID, Name: s.Name, Address: s.Address, Status: s.Status, Progress: s.Progress}
	if s.TasksTotal > 0 {
		c.ProgressText = i18n.T(ctx, "client.tasks_done", s.TasksDone, s.TasksTotal)
	}
	if !s.Start.IsZero() || !s.End.IsZero() {
		c.Dates = clientDay(e, s.Start) + " – " + clientDay(e, s.End)
	}
	if s.NextMilestone != "" {
		c.Next = s.NextMilestone + " (" + clientDay(e, s.NextMilestoneDue) + ")"
	}
	return c
}

func clientDay(e *core.RequestEvent, t time.Time) string {
	if t.IsZero() {
		return "…"
	}
	return i18n.FormatDate(e.Request.Context(), t.In(tenantCtx(e).Location()))
}

// clientSiteShow is /client/sites/{id}: a site of the session (404 for
// any other), its planning summary and what the office shares.
func (h *Handlers) clientSiteShow(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	s := clientCtx(e)
	v, err := domain.LoadClientSite(e.App, s, e.Request.PathValue("id"), h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	base := "/client/sites/" + v.ID
	vm := client.SiteVM{Shell: h.clientShell(e, v.Name), Site: h.clientCard(e, v.ClientSiteSummary)}
	for _, m := range v.Milestones {
		it := client.ItemVM{Label: m.Name, Date: clientDay(e, m.Due), Done: !m.ReachedAt.IsZero()}
		vm.Milestones = append(vm.Milestones, it)
	}
	for _, t := range v.NextSteps {
		vm.NextSteps = append(vm.NextSteps, client.ItemVM{Label: t.Title, Date: clientDay(e, t.Start), Detail: i18n.T(ctx, "client.task."+t.Status)})
	}
	for _, t := range v.Proofs {
		vm.Proofs = append(vm.Proofs, client.ItemVM{Label: t.Title, Date: clientDay(e, t.End), Href: base + "/proofs/" + t.ID + ".pdf", Done: true})
	}
	for _, r := range v.Reports {
		vm.Reports = append(vm.Reports, client.ItemVM{Label: i18n.T(ctx, "client.weekly_report", r.Period), Date: clientDay(e, r.At), Href: base + "/reports/" + r.ID + ".pdf"})
	}
	for _, d := range v.Documents {
		vm.Documents = append(vm.Documents, client.ItemVM{Label: d.Title, Date: clientDay(e, d.At), Href: base + "/documents/" + d.ID})
	}
	for i, p := range v.Photos {
		label := p.Title
		if label == "" {
			label = i18n.T(ctx, "client.photo_n", i+1)
		}
		vm.Photos = append(vm.Photos, client.ItemVM{Label: label, Date: clientDay(e, p.At), Href: base + "/photos/" + p.ID})
	}
	for _, inv := range v.Invoices {
		vm.Invoices = append(vm.Invoices, client.ItemVM{Label: inv.Title, Date: clientDay(e, inv.At), Href: base + "/invoices/" + inv.ID + ".pdf",
			Detail: strconv.FormatFloat(float64(inv.AmountCents)/100, 'f', 2, 64) + " € TTC · " + i18n.T(ctx, "invoice.status."+inv.Status)})
	}
	acc, err := h.clientAcceptances(e, v.ID)
	if err != nil {
		return h.fail(e, err)
	}
	vm.Acceptances = acc
	render(e.Response, e.Request, http.StatusOK, client.Site(vm))
	return nil
}

// clientAcceptances lists the site's acceptance reports (PV de réception)
// for the client (handlers/client_acceptance.go).
func (h *Handlers) clientAcceptances(e *core.RequestEvent, siteID string) ([]client.AcceptanceVM, error) {
	return h.clientAcceptanceList(e, siteID)
}

// clientSignedOut is the page after signing out.
func (h *Handlers) clientSignedOut(e *core.RequestEvent) error {
	render(e.Response, e.Request, http.StatusOK, client.SignedOut(h.pageVM(e, i18n.T(e.Request.Context(), "client.signed_out"))))
	return nil
}
