package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/sites"
)

// optionsAll prepends an "all" choice to options (list filters).
func optionsAll(ctx context.Context, opts []components.Option) []components.Option {
	return append([]components.Option{{Value: "", Label: i18n.T(ctx, "common.all")}}, opts...)
}

func statusOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, s := range domain.SiteStatuses() {
		out = append(out, components.Option{Value: s, Label: i18n.T(ctx, "site.status."+s)})
	}
	return out
}

func sectorOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, s := range domain.Sectors {
		out = append(out, components.Option{Value: s, Label: i18n.T(ctx, "sector."+s)})
	}
	return out
}

// peopleOptions lists active users with one of roles ("" first = none).
func peopleOptions(ctx context.Context, app core.App, roles ...string) ([]components.Option, error) {
	out := []components.Option{{Value: "", Label: "—"}}
	users, err := domain.FindActiveUsers(app)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if len(roles) == 0 || contains(roles, u.Role()) {
			out = append(out, components.Option{Value: u.Id, Label: u.Name()})
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// period formats a start–end range.
func period(ctx context.Context, s, e time.Time) string {
	if s.IsZero() && e.IsZero() {
		return "—"
	}
	return i18n.FormatDate(ctx, s) + " → " + i18n.FormatDate(ctx, e)
}

// named is a typed record with a display name (client, user, tool).
type named interface{ Name() string }

// nameOr returns the name of an expanded relation, or "—" when empty.
func nameOr[T named](r T, ok bool) string {
	if !ok {
		return "—"
	}
	return r.Name()
}

// sitesList lists the sites the user may see, with filters.
func (h *Handlers) sitesList(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	q := e.Request.URL.Query()
	f := domain.SiteFilter{Status: q.Get("status"), Sector: q.Get("sector"), ProjectManager: q.Get("pm"), Query: q.Get("q")}
	recs, err := domain.FindSites(e.App, f)
	if err != nil {
		return h.fail(e, err)
	}
	pms, err := peopleOptions(ctx, e.App, domain.RoleProjectManager, domain.RoleManager)
	if err != nil {
		return h.fail(e, err)
	}
	vm := sites.ListVM{
		Shell:   h.shell(e, "sites", i18n.T(ctx, "nav.sites"), layouts.Crumb{Label: i18n.T(ctx, "nav.sites")}),
		CanEdit: tenantCtx(e).CanCreateSite(),
		Filter: sites.FilterVM{Status: f.Status, Sector: f.Sector, PM: f.ProjectManager, Query: f.Query,
			Statuses: optionsAll(ctx, statusOptions(ctx)), Sectors: optionsAll(ctx, sectorOptions(ctx)),
			PMs: optionsAll(ctx, pms[1:])},
	}
	vm.Shell.Toasts = h.flashToasts(e)
	for _, s := range domain.AsSites(recs) {
		if !tenantCtx(e).CanSeeSite(s.Record) {
			continue
		}
		vm.Rows = append(vm.Rows, sites.RowVM{
			ID: s.Id, Code: s.Code(), Name: s.Name(), Client: nameOr(s.ExpandedClient()),
			Sector: s.Sector(), Status: s.Status(), PM: nameOr(s.ExpandedProjectManager()),
			Period: period(ctx, s.Start(), s.End()), Budget: i18n.FormatEUR(ctx, s.Budget()),
		})
	}
	render(e.Response, e.Request, http.StatusOK, sites.ListPage(vm))
	return nil
}
