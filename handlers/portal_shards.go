package handlers

import (
	"context"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/portal"
)

// portalShardRoutes registers the portal's shards page, the drain and
// reactivation of a shard and the move of a tenant (issue #21) on the
// superuser-only group.
func (h *Handlers) portalShardRoutes(p *router.RouterGroup[*core.RequestEvent]) {
	p.GET("/shards", h.portalShards)
	p.POST("/shards/{id}/drain", h.portalShardState("draining"))
	p.POST("/shards/{id}/activate", h.portalShardState("active"))
	p.POST("/tenants/{slug}/move", h.portalTenantMove)
	p.GET("/tenants/{slug}/move/stream", h.portalTenantMoveStream)
}

// moveVM is a recorded move as the portal shows it.
func moveVM(ctx context.Context, m tenants.MoveRecord) portal.MoveVM {
	vm := portal.MoveVM{Tenant: m.Tenant, From: m.From, To: m.To, State: m.State, Step: m.Step, Error: m.Error,
		Unavailable: "—", Started: i18n.FormatDateTime(ctx, m.Started)}
	if m.State == "done" {
		vm.Unavailable = i18n.FormatNumber(ctx, float64(m.UnavailableMS), 0)
	}
	return vm
}

// shardsVM gathers the shards, their tenants and the recent moves.
func (h *Handlers) shardsVM(e *core.RequestEvent) (portal.ShardsVM, error) {
	ctx := e.Request.Context()
	reg := h.deps.Registry
	vm := portal.ShardsVM{Shell: h.portalShell(e, "shards", i18n.T(ctx, "portal.nav.shards")), Clustered: reg.Clustered()}
	if !vm.Clustered {
		return vm, nil
	}
	shards, err := reg.Shards()
	if err != nil {
		return vm, err
	}
	list, err := reg.List()
	if err != nil {
		return vm, err
	}
	placed := map[string][]portal.ShardTenantVM{}
	for _, t := range list {
		if t.Status != tenants.StatusDeleted {
			placed[t.Shard] = append(placed[t.Shard], portal.ShardTenantVM{Slug: t.Slug, Name: t.Name, Status: t.Status})
		}
	}
	n := func(v int) string { return i18n.FormatNumber(ctx, float64(v), 0) }
	for _, s := range shards {
		seen := i18n.T(ctx, "portal.shards.never")
		if !s.LastSeen.IsZero() {
			seen = i18n.T(ctx, "portal.shards.last_seen", i18n.FormatDateTime(ctx, s.LastSeen))
		}
		vm.Shards = append(vm.Shards, portal.ShardVM{ID: s.ID, URL: s.URL, State: s.State, Dedicated: s.Dedicated, Healthy: s.Healthy,
			LastSeen: seen, Tenants: n(s.Tenants), Open: n(s.OpenTenants), DBSize: humanBytes(ctx, s.DBBytes), Version: s.Version,
			TenantList: placed[s.ID]})
	}
	moves, err := reg.Moves("", 20)
	if err != nil {
		return vm, err
	}
	for _, m := range moves {
		vm.Moves = append(vm.Moves, moveVM(ctx, m))
	}
	return vm, nil
}

// portalShards shows every shard, its health, load and tenants.
func (h *Handlers) portalShards(e *core.RequestEvent) error {
	vm, err := h.shardsVM(e)
	if err != nil {
		return h.fail(e, err)
	}
	render(e.Response, e.Request, http.StatusOK, portal.ShardsPage(vm))
	return nil
}

// portalShardState drains a shard (it takes no new tenant) or makes it
// active again, keeping whether it is dedicated; audited by the registry.
func (h *Handlers) portalShardState(state string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		reg := h.deps.Registry
		if !reg.Clustered() {
			return h.errorPage(e, http.StatusNotFound)
		}
		s, err := reg.Shard(e.Request.PathValue("id"))
		if err == nil {
			err = reg.SetShardState(s.ID, state, s.Dedicated, e.Auth.Email())
		}
		if err != nil {
			return h.fail(e, err)
		}
		return e.Redirect(http.StatusSeeOther, "/portal/shards#shard-"+s.ID)
	}
}
