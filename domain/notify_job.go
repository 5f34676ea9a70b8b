package domain

import (
	"log/slog"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// NotifierConfig configures a tenant's notification job (StartNotifier).
type NotifierConfig struct {
	// Clock returns the current time (tests inject one; default time.Now).
	Clock func() time.Time
	// Every is the period of the full evaluation and of the digest check
	// (default one hour).
	Every time.Duration
	// Debounce is how long a change waits for the rest of its burst before
	// the rules it touches are evaluated (default 250 ms).
	Debounce time.Duration
	// BaseURL is the tenant's public URL, for the links of the digest.
	BaseURL string
	Logger  *slog.Logger
}

// notifier is a tenant's notification job: a goroutine that evaluates
// every rule when the tenant opens and every Every, sends the digests
// that are due, and evaluates the rules a committed change touches.
type notifier struct {
	app     core.App
	cfg     NotifierConfig
	mu      sync.Mutex
	pending map[string]bool // rule kinds touched since the last evaluation
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

// notifierKey is the app store key of a tenant's notifier.
const notifierKey = "fieldops.notifier"

// StartNotifier starts the tenant app's notification job (once per app;
// it ends when the app terminates, waiting for an evaluation under way).
// Without it (command-line tools) changes notify nobody until the next
// start of a served tenant.
func StartNotifier(app core.App, cfg NotifierConfig) {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Every <= 0 {
		cfg.Every = time.Hour
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = 250 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = app.Logger()
	}
	n := &notifier{app: app, cfg: cfg, pending: map[string]bool{}, wake: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	if app.Store().GetOrSet(notifierKey, func() any { return n }) != n {
		return // started already
	}
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsNotifierStop", Func: func(e *core.TerminateEvent) error {
		close(n.stop)
		<-n.done
		return e.Next()
	}})
	n.poke(NotifyKinds()...)
	go n.run()
}

// PokeNotifier asks the tenant's notification job to evaluate the rules
// of kinds soon (after the burst of changes); nothing without a job.
func PokeNotifier(app core.App, kinds ...string) {
	if n, ok := app.Store().Get(notifierKey).(*notifier); ok {
		n.poke(kinds...)
	}
}

func (n *notifier) poke(kinds ...string) {
	n.mu.Lock()
	for _, k := range kinds {
		n.pending[k] = true
	}
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// take returns and clears the pending kinds.
func (n *notifier) take() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(n.pending))
	for _, k := range NotifyKinds() {
		if n.pending[k] {
			out = append(out, k)
		}
	}
	clear(n.pending)
	return out
}

func (n *notifier) run() {
	defer close(n.done)
	tick := time.NewTicker(n.cfg.Every)
	defer tick.Stop()
	digest := true // at start, then on every tick
	for {
		select {
		case <-n.stop:
			return
		case <-tick.C:
			n.poke(NotifyKinds()...)
			digest = true
			continue
		case <-n.wake:
		}
		select { // the rest of the burst
		case <-n.stop:
			return
		case <-time.After(n.cfg.Debounce):
		}
		if kinds := n.take(); len(kinds) > 0 {
			if _, err := EvaluateNotifications(n.app, n.cfg.Clock(), kinds...); err != nil {
				n.cfg.Logger.Warn("notifications: evaluation failed", "kinds", kinds, "error", err)
			}
		}
		if digest {
			digest = false
			if _, err := SendDigests(n.app, n.cfg.Clock(), n.cfg.BaseURL); err != nil {
				n.cfg.Logger.Warn("notifications: digest failed", "error", err)
			}
		}
	}
}

// notifyTouches maps a collection to the rule kinds its changes may
// change (a site or a user changes who is told, so every site rule).
var notifyTouches = map[string][]string{
	CollectionSites:       NotifyKinds(),
	CollectionUsers:       NotifyKinds(),
	CollectionCompany:     NotifyKinds(),
	CollectionTimeEntries: {NotifyBudget, NotifyTimePending},
	CollectionStockMoves:  {NotifyBudget, NotifyStockLow},
	CollectionMaterials:   {NotifyStockLow},
	CollectionIncidents:   {NotifyBudget, NotifyIncidentHigh},
	CollectionMilestones:  {NotifyMilestoneLate},
	CollectionTasks:       {NotifyTaskLate},
	CollectionDocuments:   {NotifyDocumentExpiring},
	CollectionClearances:  {NotifyClearanceExpiring},
}

// bindNotifyHooks pokes the notification job after every committed
// change of a collection the rules read.
func bindNotifyHooks(app core.App) {
	poke := func(update bool) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			r := e.Record
			kinds, ok := notifyTouches[r.Collection().Name]
			if ok && update && r.Collection().Name == CollectionUsers && !recipientChanged(r) {
				ok = false // a sign-in, a digest sent, a profile edit
			}
			if ok {
				PokeNotifier(e.App, kinds...)
			}
			return e.Next()
		}
	}
	app.OnRecordAfterCreateSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsNotifyCreate", Func: poke(false)})
	app.OnRecordAfterUpdateSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsNotifyUpdate", Func: poke(true)})
	app.OnRecordAfterDeleteSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsNotifyDelete", Func: poke(false)})
}

// recipientChanged reports whether an updated user may now be told other
// things (role, admin flag, active), or whether its stored original is
// unknown.
func recipientChanged(r *core.Record) bool {
	o := r.Original()
	if o == nil || o.Id != r.Id {
		return true
	}
	for _, f := range []string{"role", "tenant_admin", "active"} {
		if r.GetString(f) != o.GetString(f) {
			return true
		}
	}
	return false
}
