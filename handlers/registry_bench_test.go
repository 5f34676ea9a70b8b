package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// Benchmarks of the registry serving tenants with the real handlers, as in
// production: reopen (router build included), idle RSS per tenant, API CPU
// per request against stock PocketBase. Provisioning is benchmarked in
// package tenants.

// cloneTenants copies a provisioned tenant's files to n new slugs and
// registers them, which is much faster than provisioning each.
func cloneTenants(b *testing.B, reg *tenants.Registry, from string, n int) []string {
	b.Helper()
	src := filepath.Join(reg.TenantDir(from), "data.db")
	raw, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	col, err := reg.Platform().FindCollectionByNameOrId("tenants")
	if err != nil {
		b.Fatal(err)
	}
	slugs := make([]string, n)
	for i := range n {
		slug := fmt.Sprintf("clone-%d", i)
		if err := os.MkdirAll(reg.TenantDir(slug), 0o750); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(reg.TenantDir(slug), "data.db"), raw, 0o640); err != nil {
			b.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Load(map[string]any{"slug": slug, "name": slug, "sector": "btp", "status": "active"})
		if err := reg.Platform().Save(r); err != nil {
			b.Fatal(err)
		}
		slugs[i] = slug
	}
	return slugs
}

// BenchmarkReopen measures opening a closed tenant (bootstrap, migration
// check, router build). Target: p99 < 20 ms.
func BenchmarkReopen(b *testing.B) {
	tt := handlertest.New(b)
	reg := tt.Registry
	reg.CloseTenant("acme", true)
	samples := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		_, release, err := reg.Acquire(context.Background(), "acme")
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		release()
		b.StopTimer()
		reg.CloseTenant("acme", true)
		b.StartTimer()
	}
	b.StopTimer()
	tenanttest.ReportPercentiles(b, samples)
}

func rssBytes() int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func settle() int64 {
	runtime.GC()
	debug.FreeOSMemory()
	time.Sleep(50 * time.Millisecond)
	return rssBytes()
}

// BenchmarkIdleTenantRSS opens 200 tenants, lets them go idle (a request
// each, then nothing) and reports the resident memory each one costs,
// while their SQLite connections are still held ("conns-held") and once
// the connection idle time released them ("conns-released", what an idle
// tenant costs after Config.ConnIdleTime). Target: < 1.5 MB.
func BenchmarkIdleTenantRSS(b *testing.B) {
	b.Run("conns-held", func(b *testing.B) { idleRSS(b, time.Hour, 0) })
	b.Run("conns-released", func(b *testing.B) { idleRSS(b, time.Second, 2500*time.Millisecond) })
}

func idleRSS(b *testing.B, connIdle, wait time.Duration) {
	const n = 200
	for range b.N {
		b.StopTimer()
		tt := handlertest.New(b, tenanttest.WithConnIdle(connIdle))
		reg := tt.Registry
		slugs := cloneTenants(b, reg, "acme", n)
		// warm every code path once, then close, so the baseline holds
		// the process's one-time costs (code, Go runtime, dashboard FS).
		for _, s := range slugs[:2] {
			tenanttest.Do(b, reg, http.MethodGet, s+".localhost", "/api/collections/sites/records", "", nil)
			reg.CloseTenant(s, true)
		}
		reg.CloseTenant("acme", true)
		before := settle()
		b.StartTimer()
		for _, s := range slugs {
			if rec := tenanttest.Do(b, reg, http.MethodGet, s+".localhost", "/api/collections/sites/records", "", nil); rec.Code != 200 {
				b.Fatalf("%s: %d", s, rec.Code)
			}
		}
		b.StopTimer()
		time.Sleep(100*time.Millisecond + wait)
		after := settle()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if got := len(reg.OpenSlugs()); got != n {
			b.Fatalf("open tenants = %d, want %d", got, n)
		}
		b.ReportMetric(float64(after-before)/n/1024, "KiB/idle-tenant")
		b.ReportMetric(float64(after)/1024/1024, "MiB-total-rss")
		b.ReportMetric(float64(ms.HeapInuse)/n/1024, "KiB-go-heap/tenant")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stockHandler serves a copy of a tenant database with PocketBase's own
// router exactly as apis.Serve builds it, without FieldOps's dispatcher.
func stockHandler(b *testing.B, dir string) http.Handler {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, DBConnect: tenants.DBConnect})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = app.ResetBootstrapState() })
	r, err := apis.NewRouter(app)
	if err != nil {
		b.Fatal(err)
	}
	r.Bind(apis.CORS(apis.CORSConfig{AllowOrigins: []string{"*"}}))
	var h http.Handler
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	if err := app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		var err error
		h, err = e.Router.BuildMux()
		return err
	}); err != nil {
		b.Fatal(err)
	}
	return h
}

// BenchmarkSitesList compares GET /api/collections/sites/records (50
// sites, a project manager's token) routed through the FieldOps dispatcher
// to a tenant app, against stock PocketBase serving a copy of the same
// database. Target: CPU per request within 10 %.
func BenchmarkSitesList(b *testing.B) {
	tt := handlertest.New(b)
	tt.User("project_manager", "pm@acme.test")
	client := tt.Record("clients", map[string]any{"name": "Client"})
	for i := range 50 {
		tt.Record("sites", map[string]any{
			"code": fmt.Sprintf("CH-%03d", i), "name": fmt.Sprintf("Chantier %d", i), "sector": "btp",
			"status": "active", "client": client.Id, "lat": 47.2, "lng": -1.55, "budget": 120000,
		})
	}
	token := tt.Token("users", "pm@acme.test")
	reg := tt.Registry
	stockDir := b.TempDir()
	if err := tenants.BackupDB(context.Background(), filepath.Join(reg.TenantDir("acme"), "data.db"), filepath.Join(stockDir, "data.db")); err != nil {
		b.Fatal(err)
	}
	stock := stockHandler(b, stockDir)
	const path = "/api/collections/sites/records?perPage=50&sort=code"

	run := func(b *testing.B, h http.Handler, host string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = host
		req.Header.Set("Authorization", token)
		check := httptest.NewRecorder()
		h.ServeHTTP(check, req)
		if check.Code != 200 || !strings.Contains(check.Body.String(), `"totalItems":50`) {
			b.Fatalf("warm-up: %d %s", check.Code, check.Body.String()[:min(200, check.Body.Len())])
		}
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := cpuTime()
		for range b.N {
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
		}
		b.StopTimer()
		b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
	}
	b.Run("fieldops", func(b *testing.B) { run(b, reg, tt.Host()) })
	b.Run("stock", func(b *testing.B) { run(b, stock, "localhost") })
}

type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return io.Discard.Write(p) }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }
