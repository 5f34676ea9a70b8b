package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// tenantShardVM builds the shard section of a tenant's page (nil on a
// single-node install).
func (h *Handlers) tenantShardVM(ctx context.Context, info tenants.Info) (*portal.TenantShardVM, error) {
	reg := h.deps.Registry
	if !reg.Clustered() {
		return nil, nil
	}
	vm := &portal.TenantShardVM{Slug: info.Slug, Shard: info.Shard, Movable: info.Status != tenants.StatusDeleted}
	shards, err := reg.Shards()
	if err != nil {
		return nil, err
	}
	for _, s := range shards {
		if s.ID != info.Shard && s.Healthy && s.State == "active" {
			label := s.ID
			if s.Dedicated {
				label += " (" + i18n.T(ctx, "portal.shards.dedicated") + ")"
			}
			vm.Targets = append(vm.Targets, components.Option{Value: s.ID, Label: label})
		}
	}
	moves, err := reg.Moves(info.Slug, 5)
	if err != nil {
		return nil, err
	}
	if len(moves) > 0 {
		m := moveVM(ctx, moves[0])
		vm.Latest, vm.Running = &m, m.State == "running"
		vm.Stayed = m.State == "failed" && info.Shard == m.From
	}
	return vm, nil
}

// portalTenantMove starts moving a tenant to the shard posted ("to") in
// the background and goes back to the tenant page, which follows it. A
// move the Mover refuses before it starts (same shard, unknown or
// unreachable shard, a move already running) is answered on the page at
// its 4xx status, nothing started.
func (h *Handlers) portalTenantMove(e *core.RequestEvent) error {
	reg := h.deps.Registry
	if !reg.Clustered() {
		return h.errorPage(e, http.StatusNotFound)
	}
	slug, to := e.Request.PathValue("slug"), strings.TrimSpace(e.Request.FormValue("to"))
	var err error
	if to == "" {
		err = domain.FieldError("to", "portal.shards.move_to_required")
	} else {
		err = h.startMove(e, slug, to)
	}
	if err == nil {
		return e.Redirect(http.StatusSeeOther, "/portal/tenants/"+slug+"#tenant-shard")
	}
	a := answerOf(e.Request.Context(), err)
	if !a.OnForm {
		return h.fail(e, err)
	}
	vm, verr := h.tenantVM(e, slug)
	if verr != nil || vm.Shard == nil {
		return h.fail(e, err)
	}
	vm.Shard.Error, vm.Shard.To = a.Message, to
	render(e.Response, e.Request, a.Status, portal.TenantPage(vm))
	return nil
}

// startMove runs the move in the background and returns once it has
// started (its record says running), or with the error that refused it.
func (h *Handlers) startMove(e *core.RequestEvent, slug, to string) error {
	m := h.deps.Registry.NewMover()
	started, done := make(chan struct{}), make(chan error, 1)
	var once sync.Once
	m.Progress = func(string) { once.Do(func() { close(started) }) }
	ctx, actor, log := context.WithoutCancel(e.Request.Context()), e.Auth.Email(), h.deps.Logger
	wg := movesOf(e.App)
	wg.Add(1)
	go func() {
		var err error
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("tenant move panicked: %v", p)
			}
			if err != nil {
				log.Error("portal: tenant move failed", "tenant", slug, "to", to, "by", actor, "error", err)
			}
			done <- err
			wg.Done()
		}()
		var res tenants.MoveResult
		res, err = m.Move(ctx, slug, to, actor)
		if err == nil {
			log.Info("portal: tenant moved", "tenant", slug, "from", res.From, "to", to, "by", actor, "unavailable_ms", res.UnavailableMS)
		}
	}()
	select {
	case <-started:
		return nil
	case err := <-done:
		select {
		case <-started: // started then ended: the page shows the outcome
			return nil
		default:
			return err
		}
	}
}
