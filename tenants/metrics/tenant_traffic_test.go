package metrics

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fieldops360/fieldops/tenants"
)

// scrape gathers reg and returns, per metric name, the value of each tenant label.
func scrape(t *testing.T, reg *prometheus.Registry) map[string]map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]float64{}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "fieldops_tenant_http_") {
			continue
		}
		out[mf.GetName()] = map[string]float64{}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "tenant" {
					out[mf.GetName()][l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}

// 10,000 tenants with a skewed load, re-elected 40 times while the busiest
// tenants change: each metric never has more than N+1 series, every
// exported counter only grows, and after an election the named tenants
// are exactly the N busiest of the window.
func TestTenantTrafficBoundedUnder10000Tenants(t *testing.T) {
	const n, tenantsN = 50, 10000
	clock := time.Unix(1_700_000_000, 0)
	tt := NewTenantTraffic(n, time.Minute)
	tt.now = func() time.Time { return clock }
	tt.lastElect = clock
	reg := prometheus.NewRegistry()
	reg.MustRegister(tt)
	rng := rand.New(rand.NewPCG(1, 2))
	prev := scrape(t, reg)
	var total, errs float64
	for round := range 40 {
		// a different set of 60 heavy tenants each round, plus a long tail
		heavy := map[string]int{}
		for i := range 60 {
			heavy[fmt.Sprintf("t%05d", (round*37+i*151)%tenantsN)] = 1000 - 10*i
		}
		for slug, k := range heavy {
			for j := range k {
				code := 200
				if j%10 == 0 {
					code = 503
					errs++
				}
				tt.Observe(slug, code)
				total++
			}
		}
		for range 5000 {
			tt.Observe(fmt.Sprintf("t%05d", rng.IntN(tenantsN)), 200)
			total++
		}
		tt.Observe("", 500) // a host that is no tenant
		total, errs = total+1, errs+1
		got := scrape(t, reg)
		for name, series := range got {
			if len(series) > n+1 {
				t.Fatalf("round %d: %s has %d series, bound is %d", round, name, len(series), n+1)
			}
			if _, ok := series[OtherTenant]; !ok {
				t.Fatalf("round %d: %s has no %s series", round, name, OtherTenant)
			}
			for label, v := range series {
				if p, ok := prev[name][label]; ok && v < p {
					t.Fatalf("round %d: %s{tenant=%q} went down from %v to %v", round, name, label, p, v)
				}
			}
		}
		prev = got
		// the next request triggers the election over this round's window
		clock = clock.Add(time.Minute)
		tt.Observe("t00000", 200)
		total++
		named := scrape(t, reg)["fieldops_tenant_http_requests_total"]
		for i := range n { // the 50 busiest of the 60 heavy tenants are named
			if slug := fmt.Sprintf("t%05d", (round*37+i*151)%tenantsN); !hasKey(named, slug) {
				t.Fatalf("round %d: %s (%d requests) is not named after the election", round, slug, 1000-10*i)
			}
		}
		if len(named) != n+1 {
			t.Fatalf("round %d: %d series after the election, want %d", round, len(named), n+1)
		}
	}
	if total < 40*5000 || errs == 0 {
		t.Fatalf("load not generated: %v requests, %v errors", total, errs)
	}
}

// Below N tenants every tenant is named from its first request, and the
// totals add up: requests and 5xx per tenant, unknown hosts under _other.
func TestTenantTrafficFewTenantsExact(t *testing.T) {
	tt := NewTenantTraffic(3, time.Hour)
	reg := prometheus.NewRegistry()
	reg.MustRegister(tt)
	for range 4 {
		tt.Observe("acme", 200)
	}
	tt.Observe("acme", 502)
	tt.Observe("durand", 404)
	tt.Observe("", 500)
	tt.Observe("platform", 200)
	tt.Observe("late", 200) // a fourth tenant: no slot left
	got := scrape(t, reg)
	want := map[string]map[string]float64{
		"fieldops_tenant_http_requests_total": {"acme": 5, "durand": 1, "platform": 1, OtherTenant: 2},
		"fieldops_tenant_http_errors_total":   {"acme": 1, "durand": 0, "platform": 0, OtherTenant: 1},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	tt.SetTopN(1) // shrinking applies at once
	got = scrape(t, reg)
	if len(got["fieldops_tenant_http_requests_total"]) != 2 {
		t.Fatalf("after SetTopN(1): %v", got)
	}
}

func hasKey(m map[string]float64, k string) bool { _, ok := m[k]; return ok }

type hostResolver map[string]string

func (h hostResolver) Resolve(host string) (string, string) {
	if s, ok := h[host]; ok {
		return tenants.TargetTenant, s
	}
	return tenants.TargetUnknown, ""
}

// Observe counts a tenant's requests and 5xx, not its SSE streams.
func TestObserveCountsTenantRequests(t *testing.T) {
	m := New()
	h := Observe(ObserveConfig{Metrics: m, Registry: hostResolver{"acme.example.com": "acme"}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/fail" {
				w.WriteHeader(http.StatusInternalServerError)
			}
		}))
	for _, p := range []string{"/", "/fail", "/"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "http://acme.example.com"+p, nil))
	}
	stream := httptest.NewRequest(http.MethodGet, "http://acme.example.com/planning/stream", nil)
	stream.Header.Set("Accept", "text/event-stream")
	h.ServeHTTP(httptest.NewRecorder(), stream)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "http://nowhere.example.com/", nil))
	got := scrape(t, m.Registry())
	if r, e := got["fieldops_tenant_http_requests_total"], got["fieldops_tenant_http_errors_total"]; r["acme"] != 3 || e["acme"] != 1 || r[OtherTenant] != 1 || e[OtherTenant] != 0 {
		t.Fatalf("requests %v, errors %v", r, e)
	}
}
