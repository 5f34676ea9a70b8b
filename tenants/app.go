package tenants

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	// NB: registers PocketBase's system migrations (_collections, users…).
	_ "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/ui"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
)

// System hook and cron ids of PocketBase that FieldOps removes per app
// (see DESIGN.md §2).
const (
	pbNotifyWatcherHookID = "__pbNotifyWatcherSystemHook__"
	pbDBOptimizeCronID    = "__pbDBOptimize__"
)

// ErrRestoreDisabled is returned when the PocketBase backup-restore API is
// used: restoring restarts the whole process, so restores go through
// `fieldops backup restore` instead.
var ErrRestoreDisabled = domain.Errorf(domain.EForbidden, "err.backup.restore_disabled")

// appOptions configure newApp.
type appOptions struct {
	DataDir    string
	Migrations core.MigrationsList
	// Hooks binds app hooks (audit chain, broker…) before migrations run.
	Hooks func(app core.App) error
	// MaxIdleConnTime closes idle SQLite connections of the app so that an
	// idle open tenant holds almost no memory.
	MaxIdleConnTime time.Duration
	// NoCreate opens an existing data.db only: SQLite never creates it, at
	// open nor when a connection is reopened later (a tenant's file deleted
	// while it is served must not come back empty).
	NoCreate bool
}

// newApp creates and bootstraps a core.BaseApp with the per-app adjustments
// of DESIGN.md §2, then runs the given migrations. It never serves.
func newApp(opts appOptions) (*core.BaseApp, error) {
	connect := DBConnect
	if opts.NoCreate {
		connect = func(dbPath string) (*dbx.DB, error) {
			if filepath.Base(dbPath) == "data.db" {
				dbPath = noCreateDSN(dbPath)
			}
			return DBConnect(dbPath)
		}
	}
	app := core.NewBaseApp(core.BaseAppConfig{
		DataDir:          opts.DataDir,
		DBConnect:        connect,
		DataMaxOpenConns: 16,
		DataMaxIdleConns: 2,
		AuxMaxOpenConns:  4,
		AuxMaxIdleConns:  1,
	})

	// NB: Linux allows 128 inotify instances per user; one watcher per
	// tenant would exhaust them. Settings are reloaded by our own code.
	app.OnBootstrap().Unbind(pbNotifyWatcherHookID)
	app.OnTerminate().Unbind(pbNotifyWatcherHookID)
	// NB: the daily TRUNCATE checkpoint blocks writers ~10 s while the
	// replication child holds its read transaction.
	app.Cron().Remove(pbDBOptimizeCronID)
	app.OnBackupRestore().Bind(&hook.Handler[*core.BackupEvent]{
		Id:   "fieldopsRestoreDisabled",
		Func: func(e *core.BackupEvent) error { return ErrRestoreDisabled },
	})

	if opts.Hooks != nil {
		if err := opts.Hooks(app); err != nil {
			return nil, fmt.Errorf("bind hooks: %w", err)
		}
	}

	if err := app.Bootstrap(); err != nil {
		return nil, fmt.Errorf("bootstrap %s: %w", opts.DataDir, err)
	}
	if _, err := core.NewMigrationsRunner(app, opts.Migrations).Up(); err != nil {
		_ = closeApp(app)
		return nil, fmt.Errorf("migrate %s: %w", opts.DataDir, err)
	}
	if opts.MaxIdleConnTime > 0 {
		setIdleTime(app, opts.MaxIdleConnTime)
	}
	return app, nil
}

// setIdleTime closes SQLite connections left idle longer than d.
func setIdleTime(app *core.BaseApp, d time.Duration) {
	for _, b := range []dbx.Builder{app.ConcurrentDB(), app.NonconcurrentDB(), app.AuxConcurrentDB(), app.AuxNonconcurrentDB()} {
		if db, ok := b.(*dbx.DB); ok {
			db.DB().SetConnMaxIdleTime(d)
		}
	}
}

// buildHandler builds the app's router once: PocketBase's REST API, the
// dashboard at /_/ and the routes registered by routes (in OnServe). A
// BaseApp must not be built twice; a reopened tenant is a fresh BaseApp.
func buildHandler(app *core.BaseApp, routes func(se *core.ServeEvent) error) (http.Handler, error) {
	r, err := apis.NewRouter(app)
	if err != nil {
		return nil, err
	}
	// NB: PocketBase answers 204 and restores in the background, then
	// execs the whole process: refuse the route up front.
	r.BindFunc(func(e *core.RequestEvent) error {
		p := e.Request.URL.Path
		if e.Request.Method == http.MethodPost && strings.HasPrefix(p, "/api/backups/") && strings.HasSuffix(p, "/restore") {
			return e.ForbiddenError(ErrRestoreDisabled.Text().In(catalog.Negotiate("", e.Request.Header.Get("Accept-Language"))), nil)
		}
		return e.Next()
	})
	r.BindFunc(serverErrors)
	if ui.DistDirFS != nil {
		r.GET("/_/{path...}", apis.Static(ui.DistDirFS, false)).Bind(apis.Gzip())
	}

	var handler http.Handler
	se := &core.ServeEvent{App: app, Router: r, Server: &http.Server{}}
	err = app.OnServe().Trigger(se, func(e *core.ServeEvent) error {
		if routes != nil {
			if err := routes(e); err != nil {
				return err
			}
		}
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		handler = mux
		return nil
	})
	if err != nil {
		return nil, err
	}
	return handler, nil
}

// serverErrors answers the failures of the server as 5xx whatever route
// returned them (PocketBase's record API answers any save error 400
// "Failed to create record.", so clients would drop the write): a storage
// failure is a 503 (NoteStorageError takes the tenant out of service when
// needed; the dispatcher adds Retry-After), another database or internal
// failure a 500.
func serverErrors(e *core.RequestEvent) error {
	err := e.Next()
	if err == nil {
		return nil
	}
	lang := catalog.Negotiate("", e.Request.Header.Get("Accept-Language"))
	switch kind := NoteStorageError(e.Request.Context(), err); {
	case kind != StorageOK:
		return router.NewApiError(http.StatusServiceUnavailable, StorageText(kind).In(lang), err)
	case ServerSideError(err):
		var api *router.ApiError
		if errors.As(err, &api) && api.Status >= http.StatusInternalServerError {
			return err
		}
		return router.NewInternalServerError(catalog.New("err.internal").In(lang), err)
	}
	return err
}

// closeApp terminates an app: OnTerminate hooks, then closes its databases
// and stops its cron.
func closeApp(app *core.BaseApp) error {
	event := &core.TerminateEvent{App: app}
	err := app.OnTerminate().Trigger(event, func(e *core.TerminateEvent) error {
		return e.App.ResetBootstrapState()
	})
	return err
}
