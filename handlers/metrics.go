package handlers

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// metrics serves Prometheus metrics on the platform host only (tenant
// hosts have no such route). The handler, with its optional basic auth,
// is configured by `fieldops serve` (tenants.Config.Metrics).
func (h *Handlers) metrics(e *core.RequestEvent) error {
	var mh http.Handler
	if h.deps.Registry != nil {
		mh = h.deps.Registry.Config().Metrics
	}
	if mh == nil {
		return e.NotFoundError("", nil)
	}
	mh.ServeHTTP(e.Response, e.Request)
	return nil
}
