package domain

import (
	"log/slog"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// RetentionJobConfig configures a tenant's daily retention purge.
type RetentionJobConfig struct {
	// Clock returns the current time (tests inject one; default time.Now).
	Clock func() time.Time
	// Every is the period of the purge (default 24 hours); the first one
	// runs when the tenant opens, after Delay (default one minute: the
	// first requests go first).
	Every, Delay time.Duration
	Logger       *slog.Logger
}

// retentionJobKey is the app store key of a tenant's purge job.
const retentionJobKey = "fieldops.retention"

// StartRetentionJob starts the tenant app's retention purge (once per
// app; it stops when the app terminates). The purge is idempotent: a
// tenant opened often purges only what became due.
func StartRetentionJob(app core.App, cfg RetentionJobConfig) {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Every <= 0 {
		cfg.Every = 24 * time.Hour
	}
	if cfg.Delay <= 0 {
		cfg.Delay = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = app.Logger()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	if app.Store().GetOrSet(retentionJobKey, func() any { return stop }) != any(stop) {
		return // started already
	}
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsRetentionStop", Func: func(e *core.TerminateEvent) error {
		close(stop)
		<-done
		return e.Next()
	}})
	go func() {
		defer close(done)
		wait := time.NewTimer(cfg.Delay)
		defer wait.Stop()
		for {
			select {
			case <-stop:
				return
			case <-wait.C:
			}
			if p, err := PurgeRetention(app, cfg.Clock()); err != nil {
				cfg.Logger.Warn("retention purge failed", "error", err)
			} else if p.Seq > 0 {
				cfg.Logger.Info("retention purge", "vehicle_positions", p.VehiclePositions, "clock_gps", p.ClockGPS)
			}
			wait.Reset(cfg.Every)
		}
	}()
}
