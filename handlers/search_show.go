package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// searchShow answers the office search box with what the user may see
// (domain.Search scopes crews to their sites and hides e-mails).
func (h *Handlers) searchShow(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	q := e.Request.URL.Query().Get("q")
	vm := home.SearchVM{Shell: h.shell(e, "", i18n.T(ctx, "search.title", q), layouts.Crumb{Label: i18n.T(ctx, "search.crumb")}), Query: q}
	hits, err := domain.Search(e.App, e.Auth, q, 20)
	status := http.StatusOK
	if err != nil {
		a := answerOf(ctx, err)
		if !a.OnForm {
			return h.fail(e, err)
		}
		vm.Error, status = a.Message, a.Status
	}
	admin := tenantCtx(e).TenantAdmin
	for _, hit := range hits {
		vm.Hits = append(vm.Hits, home.SearchHitVM{Kind: hit.Kind, Title: hit.Title, Subtitle: hit.Subtitle, Href: searchHref(hit, admin)})
	}
	render(e.Response, e.Request, status, home.SearchPage(vm))
	return nil
}

// searchHref links a hit to the page that shows it, when one exists.
func searchHref(hit domain.SearchHit, admin bool) string {
	if hit.Kind == "person" && admin {
		return "/users#user-" + hit.ID
	}
	return ""
}
