package handlers

import (
	"net/http"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	datastar "github.com/starfederation/datastar/sdk/go"

	"github.com/fieldops360/fieldops/views/portal"
)

// moveEvery is how often a tenant page following a move re-renders it.
const moveEvery = 500 * time.Millisecond

// movesWait bounds how long closing the control plane waits for the
// moves it started.
const movesWait = time.Minute

// movesOf returns the group of moves the app started, waited for (bounded)
// when the app closes.
func movesOf(app core.App) *sync.WaitGroup {
	return app.Store().GetOrSet("fieldops.portalMoves", func() any {
		wg := &sync.WaitGroup{}
		app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{Id: "fieldopsPortalMovesWait", Func: func(e *core.TerminateEvent) error {
			end := make(chan struct{})
			go func() { wg.Wait(); close(end) }()
			select {
			case <-end:
			case <-time.After(movesWait):
			}
			return e.Next()
		}})
		return wg
	}).(*sync.WaitGroup)
}

// portalTenantMoveStream re-renders a tenant's shard section every
// moveEvery while its move runs, then once with the outcome.
func (h *Handlers) portalTenantMoveStream(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	info, err := h.deps.Registry.Get(e.Request.PathValue("slug"))
	if err != nil {
		return h.fail(e, err)
	}
	_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Time{})
	sse := datastar.NewSSE(e.Response, e.Request)
	tick := time.NewTicker(moveEvery)
	defer tick.Stop()
	for {
		if info, err = h.deps.Registry.Get(info.Slug); err != nil {
			return nil //nolint:nilerr // NB: the stream just ends; a reload shows the error
		}
		vm, err := h.tenantShardVM(ctx, info)
		if err != nil || vm == nil {
			return nil //nolint:nilerr // idem
		}
		if err := sse.MergeFragmentTempl(portal.TenantShard(*vm)); err != nil || !vm.Running {
			return nil //nolint:nilerr // NB: the viewer left, or the move ended
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
