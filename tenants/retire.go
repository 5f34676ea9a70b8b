package tenants

import "time"

// retireDrain is how long a retired tenant app waits for its requests to
// finish before it is closed anyway.
const retireDrain = 2 * time.Second

// openTenantOf returns the open app of slug, or nil.
func (r *Registry) openTenantOf(slug string) *Tenant {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.open[slug]
}

// retireSlug retires the open app of slug, if any.
func (r *Registry) retireSlug(slug string) {
	if t := r.openTenantOf(slug); t != nil {
		r.retire(t)
	}
}

// retire takes t out of the open map at once (no new request gets it) and
// closes it once its requests are done (at most retireDrain later; its SSE
// streams end). Until then the next Acquire of the slug waits, so that a
// new app of the slug opens after the old one is closed and the notifier
// hears "closed" before "opened". It reports whether t was open.
func (r *Registry) retire(t *Tenant) bool {
	r.mu.Lock()
	if r.open[t.Slug] != t {
		r.mu.Unlock()
		return false
	}
	delete(r.open, t.Slug)
	call := &openCall{done: make(chan struct{})}
	r.opening[t.Slug] = call
	r.retiring.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.retiring.Done()
		deadline := time.Now().Add(retireDrain)
		for t.inflight.Load() > t.streams.Load() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		r.shut(t)
		r.mu.Lock()
		delete(r.opening, t.Slug)
		r.mu.Unlock()
		close(call.done)
	}()
	return true
}
