package tenants_test

import (
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// anchorHookID is the id of the hook that moves a tenant's head anchor
// after each audit write (tenants/audit_anchor.go).
const anchorHookID = "fieldopsAuditAnchor"

// anchorModes are the anchoring variants the benchmarks compare: the head
// moved after every audit event, at most once a second (the default), and
// not at all (the anchor hook unbound).
var anchorModes = []struct {
	name     string
	interval time.Duration
}{{"every-write", -1}, {"interval-1s", time.Second}, {"off", 0}}

// BenchmarkAuditedWrite measures one audited write (a client created
// through the app: record, audit event, commit) with the head anchor moved
// after it (Ed25519 signature + compare-and-swap of one control-plane row)
// and without, one tenant, one writer.
func BenchmarkAuditedWrite(b *testing.B) {
	for _, m := range anchorModes {
		b.Run(m.name, func(b *testing.B) {
			tt := tenanttest.New(b, func(c *tenants.Config) { c.AnchorInterval = m.interval })
			app := tt.App()
			if m.interval == 0 {
				app.OnRecordAfterCreateSuccess(domain.CollectionAuditEvents).Unbind(anchorHookID)
			}
			col, err := app.FindCollectionByNameOrId(domain.CollectionClients)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			defer reportCPU(b)()
			for i := range b.N {
				r := core.NewRecord(col)
				r.Set("name", fmt.Sprintf("Client %d", i))
				if err := app.Save(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAuditedWriteTenants measures audited writes from parallel
// writers spread over 8 tenants: every anchored write also writes the one
// control-plane database that all tenants share.
func BenchmarkAuditedWriteTenants(b *testing.B) {
	for _, m := range anchorModes {
		b.Run(m.name, func(b *testing.B) {
			reg := tenanttest.NewRegistry(b, func(c *tenants.Config) { c.AnchorInterval = m.interval })
			var apps []core.App
			for i := range 8 {
				tt := tenanttest.Provision(b, reg, fmt.Sprintf("t%d", i), domain.SectorBTP)
				app := tt.App()
				if m.interval == 0 {
					app.OnRecordAfterCreateSuccess(domain.CollectionAuditEvents).Unbind(anchorHookID)
				}
				apps = append(apps, app)
			}
			var next atomic.Int64
			b.SetParallelism(2)
			b.ResetTimer()
			defer reportCPU(b)()
			b.RunParallel(func(pb *testing.PB) {
				app := apps[int(next.Add(1))%len(apps)]
				col, err := app.FindCollectionByNameOrId(domain.CollectionClients)
				if err != nil {
					b.Error(err)
					return
				}
				for i := 0; pb.Next(); i++ {
					r := core.NewRecord(col)
					r.Set("name", fmt.Sprintf("Client %d", i))
					if err := app.Save(r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// reportCPU reports the process's CPU time (user + system) per operation
// from now until the returned func runs: steadier than wall time on a
// shared machine.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
