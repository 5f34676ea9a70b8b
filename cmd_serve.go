package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldops360/fieldops/handlers"
	"github.com/fieldops360/fieldops/tenants"
)

// serveFlags are the flags of serve and demo.
type serveFlags struct {
	HTTPS         string
	TLS           string
	DefaultTenant string
	Replica       string
	Grace         time.Duration
	Idle          time.Duration
}

// openRegistry wires the registry with the HTTP handlers.
func openRegistry(g *globals, defaultTenant string, idle time.Duration, level slog.Level) (*tenants.Registry, error) {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg := tenants.Config{
		Dir:           g.Dir,
		Domain:        g.Domain,
		DefaultTenant: defaultTenant,
		PublicScheme:  "http",
		PublicPort:    publicPort(g.HTTP),
		IdleTimeout:   idle,
		Logger:        logger,
	}
	h, err := handlers.Attach(&cfg, handlers.Deps{Logger: logger, Version: version})
	if err != nil {
		return nil, err
	}
	reg, err := tenants.Open(cfg)
	if err != nil {
		return nil, err
	}
	if err := h.SetRegistry(reg); err != nil {
		reg.Close()
		return nil, err
	}
	return reg, nil
}

// publicPort returns ":port" for URLs, or "" for the default HTTP port.
func publicPort(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "80" {
		return ""
	}
	return ":" + port
}

func addServeFlags(cmd *cobra.Command, s *serveFlags) {
	f := cmd.Flags()
	f.StringVar(&s.HTTPS, "https", "", "HTTPS listen address (with --tls auto|internal)")
	f.StringVar(&s.TLS, "tls", "off", "TLS mode: off, auto (ACME) or internal (private CA)")
	f.StringVar(&s.DefaultTenant, "default-tenant", "", "serve this tenant on every host except admin.<domain>")
	f.StringVar(&s.Replica, "replica", "off", "replica target: file:DIR, s3://bucket/prefix or off")
	f.DurationVar(&s.Grace, "grace", 20*time.Second, "graceful shutdown period")
	f.DurationVar(&s.Idle, "idle", 15*time.Minute, "close a tenant after this idle period")
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
			reg, err := openRegistry(g, s.DefaultTenant, s.Idle, slog.LevelInfo)
			if err != nil {
				return err
			}
			return serve(cmd.Context(), reg, g.HTTP, s.Grace)
		},
	}
	addServeFlags(cmd, s)
	return cmd
}

func checkServeFlags(s *serveFlags) error {
	switch s.TLS {
	case "off":
	case "auto", "internal":
		return fmt.Errorf("--tls %s: TLS arrives with the operations work (issue 7); use --tls off behind a TLS proxy for now", s.TLS)
	default:
		return usageError{fmt.Errorf("--tls must be off, auto or internal, not %q", s.TLS)}
	}
	if s.Replica != "off" && s.Replica != "" {
		return fmt.Errorf("--replica %s: replication arrives with the operations work (issue 7); use --replica off for now", s.Replica)
	}
	return nil
}

// serve runs the HTTP server until SIGINT/SIGTERM, then drains requests
// within grace and closes every tenant.
func serve(ctx context.Context, reg *tenants.Registry, addr string, grace time.Duration) error {
	defer reg.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           reg,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "FieldOps360 %s — plateforme : http://%s%s/  ·  clients : http://<slug>.%s%s/\n",
		version, reg.Config().Domain, publicPort(addr), reg.Config().Domain, publicPort(addr))
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	return nil
}
