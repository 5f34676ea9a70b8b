package tenants

import (
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/tools/router"
)

// A tenant whose data.db disappears, turns read-only or fails with I/O
// errors is out of service until the fault is gone, never re-created
// empty: the registry records the fault (a log line at error level, the
// gauge fieldops_tenants_unavailable) and closes the tenant's app so that
// the next request reopens fresh connections. While data.db is missing the
// dispatcher answers every request of the tenant 503 with Retry-After;
// while it is read-only or failing the app serves reads and answers its
// writes 503 itself (serverErrors, handlers' answerOf: the form keeps its
// values, the crew app its outbox). The files are probed at most once per
// StorageCheck until they are usable again: the app opened meanwhile is
// then closed and the tenant is back by itself, without a restart.

// storageRetryAfter is the Retry-After (seconds) of every 503 of a
// tenant host.
const storageRetryAfter = "30"

// storageScanEvery is how often every active tenant's data.db is checked,
// requested or not (the gauge must not wait for traffic).
const storageScanEvery = 30 * time.Second

// storageFault is a tenant out of service for a storage fault.
type storageFault struct {
	kind   StorageKind // as recorded
	since  time.Time
	probed time.Time   // last probe of the files
	state  StorageKind // what that probe (or the failure) found
}

// storageFaults are the tenants currently out of service.
type storageFaults struct {
	mu sync.Mutex
	m  map[string]*storageFault
	n  atomic.Int32 // len(m), read without the lock
}

// Unavailable returns how many tenants are out of service for a storage
// fault (the gauge fieldops_tenants_unavailable).
func (r *Registry) Unavailable() int { return int(r.faults.n.Load()) }

// StorageFault returns the fault keeping a tenant out of service, if any,
// and since when.
func (r *Registry) StorageFault(slug string) (StorageKind, time.Time, bool) {
	r.faults.mu.Lock()
	defer r.faults.mu.Unlock()
	if f, ok := r.faults.m[slug]; ok {
		return f.kind, f.since, true
	}
	return StorageOK, time.Time{}, false
}

// markFault records that slug's storage failed with kind (refined by a
// probe of its files), logs the transition at error level and returns the
// fault's kind and since when the tenant is out of service.
func (r *Registry) markFault(slug string, kind StorageKind, cause error) (StorageKind, time.Time) {
	probed, perr := probeStorage(r.TenantDir(slug))
	if probed != StorageOK {
		kind = probed
	}
	now := time.Now()
	r.faults.mu.Lock()
	f, known := r.faults.m[slug]
	if !known {
		if r.faults.m == nil {
			r.faults.m = map[string]*storageFault{}
		}
		f = &storageFault{since: now}
		r.faults.m[slug] = f
		r.faults.n.Store(int32(len(r.faults.m)))
	}
	// NB: a failure of a known fault leaves its probe schedule alone: a
	// steady flow of failing writes must not keep it from being probed.
	changed := !known || f.kind != kind
	if changed {
		f.kind, f.state, f.probed = kind, kind, now
	}
	since := f.since
	r.faults.mu.Unlock()
	if changed {
		r.cfg.Logger.Error("tenant out of service: storage fault", "tenant", slug, "fault", string(kind),
			"path", filepath.Join(r.TenantDir(slug), "data.db"), "error", rootCause(cause), "probe", perr)
	}
	return kind, since
}

// rootCause is err without PocketBase's ApiError around it (whose message
// is only "Failed to create record.").
func rootCause(err error) error {
	var api *router.ApiError
	if errors.As(err, &api) {
		if raw, ok := api.RawData().(error); ok {
			return raw
		}
	}
	return err
}

// clearFault forgets slug's fault; back reports whether there was one.
func (r *Registry) clearFault(slug, why string) (back bool) {
	r.faults.mu.Lock()
	f, ok := r.faults.m[slug]
	if ok {
		delete(r.faults.m, slug)
		r.faults.n.Store(int32(len(r.faults.m)))
	}
	r.faults.mu.Unlock()
	if ok {
		r.cfg.Logger.Warn("tenant back in service", "tenant", slug, "fault", string(f.kind),
			"out_for", time.Since(f.since).Round(time.Second).String(), "how", why)
	}
	return ok
}

// faultState returns slug's fault as its files are now (probed at most
// once per StorageCheck), clearing it when they are usable again: the app
// opened meanwhile (read-only connections) is then retired.
func (r *Registry) faultState(slug string) StorageKind {
	if r.faults.n.Load() == 0 {
		return StorageOK
	}
	now := time.Now()
	r.faults.mu.Lock()
	f, ok := r.faults.m[slug]
	if !ok {
		r.faults.mu.Unlock()
		return StorageOK
	}
	state := f.state
	due := now.Sub(f.probed) >= r.cfg.StorageCheck
	if due {
		f.probed = now // one prober at a time
	}
	r.faults.mu.Unlock()
	if !due {
		return state
	}
	alignWALModes(r.TenantDir(slug))
	state, _ = probeStorage(r.TenantDir(slug))
	if state == StorageOK {
		if r.clearFault(slug, "files usable again") {
			r.retireSlug(slug)
		}
		return StorageOK
	}
	r.faults.mu.Lock()
	f.state = state
	r.faults.mu.Unlock()
	return state
}

// storageFailed takes t out of service after a storage failure of one of
// its requests: the fault is recorded and t retired (closed when its
// requests are done; the next request opens a fresh app, or is refused
// while data.db is missing) unless t was opened during the fault (its
// connections would be the same: faultState retires it once the files
// are usable).
func (r *Registry) storageFailed(t *Tenant, kind StorageKind, cause error) {
	if _, since := r.markFault(t.Slug, kind, cause); t.opened.Before(since) {
		r.retire(t)
	}
}

// refuseStorage answers a request of slug 503 while its data.db is missing
// (or unreachable); a read-only or failing tenant's app answers itself.
// It reports whether it answered.
func (r *Registry) refuseStorage(w http.ResponseWriter, req *http.Request, slug string) bool {
	if r.faultState(slug) != StorageMissing {
		return false
	}
	r.storageUnavailable(w, req, CauseStorage)
	return true
}

// isWrite reports whether a request may write (any method but GET, HEAD
// and OPTIONS).
func isWrite(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// checkFile compares t's data.db with the file it opened (a stat: about a
// microsecond), before every write and at most once per StorageCheck
// otherwise: a file deleted (or unreachable) takes the tenant out of
// service, a file replaced (a restore) retires t so that the next request
// opens the new one. It reports whether t may serve.
//
// NB: SQLite in WAL mode keeps committing to a deleted file (into its
// unlinked inode, lost at close): a write must not be acknowledged there.
func (r *Registry) checkFile(t *Tenant, write bool) bool {
	now := time.Now().UnixNano()
	last := t.checked.Load()
	if write {
		t.checked.Store(now)
	} else if now-last < int64(r.cfg.StorageCheck) || !t.checked.CompareAndSwap(last, now) {
		return true
	}
	id, err := statID(filepath.Join(r.TenantDir(t.Slug), "data.db"))
	switch {
	case err != nil:
		r.markFault(t.Slug, StorageMissing, err)
	case id != t.file:
		r.cfg.Logger.Warn("tenant database replaced on disk: reopening it", "tenant", t.Slug)
	default:
		return true
	}
	r.retire(t)
	return false
}

// scanStorage checks every active tenant's files: a missing data.db is a
// fault even if nobody requests the tenant, an open tenant's file is
// compared with the one it opened, faults of tenants no longer active are
// dropped and the others probed (cleared when the files are back).
func (r *Registry) scanStorage() {
	recs, err := FindTenantRecords(r.platform)
	if err != nil {
		r.cfg.Logger.Warn("storage scan", "error", err)
		return
	}
	active := map[string]bool{}
	for _, rec := range recs {
		// only the tenants this process serves: on a scale-out control
		// plane none, on a shard its own (not one it moved out)
		if rec.Status() == StatusActive && rec.GetString("shard") == r.cfg.Cluster.ShardID {
			active[rec.Slug()] = true
		}
	}
	r.faults.mu.Lock()
	var gone []string
	for slug := range r.faults.m {
		if !active[slug] {
			gone = append(gone, slug)
		}
	}
	r.faults.mu.Unlock()
	for _, slug := range gone {
		r.clearFault(slug, "tenant no longer active")
	}
	for slug := range active {
		if r.faultState(slug) != StorageOK {
			continue
		}
		if t := r.openTenantOf(slug); t != nil {
			r.checkFile(t, false)
			continue
		}
		if kind, err := probeStorage(r.TenantDir(slug)); kind == StorageMissing {
			r.markFault(slug, kind, err)
		}
	}
}

// causeOf is the dispatcher page of a storage fault: out of service while
// data.db is missing, else only its data unavailable for now.
func causeOf(kind StorageKind) Cause {
	if kind == StorageMissing {
		return CauseStorage
	}
	return CauseStorageRetry
}

// storageUnavailable answers 503 with Retry-After: JSON on API paths (the
// shape of PocketBase's errors), else the bilingual status page.
func (r *Registry) storageUnavailable(w http.ResponseWriter, req *http.Request, cause Cause) {
	w.Header().Set("Retry-After", storageRetryAfter)
	w.Header().Set("Cache-Control", "no-store")
	if wantsJSON(req) {
		writeJSONError(w, req, http.StatusServiceUnavailable, cause)
		return
	}
	r.routes.ErrorPage(w, req, http.StatusServiceUnavailable, cause)
}

// retryAfter adds Retry-After to a tenant's 503 answers that lack one
// (an app's own answers to a storage failure).
type retryAfter struct{ http.ResponseWriter }

func (w retryAfter) WriteHeader(status int) {
	if status == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", storageRetryAfter)
	}
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection (flushes of
// SSE streams).
func (w retryAfter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
