package handlers

import "github.com/pocketbase/pocketbase/core"

// metrics serves Prometheus metrics on the platform host only (tenant
// hosts have no such route). The handler, with its optional basic auth,
// is configured by `fieldops serve` (Deps.Metrics).
func (h *Handlers) metrics(e *core.RequestEvent) error {
	mh := h.deps.Metrics
	if mh == nil {
		return e.NotFoundError("", nil)
	}
	mh.ServeHTTP(e.Response, e.Request)
	return nil
}
