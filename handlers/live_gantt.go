package handlers

import (
	"net/url"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/planning"
)

// ganttTopics are the changes that redraw a site's Gantt: the site, its
// tasks, links and baselines, and the company calendar.
func ganttTopics(siteID string) []domain.Topic {
	return []domain.Topic{domain.TopicSite(siteID), domain.TopicAnySite, domain.TopicCollection(domain.CollectionCompany)}
}

// ganttStream keeps a Gantt live (GET /sites/{id}/gantt/stream
// ?baseline=…): a change to the site's plan renders the chart and the
// task table (and the baseline comparison) once per group of viewers who
// may or may not edit it, for every open viewer of that site and
// baseline. Unchanged renders are not re-sent.
func (h *Handlers) ganttStream(e *core.RequestEvent) error {
	site, err := h.loadSite(e)
	if err != nil {
		return h.fail(e, err)
	}
	ctx, locale := h.liveContext(e)
	key := "/sites/" + site.Id + "/gantt/stream?"
	var base *domain.Baseline
	if b, ok := ganttBaseline(e, site.Id); ok {
		base, key = &b, key+"baseline="+url.QueryEscape(b.ID)+"&"
	}
	app, siteID := e.App, site.Id
	return serveLive(e, domain.LiveView[*domain.SitePlan]{
		Key:    key + locale,
		Topics: ganttTopics(siteID),
		Load:   func() (*domain.SitePlan, error) { return domain.LoadSitePlan(app, siteID, h.deps.Clock()) },
		Audience: func(plan *domain.SitePlan, viewer *core.Record) string {
			return domain.SiteAccessKey(viewer, []*core.Record{plan.Site})
		},
		Render: func(plan *domain.SitePlan, viewer *core.Record) ([]byte, error) {
			if !domain.CanSeeSite(viewer, plan.Site) {
				return nil, nil
			}
			chart := newChartVM(ctx, plan, domain.TenantFactsOf(app).Today(h.deps.Clock()), domain.CanEditSiteDay(viewer, plan.Site), base)
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				if err := sse.MergeFragmentTempl(planning.Chart(chart), datastar.WithMergeOuter()); err != nil {
					return err
				}
				if err := sse.MergeFragmentTempl(planning.TaskTable(chart), datastar.WithMergeOuter()); err != nil || base == nil {
					return err
				}
				return sse.MergeFragmentTempl(planning.BaselineSummary(chart), datastar.WithMergeOuter())
			})
		},
	})
}
