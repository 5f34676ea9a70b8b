package tenants

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/fieldops360/fieldops/catalog"
)

// Target kinds returned by Resolve.
const (
	TargetUnknown  = "unknown"
	TargetPlatform = "platform"
	TargetTenant   = "tenant"
)

// ctxKey is the private type of context keys set by the dispatcher.
type ctxKey int

const tenantCtxKey ctxKey = 1

// FromContext returns the tenant serving the request, or nil on the
// platform host.
func FromContext(ctx context.Context) *Tenant {
	t, _ := ctx.Value(tenantCtxKey).(*Tenant)
	return t
}

// Resolve maps a request host to the platform or a tenant slug.
// <Domain> and admin.<Domain> are the platform; <slug>.<Domain> is a
// tenant; with DefaultTenant every other host is that tenant; else a
// verified custom host of a tenant.
func (r *Registry) Resolve(hostport string) (kind, slug string) {
	host := strings.ToLower(strings.TrimSuffix(hostOnly(hostport), "."))
	domain := strings.ToLower(r.cfg.Domain)
	if host == "admin."+domain {
		return TargetPlatform, ""
	}
	if r.cfg.DefaultTenant != "" {
		return TargetTenant, r.cfg.DefaultTenant
	}
	if host == domain {
		return TargetPlatform, ""
	}
	if label, ok := strings.CutSuffix(host, "."+domain); ok && label != "" && !strings.Contains(label, ".") {
		return TargetTenant, label
	}
	if s, err := r.TenantForHost(host); err == nil && s != "" {
		return TargetTenant, s
	}
	return TargetUnknown, ""
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// ServeHTTP dispatches a request to the platform app or to the tenant
// owning the host, opening it on first use.
func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	// Probes answer on any host (load balancers and kubelets use the IP).
	switch req.URL.Path {
	case "/healthz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
		return
	case "/readyz":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := r.Ready(req.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
		return
	}
	if strings.HasPrefix(req.URL.Path, clusterPrefix) && r.Role() != RoleAll {
		r.serveCluster(w, req)
		return
	}
	kind, slug := r.Resolve(req.Host)
	switch kind {
	case TargetPlatform:
		r.PlatformHandler().ServeHTTP(w, req)
		return
	case TargetUnknown:
		r.page(w, req, http.StatusNotFound)
		return
	}
	status, err := r.Status(slug)
	if err != nil {
		r.cfg.Logger.Error("tenant status", "tenant", slug, "error", err)
		r.page(w, req, http.StatusInternalServerError)
		return
	}
	if status == "" && r.Role() == RoleShard {
		// a shard knows only its own tenants: the control plane decides
		r.misdirected(w, req, slug)
		return
	}
	switch status {
	case StatusActive:
	case StatusSuspended:
		r.CloseTenant(slug, false) // busy: the reaper closes it later
		w.Header().Set("Retry-After", "3600")
		r.page(w, req, http.StatusServiceUnavailable)
		return
	case StatusDeleted:
		r.CloseTenant(slug, false)
		r.page(w, req, http.StatusGone)
		return
	default:
		r.page(w, req, http.StatusNotFound)
		return
	}
	if here, err := r.servedHere(slug); !here {
		if err != nil {
			r.cfg.Logger.Error("tenant placement", "tenant", slug, "error", err)
		}
		r.misdirected(w, req, slug)
		return
	}
	if r.Role() == RoleShard && isWrite(req) {
		// a move freezes this tenant's writes (others keep working)
		if !r.gate.enter(slug) {
			w.Header().Set("Retry-After", "2")
			r.routes.ErrorPage(w, req, http.StatusServiceUnavailable, CauseMoving)
			return
		}
		defer r.gate.leave(slug)
	}
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	r.serveTenant(sw, req, slug)
	// NB: a long stream (SSE) idles most of its life: its time counts up
	// to meterBusyCap in the tenant's share of CPU.
	r.meterResult(slug, time.Since(start), sw.status(), sw.stream())
}

// serveTenant serves a request of an active tenant: refused while a
// storage fault forbids it, else by the tenant's app (opened if needed),
// whose data.db is checked against the file it opened at most once per
// StorageCheck (a replaced file is reopened at once).
func (r *Registry) serveTenant(w http.ResponseWriter, req *http.Request, slug string) {
	for attempt := 0; ; attempt++ {
		if r.refuseStorage(w, req, slug) {
			return
		}
		t, release, err := r.Acquire(req.Context(), slug)
		if err != nil {
			switch kind := StorageErrorKind(err); {
			case kind != StorageOK && kind != StorageBusy:
				kind, _ = r.markFault(slug, kind, err)
				r.storageUnavailable(w, req, causeOf(kind))
			case kind == StorageBusy:
				r.storageUnavailable(w, req, CauseStorageRetry)
			case r.refuseSchema(w, req, slug, err):
			default:
				if !errors.Is(err, context.Canceled) {
					r.cfg.Logger.Error("tenant open", "tenant", slug, "error", err)
				}
				r.page(w, req, http.StatusServiceUnavailable)
			}
			return
		}
		if !r.checkFile(t, isWrite(req)) {
			release()
			if attempt == 0 {
				continue
			}
			r.storageUnavailable(w, req, CauseStorage)
			return
		}
		defer release()
		t.Handler.ServeHTTP(retryAfter{w}, req.WithContext(context.WithValue(req.Context(), tenantCtxKey, t)))
		return
	}
}

func (r *Registry) page(w http.ResponseWriter, req *http.Request, status int) {
	r.routes.ErrorPage(w, req, status, CauseNone)
}

// Cause tells why the dispatcher answers a status page, when the status
// alone does not.
type Cause string

// Causes of dispatcher pages.
const (
	// CauseNone: the status says it (404 unknown host, 410 deleted,
	// 503 suspended, 500).
	CauseNone Cause = ""
	// CauseStorage: 503, the tenant is out of service for a storage fault
	// (data.db missing or unreachable).
	CauseStorage Cause = "storage"
	// CauseStorageRetry: 503, the tenant's data are unavailable for now
	// (data.db read-only or failing, the database busy): nothing is lost,
	// the client retries.
	CauseStorageRetry Cause = "storage_retry"
	// CauseMoving: 503, the tenant is being moved to another shard: its
	// writes are refused for a few seconds, nothing is lost, the client
	// retries (reads go on).
	CauseMoving Cause = "moving"
	// CauseSchema: 503, the tenant's database was migrated by a newer
	// release than this binary (the schema rule): out of service until
	// the newer release serves it again.
	CauseSchema Cause = "schema"
)

// wantsJSON reports whether a request is an API call (answered in JSON).
func wantsJSON(req *http.Request) bool {
	accept := req.Header.Get("Accept")
	return strings.HasPrefix(req.URL.Path, "/api/") ||
		(strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html"))
}

// writeJSONError answers a dispatcher status in the shape of PocketBase's
// errors ({"status", "message", "data"}), the message in the request's
// language.
func writeJSONError(w http.ResponseWriter, req *http.Request, status int, cause Cause) {
	fr, en := ErrorText(status, cause)
	msg := fr
	if catalog.Negotiate("", req.Header.Get("Accept-Language")) == catalog.EN {
		msg = en
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": status, "message": msg, "data": map[string]any{}})
}

// DefaultErrorPages is a minimal bilingual HTML error page (the status
// pages of a registry without an HTTP layer).
func DefaultErrorPages(w http.ResponseWriter, _ *http.Request, status int, cause Cause) {
	fr, en := ErrorText(status, cause)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`<!doctype html><html lang="fr"><meta charset="utf-8"><title>FieldOps360</title><h1>` +
		html.EscapeString(fr) + `</h1><p lang="en">` + html.EscapeString(en) + `</p></html>`))
}

// ErrorText returns the French and English explanation of a dispatcher
// status and its cause.
func ErrorText(status int, cause Cause) (fr, en string) {
	switch cause {
	case CauseStorage:
		t := catalog.New("err.tenant.storage_unavailable")
		return t.In(catalog.FR), t.In(catalog.EN)
	case CauseStorageRetry:
		t := catalog.New("err.storage.unavailable")
		return t.In(catalog.FR), t.In(catalog.EN)
	case CauseSchema:
		t := catalog.New("err.tenant.schema_newer")
		return t.In(catalog.FR), t.In(catalog.EN)
	case CauseMoving:
		return "Cet espace est en cours de déplacement vers un autre serveur : les modifications sont refusées quelques secondes. Rien n'est perdu : réessayez.",
			"This workspace is being moved to another server: changes are refused for a few seconds. Nothing is lost: please retry."
	}
	switch status {
	case http.StatusMisdirectedRequest:
		return "Cet espace est servi par un autre serveur de la plateforme. Réessayez dans quelques instants.",
			"This workspace is served by another server of the platform. Please retry in a moment."
	case http.StatusNotFound:
		return "Aucun espace FieldOps360 n'existe à cette adresse. Vérifiez l'adresse ou contactez votre administrateur.",
			"No FieldOps360 workspace exists at this address. Check the address or contact your administrator."
	case http.StatusServiceUnavailable:
		return "Cet espace est momentanément suspendu. Contactez votre administrateur ou le support FieldOps360.",
			"This workspace is temporarily suspended. Contact your administrator or FieldOps360 support."
	case http.StatusGone:
		return "Cet espace a été supprimé. Ses données ne sont plus accessibles ici.",
			"This workspace has been deleted. Its data is no longer available here."
	default:
		return "Une erreur interne est survenue. Réessayez dans quelques instants.",
			"An internal error occurred. Please retry in a moment."
	}
}
