package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

func (h *Handlers) renderClients(e *core.RequestEvent, status int, form, errs map[string]string) error {
	ctx := e.Request.Context()
	recs, err := domain.FindClients(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	vm := sites.ClientsVM{Shell: h.shell(e, "sites", i18n.T(ctx, "nav.clients"), layouts.Crumb{Label: i18n.T(ctx, "nav.sites"), Href: "/sites"}, layouts.Crumb{Label: i18n.T(ctx, "nav.clients")}),
		CanEdit: tenantCtx(e).CanCreateSite(), Form: components.Form{Values: form, Errors: errs}}
	vm.Shell.Toasts = h.flashToasts(e)
	for _, k := range []string{"public", "private", "individual"} {
		vm.Kinds = append(vm.Kinds, components.Option{Value: k, Label: i18n.T(ctx, "client.kind."+k)})
	}
	for _, c := range recs {
		n, err := domain.CountClientSites(e.App, c.Id)
		if err != nil {
			return h.fail(e, err)
		}
		vm.Clients = append(vm.Clients, sites.ClientVM{ID: c.Id, Name: c.Name(), Kind: c.Kind(),
			Contact: c.ContactName(), Email: c.Email(), Phone: c.Phone(), Sites: strconv.Itoa(n)})
	}
	render(e.Response, e.Request, status, sites.ClientsPage(vm))
	return nil
}

// clientsList lists clients.
func (h *Handlers) clientsList(e *core.RequestEvent) error {
	return h.renderClients(e, http.StatusOK, map[string]string{"kind": "private"}, nil)
}

// clientsCreate adds a client (office roles).
func (h *Handlers) clientsCreate(e *core.RequestEvent) error {
	if !tenantCtx(e).CanCreateSite() {
		return h.errorPage(e, http.StatusForbidden)
	}
	v := e.Request.FormValue
	in := domain.ClientInput{Name: v("name"), Kind: v("kind"), ContactName: v("contact_name"), Email: v("email"), Phone: v("phone"), Siret: v("siret"), Address: v("address")}
	if _, err := domain.CreateClient(e.App, e.Auth, in); err != nil {
		errs := map[string]string{}
		if !fieldErr(e, err, errs) {
			return h.fail(e, err)
		}
		form := map[string]string{"name": in.Name, "kind": in.Kind, "contact_name": in.ContactName, "email": in.Email, "phone": in.Phone, "siret": in.Siret, "address": in.Address}
		return h.renderClients(e, http.StatusBadRequest, form, errs)
	}
	return e.Redirect(http.StatusSeeOther, "/clients?toast=client_created")
}
