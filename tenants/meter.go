package tenants

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Usage metering (issue #19): every request to a tenant is counted with
// the time the server spent on it, in memory; FlushUsage adds the counts
// to the day's usage_daily row of each tenant (the day in UTC) and
// refreshes its gauges: active users, database, files and replica bytes,
// photos and reports of the day. CPU seconds are the process's measured
// CPU time (getrusage) over the interval, shared among tenants in
// proportion to their request time; what no tenant request used (the
// platform, idle work) is left unattributed.

// usageFlushEvery is how often the serving process writes usage_daily.
const usageFlushEvery = time.Minute

// meterBusyCap bounds the time one request counts for (a live stream).
const meterBusyCap = 5 * time.Second

// replicaBytesEvery is how long a tenant's replica size is reused (it
// costs a listing of the replica).
const replicaBytesEvery = time.Hour

type tenantMeter struct {
	requests atomic.Int64
	busy     atomic.Int64 // ns spent serving
}

type meterBook struct {
	mu      sync.Mutex
	m       map[string]*tenantMeter
	lastCPU time.Duration // process CPU at the last flush
	flushMu sync.Mutex
	replica map[string]replicaSize // under flushMu
}

type replicaSize struct {
	n  int64
	at time.Time
}

// meterRequest counts one request of a tenant that took d.
func (r *Registry) meterRequest(slug string, d time.Duration) {
	r.meter.mu.Lock()
	if r.meter.m == nil {
		r.meter.m = map[string]*tenantMeter{}
	}
	tm := r.meter.m[slug]
	if tm == nil {
		tm = &tenantMeter{}
		r.meter.m[slug] = tm
	}
	r.meter.mu.Unlock()
	tm.requests.Add(1)
	tm.busy.Add(int64(d))
}

// processCPU returns the CPU time (user + system) of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// UsageDelta is what one flush added to a tenant's day.
type UsageDelta struct {
	Requests int64
	CPUms    int64
}

// FlushUsage writes the requests counted since the last flush and the
// tenants' gauges to usage_daily (one row per tenant and UTC day); it
// returns what it added per tenant.
func (r *Registry) FlushUsage(ctx context.Context) (map[string]UsageDelta, error) {
	r.meter.flushMu.Lock()
	defer r.meter.flushMu.Unlock()
	cpu := processCPU()
	spent := cpu - r.meter.lastCPU
	r.meter.lastCPU = cpu
	r.meter.mu.Lock()
	counts := map[string][2]int64{}
	var busyAll int64
	for slug, tm := range r.meter.m {
		c := [2]int64{tm.requests.Swap(0), tm.busy.Swap(0)}
		if c[0] > 0 {
			counts[slug] = c
			busyAll += c[1]
		}
	}
	r.meter.mu.Unlock()
	out := map[string]UsageDelta{}
	day := r.cfg.Clock().UTC().Format(time.DateOnly)
	for slug, c := range counts {
		d := UsageDelta{Requests: c[0]}
		if busyAll > 0 && spent > 0 {
			share := min(float64(c[1])/float64(busyAll), 1)
			d.CPUms = int64(share * float64(spent.Milliseconds()))
		}
		if err := r.addUsage(ctx, slug, day, d); err != nil {
			return out, err
		}
		out[slug] = d
	}
	return out, nil
}

// addUsage adds d to slug's row of day and refreshes its gauges.
func (r *Registry) addUsage(ctx context.Context, slug, day string, d UsageDelta) error {
	g, err := r.usageGauges(ctx, slug, day)
	if err != nil {
		r.cfg.Logger.Warn("usage gauges", "tenant", slug, "error", err)
	}
	return r.platform.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindFirstRecordByFilter("usage_daily", "tenant = {:t} && day = {:d}", dbx.Params{"t": slug, "d": day})
		if err != nil {
			col, cerr := tx.FindCachedCollectionByNameOrId("usage_daily")
			if cerr != nil {
				return cerr
			}
			rec = core.NewRecord(col)
			rec.Set("tenant", slug)
			rec.Set("day", day)
		}
		rec.Set("requests", rec.GetInt("requests")+int(d.Requests))
		rec.Set("cpu_ms", rec.GetInt("cpu_ms")+int(d.CPUms))
		rec.Set("active_users", g.activeUsers)
		rec.Set("db_bytes", g.db)
		rec.Set("files_bytes", g.files)
		if g.replica > 0 {
			rec.Set("replica_bytes", g.replica)
		}
		rec.Set("storage_bytes", g.db+g.files+rec.GetInt("replica_bytes"))
		rec.Set("photos", g.photos)
		rec.Set("reports", g.reports)
		return tx.Save(rec)
	})
}

type usageGauges struct {
	activeUsers, photos, reports, db, files, replica int
}

// usageGauges reads a tenant's gauges without opening its app: sizes on
// disk and, with a read-only connection, active users and the photos and
// reports created on day.
func (r *Registry) usageGauges(ctx context.Context, slug, day string) (usageGauges, error) {
	var g usageGauges
	dir := r.TenantDir(slug)
	for _, f := range []string{"data.db", "data.db-wal", "auxiliary.db", "auxiliary.db-wal"} {
		g.db += int(fileSize(filepath.Join(dir, f)))
	}
	g.files = int(dirSize(filepath.Join(dir, "storage")))
	if r.cfg.ReplicaBytes != nil {
		if r.meter.replica == nil {
			r.meter.replica = map[string]replicaSize{}
		}
		rs, ok := r.meter.replica[slug]
		if !ok || time.Since(rs.at) > replicaBytesEvery {
			n, err := r.cfg.ReplicaBytes(ctx, slug)
			if err != nil {
				r.cfg.Logger.Warn("usage: replica bytes", "tenant", slug, "error", err)
			}
			rs = replicaSize{n: n, at: time.Now()}
			r.meter.replica[slug] = rs
		}
		g.replica = int(rs.n)
	}
	registerDriver()
	db, err := sql.Open(DriverName, "file:"+filepath.Join(dir, "data.db")+"?mode=ro")
	if err != nil {
		return g, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "SELECT coalesce(sum(active), 0) FROM users").Scan(&g.activeUsers); err != nil {
		return g, err
	}
	// NB: created is "YYYY-MM-DD hh:mm:ss.sssZ" (UTC): a prefix match is the day.
	for _, q := range []struct {
		table string
		dst   *int
	}{{"photos", &g.photos}, {"reports", &g.reports}} {
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+q.table+" WHERE created >= ? AND created < ?", day, day+"~").Scan(q.dst); err != nil {
			return g, err
		}
	}
	return g, nil
}

// dirSize is the total size of the regular files under dir (0 if none).
func dirSize(dir string) int64 {
	if dir == "" {
		return 0
	}
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // NB: a file removed while walking is not counted
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// usageLoop flushes usage every usageFlushEvery until Close.
func (r *Registry) usageLoop() {
	defer r.stopped.Done()
	tick := time.NewTicker(usageFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			if _, err := r.FlushUsage(context.Background()); err != nil {
				r.cfg.Logger.Warn("usage flush", "error", err)
			}
			return
		case <-tick.C:
			if _, err := r.FlushUsage(context.Background()); err != nil {
				r.cfg.Logger.Warn("usage flush", "error", err)
			}
		}
	}
}

// UsageDay is one day of a tenant's usage (usage_daily).
type UsageDay struct {
	Day          string `json:"day"`
	Requests     int    `json:"requests"`
	CPUms        int    `json:"cpu_ms"`
	ActiveUsers  int    `json:"active_users"`
	DBBytes      int    `json:"db_bytes"`
	FilesBytes   int    `json:"files_bytes"`
	ReplicaBytes int    `json:"replica_bytes"`
	StorageBytes int    `json:"storage_bytes"`
	Photos       int    `json:"photos"`
	Reports      int    `json:"reports"`
}

// UsageDays returns a tenant's usage from day from to day to (YYYY-MM-DD,
// inclusive), oldest first.
func (r *Registry) UsageDays(slug, from, to string) ([]UsageDay, error) {
	recs, err := r.platform.FindRecordsByFilter("usage_daily", "tenant = {:t} && day >= {:f} && day <= {:to}", "day", 0, 0,
		dbx.Params{"t": slug, "f": from, "to": to})
	if err != nil {
		return nil, err
	}
	out := make([]UsageDay, 0, len(recs))
	for _, rec := range recs {
		out = append(out, UsageDay{
			Day: rec.GetString("day"), Requests: rec.GetInt("requests"), CPUms: rec.GetInt("cpu_ms"),
			ActiveUsers: rec.GetInt("active_users"), DBBytes: rec.GetInt("db_bytes"), FilesBytes: rec.GetInt("files_bytes"),
			ReplicaBytes: rec.GetInt("replica_bytes"), StorageBytes: rec.GetInt("storage_bytes"),
			Photos: rec.GetInt("photos"), Reports: rec.GetInt("reports"),
		})
	}
	return out, nil
}

// meterResult counts one request of a tenant that took d and answered
// code: usage metering (meterRequest) and the monitoring window (error
// rate and latency per tenant, monitor.go).
func (r *Registry) meterResult(slug string, d time.Duration, code int, stream bool) {
	r.meterRequest(slug, min(d, meterBusyCap))
	if !stream {
		r.traffic.record(slug, d, code, time.Now())
	}
}

// PutUsageDays writes whole usage_daily rows (replacing the days given):
// the demo's history and tests.
func (r *Registry) PutUsageDays(slug string, days []UsageDay) error {
	return r.platform.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("usage_daily")
		if err != nil {
			return err
		}
		for _, u := range days {
			rec, err := tx.FindFirstRecordByFilter("usage_daily", "tenant = {:t} && day = {:d}", dbx.Params{"t": slug, "d": u.Day})
			if err != nil {
				rec = core.NewRecord(col)
			}
			rec.Load(map[string]any{"tenant": slug, "day": u.Day, "requests": u.Requests, "cpu_ms": u.CPUms,
				"active_users": u.ActiveUsers, "db_bytes": u.DBBytes, "files_bytes": u.FilesBytes, "replica_bytes": u.ReplicaBytes,
				"storage_bytes": u.DBBytes + u.FilesBytes + u.ReplicaBytes, "photos": u.Photos, "reports": u.Reports})
			if err := tx.Save(rec); err != nil {
				return err
			}
		}
		return nil
	})
}
