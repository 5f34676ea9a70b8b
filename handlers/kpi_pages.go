package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/home"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
)

// kpiBoardTopics are the changes that move the board's figures: time
// entries (approvals), stock moves (consumption), incidents,
// reservations, tasks (progress, late tasks), sites and the company
// (overtime rules, calendar).
func kpiBoardTopics() []domain.Topic {
	out := []domain.Topic{domain.TopicAnySite}
	for _, c := range []string{domain.CollectionTimeEntries, domain.CollectionStockMoves, domain.CollectionIncidents,
		domain.CollectionReservations, domain.CollectionTasks, domain.CollectionSites, domain.CollectionCompany, domain.CollectionUsers} {
		out = append(out, domain.TopicCollection(c))
	}
	return out
}

// kpisShow is GET /kpis: the project manager's board of their sites (a
// manager sees every site, as on /dashboard), live.
func (h *Handlers) kpisShow(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	d, err := loadKPIBoard(e.App, h.deps.Clock())
	if err != nil {
		return h.fail(e, err)
	}
	vm := home.KPIPageVM{Shell: h.shell(e, "kpis", i18n.T(ctx, "kpi.title"), layouts.Crumb{Label: i18n.T(ctx, "kpi.title")}),
		Board: kpiBoardVM(ctx, d, e.Auth)}
	render(e.Response, e.Request, http.StatusOK, home.KPIPage(vm))
	return nil
}

// kpisStream keeps the KPI board live (GET /kpis/stream): a committed
// change to time entries, stock moves, incidents, reservations, tasks or
// sites re-reads the figures once (bursts coalesced by domain.Live) and
// re-renders the board once per audience (every site, or a project
// manager's own).
func (h *Handlers) kpisStream(e *core.RequestEvent) error {
	ctx, locale := h.liveContext(e)
	app := e.App
	return serveLive(e, domain.LiveView[*kpiBoardData]{
		Key:      kpiBoardStream + "?" + locale,
		Topics:   kpiBoardTopics(),
		Load:     func() (*kpiBoardData, error) { return loadKPIBoard(app, h.deps.Clock()) },
		Audience: func(_ *kpiBoardData, viewer *core.Record) string { return kpiBoardAudience(viewer) },
		Render: func(d *kpiBoardData, viewer *core.Record) ([]byte, error) {
			if kpiBoardAudience(viewer) == "none" {
				return nil, nil
			}
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				return sse.MergeFragmentTempl(home.KPIBoard(kpiBoardVM(ctx, d, viewer)), datastar.WithMergeOuter())
			})
		},
	})
}
