// Package metrics exports FieldOps360's Prometheus series (its own
// registry, served at /metrics on the platform host by the handlers) and
// holds the outer HTTP middleware of `fieldops serve` (Observe: request
// id, route-pattern latency, SSE clients, access log, tracing hook). It
// reads the registry and the replication supervisor through the small
// TenantSource and ReplicationSource interfaces.
package metrics

import (
	"context"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/replication"
)

// Metrics holds the process's Prometheus registry (its own, not the
// global one: libraries' global series stay out) and the series whose
// names the monitoring rules use (deploy/monitoring/metrics.txt).
type Metrics struct {
	reg *prometheus.Registry
	// User and Password protect /metrics with basic auth when both are set.
	User, Password string

	reqDur     *prometheus.HistogramVec
	reqTotal   *prometheus.CounterVec
	sse        prometheus.Gauge
	jobs       *prometheus.HistogramVec
	tenants    *TenantTraffic
	certMu     sync.Mutex
	certExpiry map[string]certServed
	now        func() time.Time
}

// New builds the registry with the HTTP, SSE and job series and the
// Go/process collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), certExpiry: map[string]certServed{}, now: time.Now}
	m.reqDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "fieldops_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "code"})
	m.reqTotal = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fieldops_http_requests_total", Help: "HTTP requests by route pattern."}, []string{"route", "method", "code"})
	m.sse = prometheus.NewGauge(prometheus.GaugeOpts{Name: "fieldops_sse_clients", Help: "Connected SSE (Datastar stream) clients."})
	m.jobs = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "fieldops_job_duration_seconds", Help: "Background job durations.",
		Buckets: []float64{.01, .05, .1, .5, 1, 5, 15, 60, 300, 1800},
	}, []string{"job"})
	m.tenants = NewTenantTraffic(DefaultTenantTopN, DefaultTenantElectEvery)
	m.reg.MustRegister(m.reqDur, m.reqTotal, m.sse, m.jobs, m.tenants,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.CollectorFunc(m.collectCerts))
	return m
}

// Registry returns the Prometheus registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Tenants returns the per-tenant request counters (top N tenants by
// slug, the rest under OtherTenant); SetTopN configures N.
func (m *Metrics) Tenants() *TenantTraffic { return m.tenants }

// ObserveJob records a background job's duration.
func (m *Metrics) ObserveJob(job string, d time.Duration) {
	m.jobs.WithLabelValues(job).Observe(d.Seconds())
}

// certServed is the certificate last served for a host, and when.
type certServed struct{ notAfter, at time.Time }

// SetCertExpiry records the expiry of the certificate served for host
// (called at each TLS handshake).
func (m *Metrics) SetCertExpiry(host string, notAfter time.Time) {
	m.certMu.Lock()
	m.certExpiry[host] = certServed{notAfter: notAfter, at: m.now()}
	m.certMu.Unlock()
}

var certExpiryDesc = prometheus.NewDesc("fieldops_certificate_expiry_timestamp_seconds", "Expiry of the TLS certificate served for a host (the CertExpiryHosts hosts nearest expiry).", []string{"host"}, nil)

// CertExpiryHosts bounds the hosts exported by
// fieldops_certificate_expiry_timestamp_seconds: one certificate per
// tenant host (certmagic on demand) would make thousands of series, and
// only the certificates nearest expiry can raise an alert.
const CertExpiryHosts = 100

// CertServedWithin is how recently a host's certificate must have been
// served to be exported: certmagic renews in the background and on demand,
// and the gauge only learns the new expiry at the next handshake, so a
// host nobody visits (a deleted tenant, an idle custom domain) would keep
// an old expiry and raise a false alarm. The outside probes keep the
// platform hosts and the canaries fresh.
const CertServedWithin = 7 * 24 * time.Hour

func (m *Metrics) collectCerts(ch chan<- prometheus.Metric) {
	m.certMu.Lock()
	hosts := make([]string, 0, len(m.certExpiry))
	cutoff := m.now().Add(-CertServedWithin)
	for h, c := range m.certExpiry {
		if c.at.Before(cutoff) {
			delete(m.certExpiry, h)
			continue
		}
		hosts = append(hosts, h)
	}
	slices.SortFunc(hosts, func(a, b string) int {
		if c := m.certExpiry[a].notAfter.Compare(m.certExpiry[b].notAfter); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	hosts = hosts[:min(len(hosts), CertExpiryHosts)]
	exp := make([]time.Time, len(hosts))
	for i, h := range hosts {
		exp[i] = m.certExpiry[h].notAfter
	}
	m.certMu.Unlock()
	for i, h := range hosts {
		ch <- prometheus.MustNewConstMetric(certExpiryDesc, prometheus.GaugeValue, float64(exp[i].Unix()), h)
	}
}

// TenantSource is what the metrics read of the registry (tenants.Registry).
type TenantSource interface {
	OpenSlugs() []string
	Stats() (opens, closes int64)
	List() ([]tenants.Info, error)
	// Unavailable is the number of tenants out of service for a storage fault.
	Unavailable() int
}

// AttachRegistry exports the registry's series: open tenants, opens and
// closes, and each tenant's database size (the only tenant-labelled series).
func (m *Metrics) AttachRegistry(r TenantSource) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fieldops_open_tenants", Help: "Tenants open in this process."},
			func() float64 { return float64(len(r.OpenSlugs())) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fieldops_tenant_opens_total", Help: "Tenant opens since start."},
			func() float64 { o, _ := r.Stats(); return float64(o) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fieldops_tenant_closes_total", Help: "Tenant closes since start."},
			func() float64 { _, c := r.Stats(); return float64(c) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fieldops_tenants_unavailable", Help: "Tenants out of service for a storage fault (data.db missing, read-only or failing)."},
			func() float64 { return float64(r.Unavailable()) }),
		prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
			list, err := r.List()
			if err != nil {
				return
			}
			for _, t := range list {
				// a scale-out control plane lists tenants its shards hold
				// (no file here): they report them
				if t.Status != tenants.StatusDeleted && (t.Shard == "" || t.DBBytes > 0) {
					ch <- prometheus.MustNewConstMetric(dbBytesDesc, prometheus.GaugeValue, float64(t.DBBytes), t.Slug)
				}
			}
		}),
	)
}

var (
	dbBytesDesc      = prometheus.NewDesc("fieldops_tenant_db_bytes", "Size of a tenant's data.db.", []string{"tenant"}, nil)
	lagDesc          = prometheus.NewDesc("fieldops_replication_lag_seconds", "How long the replica of a database has been behind (0 in sync).", []string{"db"}, nil)
	replErrDesc      = prometheus.NewDesc("fieldops_replication_errors_total", "Replication errors of a database since the child started.", []string{"db"}, nil)
	childUpDesc      = prometheus.NewDesc("fieldops_replicate_child_up", "1 when the replication child runs and answers.", nil, nil)
	drillOKDesc      = prometheus.NewDesc("fieldops_restore_drill_last_success_timestamp_seconds", "Time of the last successful restore drill of a database.", []string{"db"}, nil)
	drillFailureDesc = prometheus.NewDesc("fieldops_restore_drill_failures_total", "Failed restore drills of a database.", []string{"db"}, nil)
	drillPassDesc    = prometheus.NewDesc("fieldops_restore_drill_ok", "1 when the last restore drill of a database passed, 0 when it failed.", []string{"db"}, nil)
	conflictDesc     = prometheus.NewDesc("fieldops_replication_conflict", "1 while replication of a database is refused: it is behind or unrelated to its replica.", []string{"db"}, nil)
	snapshotDesc     = prometheus.NewDesc("fieldops_replication_last_snapshot_timestamp_seconds", "Time of the newest snapshot in the replica of a database.", []string{"db"}, nil)
	receivingDesc    = prometheus.NewDesc("fieldops_replication_receiving", "1 when every database's replica is receiving data (child up, none refused, none behind beyond the readiness lag).", nil, nil)
)

// ReplicationSource is what the metrics read of replication (the
// replication.Supervisor).
type ReplicationSource interface {
	// Up reports whether the replication child runs and answers.
	Up() bool
	// Status is the child's last status (nil before its first answer).
	Status() *replication.Status
	// StatusAt is when the child last answered.
	StatusAt() time.Time
	// Ready fails when a replica is not receiving data (the /readyz check).
	Ready(context.Context) error
}

// AttachReplication exports the replication child's status.
func (m *Metrics) AttachReplication(s ReplicationSource) {
	m.reg.MustRegister(prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		up := 0.0
		if s.Up() {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(childUpDesc, prometheus.GaugeValue, up)
		receiving := 0.0
		if s.Ready(context.Background()) == nil {
			receiving = 1
		}
		ch <- prometheus.MustNewConstMetric(receivingDesc, prometheus.GaugeValue, receiving)
		st := s.Status()
		if st == nil {
			return
		}
		for _, d := range st.DBs {
			lag := d.LagSeconds
			if !s.Up() && st.StartedAt.Before(time.Now()) {
				// the child is down: nothing replicates, the lag is at least its age
				lag = max(lag, time.Since(s.StatusAt()).Seconds())
			}
			ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, lag, d.DB)
			ch <- prometheus.MustNewConstMetric(replErrDesc, prometheus.CounterValue, float64(d.Errors), d.DB)
			if d.Drill != nil {
				if !d.Drill.LastSuccess.IsZero() {
					ch <- prometheus.MustNewConstMetric(drillOKDesc, prometheus.GaugeValue, float64(d.Drill.LastSuccess.Unix()), d.DB)
				}
				ch <- prometheus.MustNewConstMetric(drillFailureDesc, prometheus.CounterValue, float64(d.Drill.Failures), d.DB)
				ch <- prometheus.MustNewConstMetric(drillPassDesc, prometheus.GaugeValue, boolFloat(d.Drill.OK), d.DB)
			}
			ch <- prometheus.MustNewConstMetric(conflictDesc, prometheus.GaugeValue, boolFloat(d.Conflict != ""), d.DB)
			if d.LastSnapshot != nil {
				ch <- prometheus.MustNewConstMetric(snapshotDesc, prometheus.GaugeValue, float64(d.LastSnapshot.Unix()), d.DB)
			}
		}
	}))
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ServeHTTP serves /metrics, with basic auth when User and Password are set.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.User != "" || m.Password != "" {
		u, p, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(m.User)) != 1 || subtle.ConstantTimeCompare([]byte(p), []byte(m.Password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="fieldops metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// routeHolder receives the route pattern matched inside an app's router.
type routeHolder struct{ route string }

// ctxKey is the private type of the context keys set by Observe.
type ctxKey int

const routeCtxKey ctxKey = 2

// BindRoutePattern is a PocketBase router middleware (bind it on every
// app's router) that reports the matched route pattern to the metrics
// and logging middleware, so latency is labelled by pattern, never by
// raw path.
func BindRoutePattern(se *core.ServeEvent) {
	se.Router.BindFunc(func(e *core.RequestEvent) error {
		if h, ok := e.Request.Context().Value(routeCtxKey).(*routeHolder); ok && h != nil {
			p := e.Request.Pattern
			if _, after, found := strings.Cut(p, " "); found {
				p = after
			}
			h.route = p
		}
		return e.Next()
	})
}

// WithRoutePattern wraps an HTTP layer so that every app's router binds
// BindRoutePattern before its own routes (`fieldops serve` labels latency
// by route pattern).
func WithRoutePattern(routes tenants.RouteInstaller) tenants.RouteInstaller {
	return routePattern{routes}
}

type routePattern struct{ tenants.RouteInstaller }

func (p routePattern) TenantRoutes(se *core.ServeEvent) error {
	BindRoutePattern(se)
	return p.RouteInstaller.TenantRoutes(se)
}

func (p routePattern) PlatformRoutes(se *core.ServeEvent) error {
	BindRoutePattern(se)
	return p.RouteInstaller.PlatformRoutes(se)
}

// withRouteHolder returns a request context carrying a route holder.
func withRouteHolder(ctx context.Context) (context.Context, *routeHolder) {
	h := &routeHolder{}
	return context.WithValue(ctx, routeCtxKey, h), h
}
