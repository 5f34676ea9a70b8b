package handlers

import (
	"context"
	"time"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	planningvm "github.com/fieldops360/fieldops/views/planning"
)

// plannedSite is an open site with its plan, or the error computing it.
type plannedSite struct {
	site *core.Record
	plan *domain.SitePlan
	err  error
}

// loadPlannedSites computes the plan of every open site that keep accepts.
func loadPlannedSites(app core.App, now time.Time, keep func(*core.Record) bool) ([]plannedSite, error) {
	sites, err := domain.FindPlannedSites(app)
	if err != nil {
		return nil, err
	}
	out := make([]plannedSite, 0, len(sites))
	for _, s := range sites {
		if keep(s) {
			plan, err := domain.LoadSitePlan(app, s.Id, now)
			out = append(out, plannedSite{site: s, plan: plan, err: err})
		}
	}
	return out, nil
}

// planningBody lays out the multi-site planning of the sites viewer may
// see: each one's tasks and all of them on one chart, with the tenant's
// today.
func planningBody(ctx context.Context, sites []plannedSite, viewer *core.Record, today time.Time) planningvm.PlanningVM {
	var vm planningvm.PlanningVM
	var plans []*domain.SitePlan
	for _, ps := range sites {
		s := domain.Site{Record: ps.site}
		if !domain.CanSeeSite(viewer, s.Record) {
			continue
		}
		row := planningvm.SiteTasksVM{ID: s.Id, Title: s.Code() + " " + s.Name(), GanttHref: "/sites/" + s.Id + "/gantt"}
		if ps.err != nil {
			row.Error = userMessage(ctx, ps.err)
		} else if len(ps.plan.Schedule.Tasks) > 0 {
			row.Finish = civilText(ctx, ps.plan.Schedule.Finish)
			row.Bars = newBarVMs(ctx, ps.plan, ps.plan.Schedule.Start)
			plans = append(plans, ps.plan)
		}
		vm.Sites = append(vm.Sites, row)
	}
	if len(plans) > 0 {
		vm.Chart = newMultiChartVM(ctx, plans, today)
	}
	return vm
}

// planningStream keeps the multi-site planning live (GET /planning/stream):
// a change to any task, link, site or the company calendar renders the
// page's body once per group of viewers who see the same sites.
func (h *Handlers) planningStream(e *core.RequestEvent) error {
	ctx, locale := h.liveContext(e)
	app := e.App
	return serveLive(e, domain.LiveView[[]plannedSite]{
		Key: "/planning/stream?" + locale,
		Topics: []domain.Topic{domain.TopicCollection(domain.CollectionTasks), domain.TopicCollection(domain.CollectionTaskLinks),
			domain.TopicCollection(domain.CollectionSites), domain.TopicCollection(domain.CollectionCompany)},
		Load: func() ([]plannedSite, error) {
			return loadPlannedSites(app, h.deps.Clock(), func(*core.Record) bool { return true })
		},
		Audience: func(sites []plannedSite, viewer *core.Record) string {
			recs := make([]*core.Record, len(sites))
			for i, ps := range sites {
				recs[i] = ps.site
			}
			return domain.SiteAccessKey(viewer, recs)
		},
		Render: func(sites []plannedSite, viewer *core.Record) ([]byte, error) {
			body := planningvm.PlanningBody(planningBody(ctx, sites, viewer, domain.TenantFactsOf(app).Today(h.deps.Clock())))
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				return sse.MergeFragmentTempl(body, datastar.WithMergeOuter())
			})
		},
	})
}
