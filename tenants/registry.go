// Package tenants hosts many tenants in one process: the control-plane
// (platform) PocketBase app, one lazily opened core.BaseApp per tenant,
// provisioning, lifecycle, host resolution and the HTTP dispatcher. It
// knows the layers around it only through small interfaces given in
// Config at Open: the HTTP layer (RouteInstaller, built once with the
// registry) and whoever follows open tenants (TenantNotifier, the
// replication supervisor). Replication, TLS, metrics and tracing live in
// subpackages that import this one, never the other way round.
package tenants

import (
	"context"
	"errors"
	"fmt"
	"github.com/pocketbase/dbx"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	pbplatform "github.com/fieldops360/fieldops/pb_migrations/platform"
	pbtenant "github.com/fieldops360/fieldops/pb_migrations/tenant"
)

// Config configures a Registry. Zero values get sensible defaults.
type Config struct {
	// Dir is the data directory (pb_data): platform/ and tenants/<slug>/.
	Dir string
	// ReplicaBytes, when replication is on, sizes a tenant's replica for
	// usage metering (replication.ReplicaTarget.Bytes).
	ReplicaBytes func(ctx context.Context, slug string) (int64, error)
	// TemplateDir caches the template databases new tenants are copied
	// from (default <Dir>/templates; tests share one per process).
	TemplateDir string
	// Domain is the base domain: <slug>.<Domain> are tenant hosts.
	Domain string
	// DefaultTenant maps every host but admin.<Domain> to this tenant
	// (single-company installs).
	DefaultTenant string
	// PublicScheme and PublicPort build tenant URLs ("http", ":8090").
	PublicScheme string
	PublicPort   string
	// IdleTimeout closes a tenant unused for that long (default 15 min).
	IdleTimeout time.Duration
	// ConnIdleTime closes a tenant's SQLite connections idle that long, so
	// that an open but idle tenant holds almost no memory (default 30 s;
	// a new connection costs about a millisecond).
	ConnIdleTime time.Duration
	// MaxOpen caps open tenants (default from the file-descriptor limit).
	MaxOpen int
	// StorageCheck is how often a served tenant's data.db is compared with
	// the file it opened, and a tenant out of service for a storage fault
	// probed (default 1 s).
	StorageCheck time.Duration
	// Routes builds the HTTP layer once, at Open, given the registry it
	// serves (handlers.Routes): our routes on each app and the
	// dispatcher's status pages. nil: PocketBase's API and dashboard
	// only, with DefaultErrorPages.
	Routes func(reg *Registry) (RouteInstaller, error)
	// TenantHooks binds domain hooks on each tenant app (default
	// domain.BindHooks).
	TenantHooks func(app core.App) error
	// Notifier is told when a tenant database is opened and after it was
	// closed (the replication supervisor follows open tenants; nil: nobody).
	Notifier TenantNotifier
	// AnchorInterval is the least time between two moves of a tenant's
	// audit head anchor on the write path (default 1 s; negative: after
	// every audit event). See tenants/audit_anchor.go.
	AnchorInterval time.Duration
	// ReadyChecks are extra /readyz checks (e.g. replication child alive).
	ReadyChecks []func(ctx context.Context) error
	// Logger receives structured logs (default slog.Default()).
	Logger *slog.Logger
	// Clock returns the current time (tests inject one).
	Clock func() time.Time
	// Cluster is the process's part in a scale-out installation (zero: a
	// single node). See cluster.go.
	Cluster ClusterConfig
}

// RouteInstaller is the HTTP layer served by the registry
// (handlers.Handlers). TenantRoutes and PlatformRoutes register routes on
// an app's router, once per BaseApp inside OnServe; ErrorPage renders the
// dispatcher's pages for an unknown host (404), a suspended tenant (503),
// a tenant out of service for a storage fault (503, CauseStorage), a
// deleted tenant (410) and an internal failure (500), in the words of
// ErrorText(status, cause).
type RouteInstaller interface {
	TenantRoutes(se *core.ServeEvent) error
	PlatformRoutes(se *core.ServeEvent) error
	ErrorPage(w http.ResponseWriter, r *http.Request, status int, cause Cause)
}

// TenantNotifier is told when a tenant database is opened and after it was
// closed (replication.Supervisor). Its methods must not block.
type TenantNotifier interface {
	TenantOpened(slug, dbPath string)
	TenantClosed(slug, dbPath string)
}

// noRoutes is the HTTP layer of a registry without one: PocketBase only.
type noRoutes struct{}

func (noRoutes) TenantRoutes(*core.ServeEvent) error   { return nil }
func (noRoutes) PlatformRoutes(*core.ServeEvent) error { return nil }
func (noRoutes) ErrorPage(w http.ResponseWriter, r *http.Request, status int, cause Cause) {
	DefaultErrorPages(w, r, status, cause)
}

// Tenant is an open tenant app and its HTTP handler.
type Tenant struct {
	Slug    string
	App     *core.BaseApp
	Handler http.Handler

	lastUsed atomic.Int64 // unix nanoseconds
	inflight atomic.Int32 // requests being served
	streams  atomic.Int32 // SSE clients connected

	reg     *Registry    // storage failures are reported to it
	file    fileID       // the data.db it opened
	opened  time.Time    // when (storage faults older than that retire it)
	checked atomic.Int64 // unix nanoseconds of the last file check
}

// StreamOpened and StreamClosed count long-lived SSE clients: a tenant is
// never closed while one is connected.
func (t *Tenant) StreamOpened() { t.streams.Add(1) }

// StreamClosed is the counterpart of StreamOpened.
func (t *Tenant) StreamClosed() { t.streams.Add(-1) }

type openCall struct {
	done chan struct{}
	t    *Tenant
	err  error
}

// Registry owns the platform app and the open tenant apps.
type Registry struct {
	cfg          Config
	routes       RouteInstaller // built once in Open
	platform     *core.BaseApp
	handler      http.Handler // platform handler, built once
	platformOnce sync.Once

	mu       sync.Mutex
	open     map[string]*Tenant
	opening  map[string]*openCall
	status   statusCache
	ents     entitlementsCache
	faults   storageFaults
	anchors  anchorBook  // audit chain anchors (audit_anchor.go)
	meter    meterBook   // usage metering (meter.go)
	traffic  trafficBook // error rate and latency per tenant (monitor.go)
	gate     writeGate   // tenants frozen for a move (cluster.go)
	shardAPI ShardClient // nil: the internal cluster API over HTTP
	retiring sync.WaitGroup

	// schemaRefused holds the tenants refused for a newer schema whose
	// refusal was logged (schema_refusal.go).
	schemaRefused sync.Map

	opens, closes atomic.Int64
	stop          chan struct{}
	stopped       sync.WaitGroup
}

// Open opens (creating if needed) the platform app under cfg.Dir, builds
// the HTTP layer with cfg.Routes and starts the idle reaper. Close
// releases everything.
func Open(cfg Config) (*Registry, error) {
	if cfg.Dir == "" {
		cfg.Dir = "pb_data"
	}
	if cfg.Domain == "" {
		cfg.Domain = "localhost"
	}
	if cfg.PublicScheme == "" {
		cfg.PublicScheme = "http"
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 15 * time.Minute
	}
	if cfg.ConnIdleTime == 0 {
		cfg.ConnIdleTime = 30 * time.Second
	}
	if cfg.MaxOpen == 0 {
		cfg.MaxOpen = defaultMaxOpen()
	}
	if cfg.AnchorInterval == 0 {
		cfg.AnchorInterval = defaultAnchorInterval
	}
	if cfg.StorageCheck == 0 {
		cfg.StorageCheck = time.Second
	}
	if cfg.TenantHooks == nil {
		cfg.TenantHooks = domain.BindHooks
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if err := checkClusterConfig(&cfg.Cluster); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, "tenants"), 0o750); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	platform, err := newApp(appOptions{DataDir: filepath.Join(cfg.Dir, "platform"), Migrations: pbplatform.Migrations()})
	if err != nil {
		return nil, fmt.Errorf("open platform: %w", err)
	}
	r := &Registry{
		cfg:      cfg,
		platform: platform,
		open:     map[string]*Tenant{},
		opening:  map[string]*openCall{},
		stop:     make(chan struct{}),
	}
	r.status.ttl = time.Second
	r.gate.init()
	r.bindPlatformSettings()
	r.bindEntitlementHooks()
	r.bindAnchorGuards()
	r.bindClusterHooks()
	if len(cfg.Cluster.SessionKeys) > 0 {
		if err := r.applyHeartbeat(HeartbeatReply{SessionKeys: cfg.Cluster.SessionKeys}); err != nil {
			_ = closeApp(platform)
			return nil, fmt.Errorf("session keys: %w", err)
		}
	}
	r.routes = noRoutes{}
	if cfg.Routes != nil {
		routes, err := cfg.Routes(r)
		if err != nil {
			_ = closeApp(platform)
			return nil, fmt.Errorf("routes: %w", err)
		}
		r.routes = routes
	}
	r.scanStorage()
	r.stopped.Add(3)
	go r.reapLoop()
	go r.anchorLoop()
	go r.usageLoop()
	return r, nil
}

// Platform returns the control-plane app.
func (r *Registry) Platform() core.App { return r.platform }

// Config returns the registry configuration (with defaults applied).
func (r *Registry) Config() Config { return r.cfg }

// TenantDir returns the data directory of a tenant.
func (r *Registry) TenantDir(slug string) string {
	return filepath.Join(r.cfg.Dir, "tenants", slug)
}

// URL returns the public base URL of a tenant.
func (r *Registry) URL(slug string) string {
	host := slug + "." + r.cfg.Domain
	if r.cfg.DefaultTenant == slug {
		host = r.cfg.Domain
	}
	return r.cfg.PublicScheme + "://" + host + r.cfg.PublicPort + "/"
}

// PlatformURL returns the public base URL of the platform host.
func (r *Registry) PlatformURL() string {
	return r.cfg.PublicScheme + "://" + r.cfg.Domain + r.cfg.PublicPort + "/"
}

// Acquire returns the open tenant, opening it if needed (one open at a
// time per slug), and a release func the caller must call when done.
// It does not check the tenant's status: the dispatcher does.
func (r *Registry) Acquire(ctx context.Context, slug string) (*Tenant, func(), error) {
	for {
		r.mu.Lock()
		if t, ok := r.open[slug]; ok {
			t.inflight.Add(1)
			r.mu.Unlock()
			return t, r.releaser(t), nil
		}
		call, inProgress := r.opening[slug]
		if !inProgress {
			call = &openCall{done: make(chan struct{})}
			r.opening[slug] = call
			r.mu.Unlock()
			call.t, call.err = r.openTenant(slug)
			r.mu.Lock()
			delete(r.opening, slug)
			if call.err == nil {
				r.open[slug] = call.t
			}
			r.mu.Unlock()
			close(call.done)
			if call.err != nil {
				return nil, nil, call.err
			}
			r.evictOverCap(slug)
			continue
		}
		r.mu.Unlock()
		select {
		case <-call.done:
			if call.err != nil {
				return nil, nil, call.err
			}
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

func (r *Registry) releaser(t *Tenant) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			t.lastUsed.Store(r.cfg.Clock().UnixNano())
			t.inflight.Add(-1)
		})
	}
}

// ErrTenantMissing is returned when a tenant's data.db does not exist: it
// is never created by opening the tenant (a provisioned tenant whose file
// is gone is out of service until the file is back, see faults.go).
var ErrTenantMissing = errors.New("tenant database missing")

func (r *Registry) openTenant(slug string) (*Tenant, error) {
	start := time.Now()
	dir := r.TenantDir(slug)
	id, err := statID(filepath.Join(dir, "data.db"))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrTenantMissing, slug, err)
	}
	// NB: before newApp, which would run this binary's migrations on a
	// database a newer release migrated (the schema rule, schema.go).
	if err := refuseNewerTenant(slug, filepath.Join(dir, "data.db")); err != nil {
		return nil, err
	}
	app, err := newApp(appOptions{DataDir: dir, Migrations: pbtenant.Migrations(), Hooks: r.cfg.TenantHooks,
		MaxIdleConnTime: r.cfg.ConnIdleTime, NoCreate: true})
	if err != nil {
		return nil, err
	}
	r.applyPlatformMail(app)
	r.bindAnchors(slug, app)
	domain.SetEntitlementsSource(app, func() domain.Entitlements {
		ent, _ := r.Entitlements(slug)
		return ent
	})
	h, err := buildHandler(app, r.routes.TenantRoutes)
	if err != nil {
		_ = closeApp(app)
		return nil, fmt.Errorf("router %s: %w", slug, err)
	}
	t := &Tenant{Slug: slug, App: app, Handler: h, reg: r, file: id, opened: start}
	t.lastUsed.Store(r.cfg.Clock().UnixNano())
	t.checked.Store(time.Now().UnixNano())
	r.opens.Add(1)
	r.schemaRefused.Delete(slug)
	r.cfg.Logger.Info("tenant opened", "tenant", slug, "ms", time.Since(start).Milliseconds())
	if r.cfg.Notifier != nil {
		r.cfg.Notifier.TenantOpened(slug, filepath.Join(dir, "data.db"))
	}
	return t, nil
}

// IsOpen reports whether a tenant is currently open.
func (r *Registry) IsOpen(slug string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.open[slug]
	return ok
}

// OpenSlugs returns the open tenants, sorted.
func (r *Registry) OpenSlugs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.open))
	for s := range r.open {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Stats returns how many tenants were opened and closed since start.
func (r *Registry) Stats() (opens, closes int64) { return r.opens.Load(), r.closes.Load() }

// CloseTenant closes an open tenant if it is idle (no request in flight,
// no SSE client) or force is set. It reports whether it closed it.
func (r *Registry) CloseTenant(slug string, force bool) bool {
	r.mu.Lock()
	t, ok := r.open[slug]
	if !ok || (!force && (t.inflight.Load() > 0 || t.streams.Load() > 0)) {
		r.mu.Unlock()
		return false
	}
	delete(r.open, slug)
	r.mu.Unlock()
	r.shut(t)
	return true
}

// shut closes a tenant app taken out of the open map and tells the
// notifier.
func (r *Registry) shut(t *Tenant) {
	if err := closeApp(t.App); err != nil {
		r.cfg.Logger.Warn("tenant close", "tenant", t.Slug, "error", err)
	}
	r.closes.Add(1)
	if r.cfg.Notifier != nil {
		r.cfg.Notifier.TenantClosed(t.Slug, filepath.Join(r.TenantDir(t.Slug), "data.db"))
	}
	trimMemory()
	r.cfg.Logger.Info("tenant closed", "tenant", t.Slug)
}

// CloseIdle closes every tenant idle for at least the idle timeout and
// returns how many it closed.
func (r *Registry) CloseIdle() int {
	now := r.cfg.Clock().UnixNano()
	r.mu.Lock()
	var idle []string
	for slug, t := range r.open {
		if t.inflight.Load() == 0 && t.streams.Load() == 0 && now-t.lastUsed.Load() >= int64(r.cfg.IdleTimeout) {
			idle = append(idle, slug)
		}
	}
	r.mu.Unlock()
	n := 0
	for _, slug := range idle {
		if r.CloseTenant(slug, false) {
			n++
		}
	}
	return n
}

// evictOverCap closes the least recently used idle tenants while more than
// MaxOpen are open (never keep, the tenant just opened).
func (r *Registry) evictOverCap(keep string) {
	for {
		r.mu.Lock()
		if len(r.open) <= r.cfg.MaxOpen {
			r.mu.Unlock()
			return
		}
		victim, oldest := "", int64(1<<62)
		for slug, t := range r.open {
			if slug != keep && t.inflight.Load() == 0 && t.streams.Load() == 0 && t.lastUsed.Load() < oldest {
				victim, oldest = slug, t.lastUsed.Load()
			}
		}
		r.mu.Unlock()
		if victim == "" || !r.CloseTenant(victim, false) {
			return
		}
	}
}

func (r *Registry) reapLoop() {
	defer r.stopped.Done()
	every := r.cfg.IdleTimeout / 4
	if every < time.Second {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	scan := time.NewTicker(storageScanEvery)
	defer scan.Stop()
	inactive := time.NewTicker(2 * time.Second)
	defer inactive.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-inactive.C:
			r.closeInactive()
		case <-tick.C:
			r.CloseIdle()
		case <-scan.C:
			r.scanStorage()
		}
	}
}

// closeInactive closes the open tenants that another process (the CLI:
// `tenant suspend` before an in-place restore) suspended or deleted, so
// that their files are released without waiting for a request.
func (r *Registry) closeInactive() {
	open := r.OpenSlugs()
	if len(open) == 0 {
		return
	}
	var rows []struct {
		Slug string `db:"slug"`
	}
	err := r.platform.DB().Select("slug").From("tenants").
		Where(dbx.And(dbx.In("slug", toAny(open)...), dbx.Not(dbx.HashExp{"status": StatusActive}))).All(&rows)
	if err != nil {
		r.cfg.Logger.Warn("inactive tenants", "error", err)
		return
	}
	for _, row := range rows {
		r.status.forget(row.Slug)
		r.CloseTenant(row.Slug, false)
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Close stops the reaper, closes every tenant, then the platform app.
func (r *Registry) Close() error {
	select {
	case <-r.stop:
		return nil
	default:
	}
	close(r.stop)
	r.stopped.Wait()
	r.retiring.Wait()
	for _, slug := range r.OpenSlugs() {
		r.CloseTenant(slug, true)
	}
	r.anchors.stopTimers()
	return closeApp(r.platform)
}
