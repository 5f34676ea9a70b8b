package domain

import (
	"log/slog"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// DurationJobConfig configures a tenant's nightly duration-model job.
type DurationJobConfig struct {
	// Clock returns the current time (tests inject one; default time.Now).
	Clock func() time.Time
	// Every is the period (default 24 hours); the first run comes after
	// Delay (default five minutes: the first requests go first).
	Every, Delay time.Duration
	Logger       *slog.Logger
}

// durationJobKey is the app store key of a tenant's duration job.
const durationJobKey = "fieldops.duration"

// RunDurationJob is one nightly run: fill the actual durations of the
// predictions whose task finished, train a candidate (promoted only if
// not worse) and record the predictions of the open tasks.
func RunDurationJob(app core.App, now time.Time) (DurationTraining, error) {
	if _, err := FillActualDurations(app); err != nil {
		return DurationTraining{}, err
	}
	tr, err := TrainDurationModel(app, "", now)
	if err != nil {
		if ErrorCode(err) == EInvalid {
			return tr, nil // no history yet: nothing to learn
		}
		return tr, err
	}
	_, err = RecordOpenPredictions(app, now)
	return tr, err
}

// StartDurationJob starts the tenant app's nightly duration job (once per
// app; it stops when the app terminates).
func StartDurationJob(app core.App, cfg DurationJobConfig) {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Every <= 0 {
		cfg.Every = 24 * time.Hour
	}
	if cfg.Delay <= 0 {
		cfg.Delay = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = app.Logger()
	}
	stop, done := make(chan struct{}), make(chan struct{})
	if app.Store().GetOrSet(durationJobKey, func() any { return stop }) != any(stop) {
		return // started already
	}
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsDurationStop", Func: func(e *core.TerminateEvent) error {
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
			if tr, err := RunDurationJob(app, cfg.Clock()); err != nil {
				cfg.Logger.Warn("duration model training failed", "error", err)
			} else if tr.Model.Record != nil {
				cfg.Logger.Info("duration model trained", "version", tr.Model.Version(), "promoted", tr.Promoted, "reason", tr.Reason)
			}
			wait.Reset(cfg.Every)
		}
	}()
}
