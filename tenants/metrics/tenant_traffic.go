package metrics

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// OtherTenant is the tenant label of the requests of every tenant outside
// the top N (and of hosts that are no tenant). It is not a valid slug (a
// tenant may be called "other"), so it never collides with one.
const OtherTenant = "_other"

// DefaultTenantTopN is how many tenants get their own series by default.
const DefaultTenantTopN = 50

// DefaultTenantElectEvery is how often the top N is re-elected by default.
const DefaultTenantElectEvery = 5 * time.Minute

var (
	tenantReqDesc = prometheus.NewDesc("fieldops_tenant_http_requests_total",
		"HTTP requests (streams excluded) of the N busiest tenants; the rest are summed under tenant=\"_other\".", []string{"tenant"}, nil)
	tenantErrDesc = prometheus.NewDesc("fieldops_tenant_http_errors_total",
		"HTTP 5xx answers (streams excluded) of the N busiest tenants; the rest are summed under tenant=\"_other\".", []string{"tenant"}, nil)
)

// tenantCount is one exported series pair (requests, 5xx).
type tenantCount struct{ reqs, errs uint64 }

// TenantTraffic counts requests per tenant with a bounded label set: at
// most N tenants are exported under their slug, every other request is
// counted under OtherTenant, so each metric has at most N+1 series
// whatever the number of tenants. Free slots go to the first tenants
// seen; every ElectEvery the named set is re-elected as the N tenants
// with the most requests since the previous election (a named tenant
// keeps its slot on ties). A tenant is counted under the label it has
// when its request ends: a promoted tenant's series starts at 0, a
// demoted tenant's series disappears and its next requests go to
// OtherTenant, so every exported counter only grows.
type TenantTraffic struct {
	mu        sync.Mutex
	n         int
	every     time.Duration
	now       func() time.Time
	lastElect time.Time
	named     map[string]*tenantCount
	other     tenantCount
	window    map[string]uint64 // requests per tenant since the last election
}

// NewTenantTraffic returns a counter exporting at most n tenants by slug
// (n ≤ 0: DefaultTenantTopN), re-elected every `every` (≤ 0:
// DefaultTenantElectEvery).
func NewTenantTraffic(n int, every time.Duration) *TenantTraffic {
	if n <= 0 {
		n = DefaultTenantTopN
	}
	if every <= 0 {
		every = DefaultTenantElectEvery
	}
	return &TenantTraffic{n: n, every: every, now: time.Now, lastElect: time.Now(),
		named: map[string]*tenantCount{}, window: map[string]uint64{}}
}

// SetTopN changes how many tenants are exported by slug (n ≤ 0:
// DefaultTenantTopN); a smaller N takes effect at once.
func (t *TenantTraffic) SetTopN(n int) {
	if n <= 0 {
		n = DefaultTenantTopN
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n = n
	if len(t.named) > n {
		t.elect()
	}
}

// Observe counts one finished request of tenant ("" when the host is no
// tenant) answered with code.
func (t *TenantTraffic) Observe(tenant string, code int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now := t.now(); now.Sub(t.lastElect) >= t.every {
		t.elect()
		t.lastElect = now
	}
	c := &t.other
	if tenant != "" {
		t.window[tenant]++
		if nc, ok := t.named[tenant]; ok {
			c = nc
		} else if len(t.named) < t.n {
			nc = &tenantCount{}
			t.named[tenant] = nc
			c = nc
		}
	}
	c.reqs++
	if code >= 500 {
		c.errs++
	}
}

// elect keeps as named the n tenants with the most requests in the
// window (named ones first on ties, then by slug) and starts a new window.
func (t *TenantTraffic) elect() {
	cands := make([]string, 0, len(t.window))
	for s := range t.window {
		cands = append(cands, s)
	}
	slices.SortFunc(cands, func(a, b string) int {
		if c := cmp.Compare(t.window[b], t.window[a]); c != 0 {
			return c
		}
		_, na := t.named[a]
		_, nb := t.named[b]
		if na != nb {
			if na {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})
	keep := map[string]bool{}
	for _, s := range cands[:min(t.n, len(cands))] {
		keep[s] = true
	}
	// A named tenant idle during the window keeps its slot while the slot
	// is not needed by a busier one.
	for s := range t.named {
		if !keep[s] && len(keep) < t.n {
			keep[s] = true
		}
	}
	for s := range t.named {
		if !keep[s] {
			delete(t.named, s)
		}
	}
	for s := range keep {
		if _, ok := t.named[s]; !ok {
			t.named[s] = &tenantCount{}
		}
	}
	t.window = map[string]uint64{}
}

// Describe implements prometheus.Collector.
func (t *TenantTraffic) Describe(ch chan<- *prometheus.Desc) {
	ch <- tenantReqDesc
	ch <- tenantErrDesc
}

// Collect implements prometheus.Collector: one requests and one errors
// series per named tenant, and the OtherTenant pair.
func (t *TenantTraffic) Collect(ch chan<- prometheus.Metric) {
	t.mu.Lock()
	defer t.mu.Unlock()
	emit := func(label string, c *tenantCount) {
		ch <- prometheus.MustNewConstMetric(tenantReqDesc, prometheus.CounterValue, float64(c.reqs), label)
		ch <- prometheus.MustNewConstMetric(tenantErrDesc, prometheus.CounterValue, float64(c.errs), label)
	}
	for s, c := range t.named {
		emit(s, c)
	}
	emit(OtherTenant, &t.other)
}
