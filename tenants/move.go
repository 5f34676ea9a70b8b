package tenants

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/fieldops360/fieldops/domain"
)

// ShardClient is how the control plane drives shards during a move (the
// internal cluster API; tests give failing ones).
type ShardClient interface {
	PutTenant(ctx context.Context, shardURL string, row map[string]any) error
	Freeze(ctx context.Context, shardURL, slug string) (Fingerprint, error)
	Unfreeze(ctx context.Context, shardURL, slug string) error
	State(ctx context.Context, shardURL, slug string) (MoveState, error)
	Fingerprint(ctx context.Context, shardURL, slug string) (Fingerprint, error)
	Stage(ctx context.Context, shardURL, slug string, req StageRequest) (Fingerprint, error)
	AbortStage(ctx context.Context, shardURL, slug string) error
	Activate(ctx context.Context, shardURL, slug string) error
	Deactivate(ctx context.Context, shardURL, slug string) error
	Release(ctx context.Context, shardURL, slug, to string) error
	Served(ctx context.Context, shardURL, slug string) (bool, error)
}

// Move steps, in order (tenant_moves.step).
const (
	StepPrepare  = "prepare"
	StepFreeze   = "freeze"
	StepStage    = "stage"
	StepVerify   = "verify"
	StepActivate = "activate"
	StepRoute    = "route"
	StepRelease  = "release"
	StepDone     = "done"
)

// MoveResult describes a finished move.
type MoveResult struct {
	Tenant string `json:"tenant"`
	From   string `json:"from"`
	To     string `json:"to"`
	// UnavailableMS is how long the tenant's writes were refused: from the
	// freeze on the source to the route's flip to the target.
	UnavailableMS int64 `json:"unavailable_ms"`
	TotalMS       int64 `json:"total_ms"`
	// StepsMS is each step's duration.
	StepsMS     map[string]int64 `json:"steps_ms"`
	Bytes       int64            `json:"bytes"`
	Fingerprint Fingerprint      `json:"fingerprint"`
	// ReleaseError is set when the source could not be released after the
	// route flipped (the move succeeded; the source keeps a frozen copy
	// no request reaches).
	ReleaseError string `json:"release_error,omitempty"`
}

// MoveError is a failed move: the step that failed and what the rollback
// left (the tenant serves from the source again unless RolledBack is
// false).
type MoveError struct {
	Step       string
	Err        error
	RolledBack bool
	Rollback   []string // rollback steps that failed
}

func (e *MoveError) Error() string {
	s := fmt.Sprintf("move failed at step %s: %v", e.Step, e.Err)
	if len(e.Rollback) > 0 {
		s += fmt.Sprintf(" (rollback incomplete: %v)", e.Rollback)
	}
	return s
}

func (e *MoveError) Unwrap() error { return e.Err }

// Mover moves tenants between shards (control plane or the CLI on its
// data directory).
type Mover struct {
	Reg    *Registry
	Shards ShardClient
	Proxy  RouteProxy
	// Progress, when set, is told each step as it starts.
	Progress func(step string)
}

// Move moves slug to shard to: freeze its writes on the source, sync its
// replica a last time, restore it on the target from the replica with its
// files and anchors, verify (row counts, audit head, audit chain against
// its anchors), activate it on the target, flip its route in the control
// plane and the proxy, release the source. Until the route flips every
// failure is rolled back: the tenant serves from the source again. Other
// tenants are never touched.
func (m *Mover) Move(ctx context.Context, slug, to, actor string) (res MoveResult, err error) {
	start := time.Now()
	r := m.Reg
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return res, err
	}
	from := rec.GetString("shard")
	res = MoveResult{Tenant: slug, From: from, To: to}
	switch {
	case from == "":
		return res, domain.Errorf(domain.EConflict, "err.cluster.not_placed", slug)
	case from == to:
		return res, domain.Errorf(domain.EConflict, "err.cluster.same_shard", slug, to)
	case rec.GetString("status") == StatusDeleted:
		return res, domain.Errorf(domain.EConflict, "err.tenant.deleted", slug)
	}
	src, err := r.Shard(from)
	if err != nil {
		return res, err
	}
	dst, err := r.PlaceNew(to)
	if err != nil {
		return res, err
	}
	row, err := m.begin(slug, from, to, actor)
	if err != nil {
		return res, err
	}
	step := StepPrepare
	var rollback []func() error
	var names []string
	undo := func(name string, f func() error) {
		rollback = append([]func() error{f}, rollback...)
		names = append([]string{name}, names...)
	}
	defer func() {
		if err == nil {
			return
		}
		me := &MoveError{Step: step, Err: err, RolledBack: true}
		for i, f := range rollback {
			if rerr := f(); rerr != nil {
				me.Rollback = append(me.Rollback, names[i]+": "+rerr.Error())
				me.RolledBack = false
			}
		}
		err = me
		m.finish(row, "failed", step, me.Error(), 0, nil)
		PlatformAuditLog(r, actor, "tenant.move_failed", slug, map[string]any{"from": from, "to": to, "step": step, "error": me.Error()})
	}()
	bg := context.WithoutCancel(ctx)
	res.StepsMS = map[string]int64{}
	stepStart := time.Now()
	next := func(s string) {
		res.StepsMS[step] = time.Since(stepStart).Milliseconds()
		stepStart = time.Now()
		step = s
		m.progress(row, s)
	}

	next(StepFreeze)
	frozenAt := time.Now()
	fpSrc, err := m.Shards.Freeze(ctx, src.URL, slug)
	if err != nil {
		return res, err
	}
	undo("unfreeze source", func() error { return m.Shards.Unfreeze(bg, src.URL, slug) })
	state, err := m.Shards.State(ctx, src.URL, slug)
	if err != nil {
		return res, err
	}

	next(StepStage)
	undo("abort target stage", func() error { return m.Shards.AbortStage(bg, dst.URL, slug) })
	fpDst, err := m.Shards.Stage(ctx, dst.URL, slug, StageRequest{Source: src.URL, State: state})
	if err != nil {
		return res, err
	}

	next(StepVerify)
	fpNow, err := m.Shards.Fingerprint(ctx, src.URL, slug)
	if err != nil {
		return res, err
	}
	if d := fpSrc.Diff(fpDst); d != "" {
		return res, fmt.Errorf("verification mismatch between source and target: %s", d)
	}
	if d := fpNow.Diff(fpDst); d != "" {
		return res, fmt.Errorf("verification mismatch: the source changed after its freeze: %s", d)
	}

	next(StepActivate)
	if err = m.Shards.Activate(ctx, dst.URL, slug); err != nil {
		return res, err
	}
	undo("deactivate target", func() error { return m.Shards.Deactivate(bg, dst.URL, slug) })

	next(StepRoute)
	if err = m.setPlacement(slug, to); err != nil {
		return res, err
	}
	undo("placement back to source", func() error { return m.setPlacement(slug, from) })
	if m.Proxy != nil {
		routes, rerr := r.Routes()
		if rerr != nil {
			return res, rerr
		}
		hosts := r.tenantHosts(rec)
		undo("proxy back to source", func() error {
			back, err := r.Routes()
			if err != nil {
				return err
			}
			for _, h := range hosts {
				back[h] = BackendName(from)
			}
			return m.Proxy.Apply(bg, back, hosts)
		})
		if err = m.Proxy.Apply(ctx, routes, hosts); err != nil {
			return res, err
		}
	}
	res.UnavailableMS = time.Since(frozenAt).Milliseconds()
	ok, err := m.Shards.Served(ctx, dst.URL, slug)
	if err == nil && !ok {
		err = errors.New("the target does not serve the tenant after activation")
	}
	if err != nil {
		return res, err
	}

	next(StepRelease)
	if rerr := m.Shards.Release(bg, src.URL, slug, to); rerr != nil {
		res.ReleaseError = rerr.Error()
		r.cfg.Logger.Error("move: source not released (no request reaches it)", "tenant", slug, "shard", from, "error", rerr)
	}
	res.StepsMS[step] = time.Since(stepStart).Milliseconds()
	res.Fingerprint, res.Bytes, res.TotalMS = fpDst, fpDst.Bytes, time.Since(start).Milliseconds()
	m.finish(row, "done", StepDone, res.ReleaseError, res.UnavailableMS, map[string]any{"bytes": res.Bytes, "total_ms": res.TotalMS, "audit_seq": fpDst.AuditSeq})
	PlatformAuditLog(r, actor, "tenant.move", slug, map[string]any{"from": from, "to": to, "unavailable_ms": res.UnavailableMS, "bytes": res.Bytes})
	return res, nil
}

// begin records a running move, refused when one already runs for slug.
func (m *Mover) begin(slug, from, to, actor string) (*core.Record, error) {
	var row *core.Record
	err := m.Reg.platform.RunInTransaction(func(tx core.App) error {
		n, err := tx.CountRecords("tenant_moves", dbx.HashExp{"tenant": slug, "state": "running"})
		if err != nil {
			return err
		}
		if n > 0 {
			return domain.Errorf(domain.EConflict, "err.cluster.move_running", slug)
		}
		col, err := tx.FindCachedCollectionByNameOrId("tenant_moves")
		if err != nil {
			return err
		}
		row = core.NewRecord(col)
		row.Load(map[string]any{"tenant": slug, "from_shard": from, "to_shard": to, "state": "running",
			"step": StepPrepare, "actor": actor, "started": types.NowDateTime()})
		return tx.Save(row)
	})
	return row, err
}

func (m *Mover) progress(row *core.Record, step string) {
	if m.Progress != nil {
		m.Progress(step)
	}
	row.Set("step", step)
	if err := m.Reg.platform.Save(row); err != nil {
		m.Reg.cfg.Logger.Warn("move: progress not recorded", "error", err)
	}
}

func (m *Mover) finish(row *core.Record, state, step, msg string, unavailable int64, detail map[string]any) {
	row.Set("state", state)
	row.Set("step", step)
	row.Set("error", truncate(msg, 2000))
	row.Set("finished", types.NowDateTime())
	row.Set("unavailable_ms", unavailable)
	if detail != nil {
		row.Set("detail", detail)
	}
	if err := m.Reg.platform.Save(row); err != nil {
		m.Reg.cfg.Logger.Error("move: outcome not recorded", "error", err)
	}
}

// setPlacement records in the control plane where slug is served (the
// hook pushes the row to that shard).
func (m *Mover) setPlacement(slug, shard string) error {
	return m.Reg.setShard(slug, shard)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// NewMover returns a Mover driving this control plane's shards (the
// internal cluster API, or the client SetShardClient gave) and its proxy
// (the configured one, else the one the control plane recorded).
func (r *Registry) NewMover() *Mover {
	return &Mover{Reg: r, Shards: r.shardClient(), Proxy: r.proxy()}
}

// Moves returns the latest tenant moves, newest first (slug "" for all).
func (r *Registry) Moves(slug string, limit int) ([]MoveRecord, error) {
	filter, params := "", map[string]any{}
	if slug != "" {
		filter, params = "tenant = {:s}", map[string]any{"s": slug}
	}
	recs, err := r.platform.FindRecordsByFilter("tenant_moves", filter, "-started", limit, 0, params)
	if err != nil {
		return nil, err
	}
	out := make([]MoveRecord, 0, len(recs))
	for _, rec := range recs {
		out = append(out, MoveRecord{
			Tenant: rec.GetString("tenant"), From: rec.GetString("from_shard"), To: rec.GetString("to_shard"),
			State: rec.GetString("state"), Step: rec.GetString("step"), Error: rec.GetString("error"), Actor: rec.GetString("actor"),
			Started: rec.GetDateTime("started").Time(), Finished: rec.GetDateTime("finished").Time(), UnavailableMS: int64(rec.GetInt("unavailable_ms")),
		})
	}
	return out, nil
}

// MoveRecord is a tenant move as the control plane recorded it.
type MoveRecord struct {
	Tenant        string    `json:"tenant"`
	From          string    `json:"from"`
	To            string    `json:"to"`
	State         string    `json:"state"` // running, done, failed
	Step          string    `json:"step"`
	Error         string    `json:"error,omitempty"`
	Actor         string    `json:"actor"`
	Started       time.Time `json:"started"`
	Finished      time.Time `json:"finished"`
	UnavailableMS int64     `json:"unavailable_ms"`
}
