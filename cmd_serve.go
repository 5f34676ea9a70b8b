package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenants/certs"
	"github.com/fieldops360/fieldops/tenants/metrics"
	"github.com/fieldops360/fieldops/tenants/replication"
	"github.com/fieldops360/fieldops/tenants/tracing"
)

// serveFlags are the flags of serve and demo.
type serveFlags struct {
	HTTPS           string
	TLS             string
	DefaultTenant   string
	Replica         string
	Replicate       string
	Grace           time.Duration
	Idle            time.Duration
	MetricsUser     string
	MetricsPassword string
	MetricsTenants  int
	ACMECA          string
	ACMEEmail       string
	ACMERoots       string
	ACMEHTTPPort    int
	ACMETLSPort     int
	OTLPEndpoint    string
	Replication     replicateOpts
	ClientIPHeader  string
	// scale-out (issue #21, tenants/cluster.go)
	Role         string
	ShardID      string
	ControlPlane string
	Advertise    string
	Proxy        string
	ProxyMap     string
	// PublicScheme is the scheme clients use when TLS ends in front of
	// the server (an ingress, a proxy).
	PublicScheme string
}

// wiring is what openRegistry builds the process from; options adjust it
// before the registry opens (serve adds replication, metrics, readiness).
type wiring struct {
	Config tenants.Config
	Deps   handlers.Deps
	// Wrap, when set, wraps the HTTP layer (serve binds the route pattern
	// for its metrics).
	Wrap func(tenants.RouteInstaller) tenants.RouteInstaller
}

// openRegistry opens the registry with the HTTP handlers, which
// tenants.Open builds once with the registry they serve.
func openRegistry(g *globals, defaultTenant string, idle time.Duration, level slog.Level, opts ...func(*wiring)) (*tenants.Registry, error) {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	w := wiring{
		Config: tenants.Config{
			Dir:           g.Dir,
			Domain:        g.Domain,
			DefaultTenant: defaultTenant,
			PublicScheme:  "http",
			PublicPort:    publicPort(g.HTTP),
			IdleTimeout:   idle,
			Logger:        logger,
		},
		Deps: handlers.Deps{Logger: logger, Version: version},
	}
	for _, o := range opts {
		o(&w)
	}
	w.Config.Routes = func(reg *tenants.Registry) (tenants.RouteInstaller, error) {
		h, err := handlers.New(reg, w.Deps)
		if err != nil {
			return nil, err
		}
		if w.Wrap != nil {
			return w.Wrap(h), nil
		}
		return h, nil
	}
	return tenants.Open(w.Config)
}

// publicPort returns ":port" for URLs, or "" for the default HTTP port.
func publicPort(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "80" || port == "443" {
		return ""
	}
	return ":" + port
}

func addServeFlags(cmd *cobra.Command, s *serveFlags) {
	f := cmd.Flags()
	f.StringVar(&s.HTTPS, "https", ":443", "HTTPS listen address (with --tls auto|internal)")
	f.StringVar(&s.TLS, "tls", "off", "TLS mode: off, auto (ACME) or internal (private CA)")
	f.StringVar(&s.DefaultTenant, "default-tenant", "", "serve this tenant on every host except admin.<domain>")
	f.StringVar(&s.Replica, "replica", "off", "replica target: file:DIR, s3://bucket/prefix?endpoint=… or off")
	f.StringVar(&s.Replicate, "replicate", "child", "who runs `fieldops replicate`: child (started and restarted by serve) or external (a sidecar or systemd unit; serve attaches to its control socket)")
	f.DurationVar(&s.Grace, "grace", 20*time.Second, "graceful shutdown period")
	f.DurationVar(&s.Idle, "idle", 15*time.Minute, "close a tenant after this idle period")
	f.StringVar(&s.MetricsUser, "metrics-user", "", "basic-auth user protecting /metrics")
	f.StringVar(&s.MetricsPassword, "metrics-password", "", "basic-auth password protecting /metrics")
	f.IntVar(&s.MetricsTenants, "metrics-tenants", metrics.DefaultTenantTopN, "tenants with their own request series (the busiest N; the others are summed under tenant=\"_other\")")
	f.StringVar(&s.ACMECA, "acme-ca", "", "ACME directory URL for --tls auto (default Let's Encrypt)")
	f.StringVar(&s.ACMEEmail, "acme-email", "", "ACME account email for --tls auto")
	f.StringVar(&s.ACMERoots, "acme-roots", "", "PEM file of extra roots trusted for the ACME directory (test CAs)")
	f.IntVar(&s.ACMEHTTPPort, "acme-http-port", 0, "port the CA uses for HTTP-01 when it is not 80 (test CAs)")
	f.IntVar(&s.ACMETLSPort, "acme-tls-port", 0, "port the CA uses for TLS-ALPN-01 when it is not 443 (test CAs)")
	f.StringVar(&s.OTLPEndpoint, "otlp-endpoint", "", "OTLP/HTTP traces endpoint (host:port or URL); off when empty (OTEL_EXPORTER_OTLP_ENDPOINT also works)")
	for _, n := range []string{"acme-ca", "acme-roots", "acme-http-port", "acme-tls-port"} {
		_ = f.MarkHidden(n)
	}
}

func newServeCmd(g *globals) *cobra.Command {
	s := &serveFlags{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the platform and every tenant",
		Args:  args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkServeFlags(s); err != nil {
				return err
			}
			return runServer(cmd.Context(), g, s)
		},
	}
	addServeFlags(cmd, s)
	s.Replication.bind(cmd)
	f := cmd.Flags()
	f.StringVar(&s.Role, "role", tenants.RoleAll, "all: control plane and tenants in one process (single node); control: the control plane of a scale-out installation; shard: serves the tenants placed on it (FIELDOPS_CLUSTER_TOKEN authenticates the nodes)")
	f.StringVar(&s.ShardID, "shard-id", "", "with --role shard: this shard's id (e.g. the pod name)")
	f.StringVar(&s.ControlPlane, "control-plane", "", "with --role shard: the control plane's internal URL")
	f.StringVar(&s.Advertise, "advertise", "", "with --role shard: this shard's URL as the control plane and the proxy reach it")
	f.StringVar(&s.Proxy, "proxy", "", "with --role control: the edge proxy's runtime API the placement is published to (haproxy:unix:///run/haproxy/admin.sock or haproxy:tcp://127.0.0.1:9999)")
	f.StringVar(&s.ProxyMap, "proxy-map", "", "with --proxy: the HAProxy map file (absolute path, as haproxy.cfg names it)")
	f.StringVar(&s.PublicScheme, "public-scheme", "", "https when TLS ends in front of the server (an ingress, a proxy): links are built with https:// and cookies marked Secure (default: https with --tls auto|internal, else http)")
	cmd.Flags().StringVar(&s.ClientIPHeader, "client-ip-header", "", "header carrying the client address set by the ingress in front of the server (e.g. X-Real-IP): the per-IP sign-in limit counts it; only when clients cannot reach the server directly")
	return cmd
}

func checkServeFlags(s *serveFlags) error {
	switch s.TLS {
	case "off", "auto", "internal":
	default:
		return usageError{fmt.Errorf("--tls must be off, auto or internal, not %q", s.TLS)}
	}
	if _, err := replication.ParseReplicaTarget(s.Replica); err != nil {
		return usageError{err}
	}
	if err := s.Replication.check(); err != nil {
		return err
	}
	if s.Replicate != "child" && s.Replicate != "external" {
		return usageError{fmt.Errorf("--replicate must be child or external, not %q", s.Replicate)}
	}
	if s.Grace <= 0 {
		return usageError{errors.New("--grace must be positive")}
	}
	if _, err := s.cluster(); err != nil {
		return usageError{err}
	}
	if s.PublicScheme != "" && s.PublicScheme != "http" && s.PublicScheme != "https" {
		return usageError{fmt.Errorf("--public-scheme must be http or https, not %q", s.PublicScheme)}
	}
	if s.Role == tenants.RoleShard {
		if t, _ := replication.ParseReplicaTarget(s.Replica); !t.Enabled() {
			return usageError{errors.New("--role shard needs --replica: its tenants move between shards through their replicas (the same replica root for every shard)")}
		}
	}
	return nil
}

// cluster returns the scale-out part of the configuration.
func (s *serveFlags) cluster() (tenants.ClusterConfig, error) {
	c := tenants.ClusterConfig{Role: s.Role, ShardID: s.ShardID, ControlURL: s.ControlPlane, Advertise: s.Advertise,
		Token: os.Getenv("FIELDOPS_CLUSTER_TOKEN"), ProxySpec: s.Proxy, ProxyMap: s.ProxyMap}
	switch s.Role {
	case tenants.RoleAll, "":
		if s.ShardID != "" || s.ControlPlane != "" || s.Proxy != "" {
			return c, errors.New("--shard-id, --control-plane and --proxy need --role shard or control")
		}
		return c, nil
	case tenants.RoleControl:
		if c.Token == "" {
			return c, errors.New("--role control needs FIELDOPS_CLUSTER_TOKEN (the shards use the same)")
		}
		if s.Proxy != "" {
			p, err := tenants.ParseProxy(s.Proxy, s.ProxyMap)
			if err != nil {
				return c, err
			}
			c.Proxy = p
		}
	case tenants.RoleShard:
		if s.Proxy != "" {
			return c, errors.New("--proxy belongs to the control plane (--role control)")
		}
		if s.TLS != "off" {
			// TLS passthrough at the edge: the proxy reaches this shard's
			// TLS listener on the advertised host
			u, err := url.Parse(s.Advertise)
			if err != nil || u.Hostname() == "" {
				return c, fmt.Errorf("--advertise %q: a URL with a host", s.Advertise)
			}
			_, port, _ := net.SplitHostPort(s.HTTPS)
			if port == "" {
				port = "443"
			}
			c.AdvertiseTLS = net.JoinHostPort(u.Hostname(), port)
		}
	}
	return c, nil
}

// runServer is `fieldops serve`: registry, replication child, metrics,
// logs, traces, TLS, and the graceful shutdown of DESIGN.md §7.
func runServer(ctx context.Context, g *globals, s *serveFlags) error {
	// the schema rule (tenants/schema.go): a binary started on a control
	// plane a newer release migrated must not serve it (nor migrate it)
	if err := tenants.RefuseNewerPlatform(g.Dir); err != nil {
		return err
	}
	// JSON lines on stdout; a line logged with a request context carries
	// trace_id, span_id, tenant, route, method, user (docs/observability.md)
	logger := slog.New(tracing.LogHandler(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelInfo})))
	slog.SetDefault(logger)
	trc, err := tracing.Start(ctx, s.OTLPEndpoint, version, logger)
	if err != nil {
		logger.Warn("tracing: spans not exported", "error", err)
	}
	// outgoing HTTP calls made with a request context carry its traceparent
	http.DefaultTransport = tracing.Transport(http.DefaultTransport)
	target, _ := replication.ParseReplicaTarget(s.Replica)
	mtr := metrics.New()
	mtr.User, mtr.Password = s.MetricsUser, s.MetricsPassword
	mtr.Tenants().SetTopN(s.MetricsTenants)

	cluster, _ := s.cluster()
	if cluster.Role == tenants.RoleShard {
		// its own control-plane copy goes apart from the control plane's
		s.Replication.PlatformPath = "shards/" + cluster.ShardID + "/platform"
		if err := replication.SetPlatformReplicaPath(s.Replication.PlatformPath); err != nil {
			return err
		}
		kctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		keys, err := tenants.FetchSessionKeys(kctx, cluster)
		cancel()
		if err != nil {
			return fmt.Errorf("shard %s: %w", cluster.ShardID, err)
		}
		cluster.SessionKeys = keys
	}
	var sup *replication.Supervisor
	if target.Enabled() {
		sup = replication.NewSupervisor(replication.SupervisorConfig{Dir: g.Dir, Replica: s.Replica, Logger: logger, External: s.Replicate == "external", Args: s.Replication.args()})
		mtr.AttachReplication(sup)
	}
	scheme := "http"
	if s.TLS != "off" || s.PublicScheme == "https" {
		scheme = "https"
	}
	reg, err := openRegistry(g, s.DefaultTenant, s.Idle, slog.LevelInfo, func(w *wiring) {
		c := &w.Config
		c.Logger = logger
		w.Deps.Logger = logger
		w.Deps.Metrics = mtr
		w.Deps.ClientIPHeader = s.ClientIPHeader
		if scheme == "https" {
			// session and language cookies only over TLS (found by the DAST pass)
			w.Deps.Secure = true
			c.PublicScheme, c.PublicPort = "https", publicPort(s.HTTPS)
			if s.TLS == "off" {
				c.PublicPort = "" // TLS ends in front, on the standard port
			}
		}
		w.Wrap = func(r tenants.RouteInstaller) tenants.RouteInstaller { return trc.Routes(metrics.WithRoutePattern(r)) }
		c.Cluster = cluster
		if sup != nil {
			c.Cluster.Replica = replication.ShardReplica{Sup: sup, Target: target}
			c.ReplicaBytes = func(ctx context.Context, slug string) (int64, error) { return target.Bytes(ctx, slug) }
			w.Deps.Replication = sup
			c.Notifier = sup
			c.ReadyChecks = append(c.ReadyChecks, sup.Ready)
		}
	})
	if err != nil {
		return err
	}
	// NB: the replication child starts once the registry is open. On a first
	// boot the parent migrates a brand-new platform database; a child
	// snapshotting it at the same time held a read lock that made the
	// migration fail with "database is locked" (seen in the Ansible first
	// install). No tenant opens before the HTTP servers start below.
	if sup != nil {
		sup.Start()
	}
	mtr.AttachRegistry(reg)
	mtr.AttachMargins(reg)

	shutdownCtx, beginShutdown := context.WithCancel(context.Background())
	defer beginShutdown()
	handler := metrics.Observe(metrics.ObserveConfig{Metrics: mtr, Registry: reg, Logger: logger, Shutdown: shutdownCtx, Trace: trc.Trace()}, reg)

	var servers []*http.Server
	var listeners []net.Listener
	listen := func(addr string) (net.Listener, error) {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen %s: %w", addr, err)
		}
		listeners = append(listeners, ln)
		return ln, nil
	}
	newServer := func(h http.Handler) *http.Server {
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		servers = append(servers, srv)
		return srv
	}
	closeAll := func() {
		for _, ln := range listeners {
			_ = ln.Close()
		}
	}
	errc := make(chan error, 2)
	if s.TLS == "off" {
		ln, err := listen(g.HTTP)
		if err != nil {
			reg.Close()
			return err
		}
		srv := newServer(handler)
		go func() { errc <- srv.Serve(ln) }()
	} else {
		mgr, err := certs.New(ctx, certs.Config{
			Mode: s.TLS, Dir: g.Dir, Domain: reg.Config().Domain, Registry: reg, Metrics: mtr, Logger: logger,
			HTTPSPort: publicPort(s.HTTPS), CA: s.ACMECA, Email: s.ACMEEmail, RootsFile: s.ACMERoots, AltHTTPPort: s.ACMEHTTPPort, AltTLSALPNPort: s.ACMETLSPort,
		})
		if err != nil {
			reg.Close()
			return err
		}
		lnHTTP, err := listen(g.HTTP)
		if err == nil {
			var lnTLS net.Listener
			if lnTLS, err = listen(s.HTTPS); err == nil {
				plain := newServer(mgr.HTTPHandler(handler))
				secure := newServer(mgr.SecureHandler(handler))
				secure.TLSConfig = mgr.TLSConfig()
				go func() { errc <- plain.Serve(lnHTTP) }()
				go func() { errc <- secure.ServeTLS(lnTLS, "", "") }()
			}
		}
		if err != nil {
			closeAll()
			reg.Close()
			return err
		}
	}
	if err := reg.StartCluster(shutdownCtx, version); err != nil {
		closeAll()
		reg.Close()
		return err
	}
	sigCtx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	host := reg.Config().Domain
	fmt.Fprintf(os.Stderr, "FieldOps360 %s — plateforme : %s  ·  clients : %s://<slug>.%s%s/  ·  réplication : %s  ·  TLS : %s  ·  rôle : %s %s\n",
		version, reg.PlatformURL(), reg.Config().PublicScheme, host, reg.Config().PublicPort, target.String(), s.TLS, reg.Role(), reg.ShardID())

	var serveErr error
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	case <-sigCtx.Done():
	}
	gracefulStop(logger, servers, reg, sup, trc, beginShutdown, s.Grace)
	return serveErr
}

// gracefulStop: stop accepting and drain requests, end SSE streams, close
// tenants (each close tells the child, which does a final sync), then let
// the child finish its final sync and exit — all within grace.
func gracefulStop(logger *slog.Logger, servers []*http.Server, reg *tenants.Registry, sup *replication.Supervisor, trc *tracing.Tracing, endStreams func(), grace time.Duration) {
	start := time.Now()
	deadline := start.Add(grace)
	logger.Info("shutdown: draining", "grace", grace.String())
	endStreams() // SSE clients reconnect to another instance
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(grace*6/10))
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			logger.Warn("shutdown: requests still running, closing connections", "error", err)
			_ = srv.Close()
		}
	}
	cancel()
	drained := time.Since(start)
	_ = reg.Close()
	closed := time.Since(start)
	if sup != nil {
		ctx, cancel := context.WithDeadline(context.Background(), deadline)
		if err := sup.Stop(ctx); err != nil {
			logger.Error("shutdown: replication child", "error", err)
		}
		cancel()
	}
	if trc != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		trc.Shutdown(ctx)
		cancel()
	}
	logger.Info("shutdown: done", "drain_ms", drained.Milliseconds(), "tenants_closed_ms", closed.Milliseconds(), "total_ms", time.Since(start).Milliseconds())
}

// serve is the plain-HTTP server of `fieldops demo` (no replication, no
// TLS): it runs until SIGINT/SIGTERM, then drains within grace.
func serve(ctx context.Context, reg *tenants.Registry, addr string, grace time.Duration) error {
	logger := reg.Config().Logger
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		reg.Close()
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	shutdownCtx, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	srv := &http.Server{Handler: metrics.Observe(metrics.ObserveConfig{Registry: reg, Logger: logger, Shutdown: shutdownCtx}, reg), ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// NB: the first tenant of a sector after an upgrade would otherwise
	// wait for its template (~0.5 s); later starts only check them.
	go func() {
		if err := reg.WarmTemplates(); err != nil {
			logger.Warn("tenant templates", "error", err)
		}
	}()
	fmt.Fprintf(os.Stderr, "FieldOps360 %s — plateforme : http://%s%s/  ·  clients : http://<slug>.%s%s/\n",
		version, reg.Config().Domain, publicPort(addr), reg.Config().Domain, publicPort(addr))
	var serveErr error
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	case <-ctx.Done():
	}
	gracefulStop(logger, []*http.Server{srv}, reg, nil, nil, endStreams, grace)
	return serveErr
}
