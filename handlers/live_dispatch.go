package handlers

import (
	"github.com/pocketbase/pocketbase/core"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/planning"
)

// dispatchTopics are the changes that redraw the board of a week: its
// planned work and absences, crews, people and sites.
func dispatchTopics(q dispatchQuery) []domain.Topic {
	return []domain.Topic{domain.TopicWeek(q.Monday), domain.TopicAnyWeek, domain.TopicCollection(domain.CollectionCrews),
		domain.TopicCollection(domain.CollectionUsers), domain.TopicCollection(domain.CollectionSites)}
}

// dispatchStream keeps a board live (GET /dispatch/stream?week=…&rows=…
// &site=…): a change to the week's tasks or absences, to crews, people or
// sites renders the board once per group of viewers with the same site
// permissions and sends it to every open board of that week and layout.
// Unchanged renders are not sent.
func (h *Handlers) dispatchStream(e *core.RequestEvent) error {
	q, err := h.parseDispatchQuery(e)
	if err != nil {
		return h.fail(e, err)
	}
	ctx, locale := h.liveContext(e)
	app := e.App
	return serveLive(e, domain.LiveView[[]*core.Record]{
		Key:    q.href("/dispatch/stream", q.Monday, q.Kind) + "&" + locale,
		Topics: dispatchTopics(q),
		Load:   func() ([]*core.Record, error) { return domain.FindAllSites(app) },
		Audience: func(sites []*core.Record, viewer *core.Record) string {
			return domain.SiteAccessKey(viewer, sites)
		},
		Render: func(_ []*core.Record, viewer *core.Record) ([]byte, error) {
			w, err := domain.LoadDispatchWeek(app, viewer, q.Monday)
			if err != nil {
				return nil, err
			}
			board := planning.Board(newBoardVM(ctx, w, q, domain.TenantFactsOf(app).Today(h.deps.Clock())))
			return encodeFrame(ctx, func(sse *datastar.ServerSentEventGenerator) error {
				return sse.MergeFragmentTempl(board, datastar.WithMergeOuter())
			})
		},
	})
}
