package tenants

import (
	"errors"
	"net/http"
)

// refuseSchema answers a request of slug 503 (the bilingual page, or JSON
// on API paths) when err is the refusal of its database for a newer
// schema (openTenant's SchemaError), and logs that refusal at error level
// once per tenant. The other tenants keep being served. It reports
// whether it answered.
func (r *Registry) refuseSchema(w http.ResponseWriter, req *http.Request, slug string, err error) bool {
	var se *SchemaError
	if !errors.As(err, &se) {
		return false
	}
	if _, logged := r.schemaRefused.LoadOrStore(slug, true); !logged {
		r.cfg.Logger.Error("tenant out of service: database migrated by a newer release, roll forward instead",
			"tenant", slug, "db", se.Path, "unknown_migrations", se.Unknown, "error", se.Error())
	}
	w.Header().Set("Cache-Control", "no-store")
	if wantsJSON(req) {
		writeJSONError(w, req, http.StatusServiceUnavailable, CauseSchema)
		return true
	}
	r.routes.ErrorPage(w, req, http.StatusServiceUnavailable, CauseSchema)
	return true
}
