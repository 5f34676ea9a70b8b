package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/sites"
)

// siteCostsTopics are the changes that move a site's costs tab: the
// records of that site it is computed from (TopicSiteCosts: approved
// time, consumption, incidents, bookings, phase budgets, tasks, the site
// itself), a change whose site is unknown (TopicAnySite), and the rates
// every site shares (hourly costs, daily rates, overtime rules, calendar).
func siteCostsTopics(siteID string) []domain.Topic {
	out := []domain.Topic{domain.TopicSiteCosts(siteID), domain.TopicAnySite}
	for _, c := range []string{domain.CollectionUsers, domain.CollectionVehicles, domain.CollectionEquipment, domain.CollectionCompany} {
		out = append(out, domain.TopicCollection(c))
	}
	return out
}

// siteCostsStream keeps a site's costs tab live (GET
// /sites/{id}/costs/stream): a committed change to what its costs are
// computed from re-reads the figures once and re-renders the tab once per
// audience (who may see the site's costs, or nobody). Same guard as the
// page: 404 for a site the viewer cannot see (another tenant's
// included), 403 for who may not see its costs.
func (h *Handlers) siteCostsStream(e *core.RequestEvent) error {
	s, err := h.viewSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	if !domain.CanSeeSiteKPIs(e.Auth, s.Record) {
		return h.errorPage(e, http.StatusForbidden)
	}
	ctx, locale := h.liveContext(e)
	app, id := e.App, s.Id
	audience := func(d *siteCostsData, viewer *core.Record) string {
		if domain.CanSeeSiteKPIs(viewer, d.site.Record) {
			return "costs"
		}
		return "none"
	}
	return serveLive(e, domain.LiveView[*siteCostsData]{
		Key:    "/sites/" + id + "/costs/stream?" + locale,
		Topics: siteCostsTopics(id),
		Load: func() (*siteCostsData, error) {
			site, err := domain.FindSite(app, id)
			if err != nil {
				return nil, err
			}
			return loadSiteCostsData(app, site, domain.TenantFactsOf(app).Today(h.deps.Clock()))
		},
		Audience: audience,
		Render: func(d *siteCostsData, viewer *core.Record) ([]byte, error) {
			if audience(d, viewer) == "none" {
				return nil, nil
			}
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				return sse.MergeFragmentTempl(sites.CostsBody(siteCostsVM(ctx, d)), datastar.WithMergeOuter())
			})
		},
	})
}
