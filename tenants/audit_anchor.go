package tenants

import (
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/fieldops360/fieldops/domain"
)

// Control-plane collections anchoring the tenants' audit chains
// (pb_migrations/platform/anchors.go).
const (
	CollectionAuditKeys    = "audit_keys"
	CollectionAuditHeads   = "audit_heads"
	CollectionAuditAnchors = "audit_anchors"
)

// defaultAnchorInterval is Config.AnchorInterval's default.
const defaultAnchorInterval = time.Second

// anchorBook caches, per tenant, its anchor key, the head anchor this
// process last read or wrote and the audit events not yet anchored.
type anchorBook struct {
	mu     sync.Mutex
	bySlug map[string]*anchorState
}

// anchorState is one tenant's anchoring state; mu serialises the moves of
// its head anchor within the process (across processes the head row is
// updated by compare-and-swap).
type anchorState struct {
	mu      sync.Mutex
	key     ed25519.PrivateKey  // nil until loaded
	head    *domain.AuditAnchor // nil: none stored yet
	forged  bool                // the stored head's signature is not the key's
	warned  bool                // a divergence was reported
	app     core.App            // the open tenant app (nil when closed)
	pending *domain.AuditHead   // newest committed event not yet anchored
	moved   time.Time           // when this process last moved the head
	mine    string              // signature of the head this process last wrote
	timer   *time.Timer         // flushes pending (trailing edge)
}

func (b *anchorBook) state(slug string) *anchorState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bySlug == nil {
		b.bySlug = map[string]*anchorState{}
	}
	st, ok := b.bySlug[slug]
	if !ok {
		st = &anchorState{}
		b.bySlug[slug] = st
	}
	return st
}

// ErrAnchorRefused is returned when a tenant's audit chain no longer holds
// its last anchor: the anchor is not moved (verification reports the
// tampering) unless a restore explains it (see diverged).
var ErrAnchorRefused = errors.New("audit chain does not extend its anchor")

// bindAnchors anchors the tenant's audit events as they commit (see
// anchorWrite), flushes what is pending when the app terminates, and
// checks at open that the chain still holds the stored anchor (creating
// the tenant's key and first anchor if it has none yet). Opening never
// moves an anchor: a reader (`audit verify`) must not anchor a chain
// whose last rows were deleted before the writer's anchor caught up.
func (r *Registry) bindAnchors(slug string, app *core.BaseApp) {
	app.OnRecordAfterCreateSuccess(domain.CollectionAuditEvents).Bind(&hook.Handler[*core.RecordEvent]{
		Id: "fieldopsAuditAnchor",
		Func: func(e *core.RecordEvent) error {
			// NB: after the commit: never fail the write that succeeded.
			r.anchorWrite(slug, domain.AuditHead{
				Seq: int64(e.Record.GetInt("seq")), Hash: e.Record.GetString("hash"), PrevHash: e.Record.GetString("prev_hash"),
			})
			return e.Next()
		},
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "fieldopsAuditAnchorClose",
		Func: func(e *core.TerminateEvent) error {
			r.anchorClosing(slug, app)
			return e.Next()
		},
	})
	st := r.anchors.state(slug)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.app = app
	if _, err := r.advanceLocked(slug, st, app, domain.AnchorOpen, nil); err != nil && !errors.Is(err, ErrAnchorRefused) {
		r.cfg.Logger.Warn("audit anchor at open", "tenant", slug, "error", err)
	}
}

// anchorWrite anchors a committed audit event. The head moves at once
// when it has not moved for AnchorInterval (leading edge: a tenant writing
// now and then has every event anchored before its request returns);
// otherwise the event waits, at most AnchorInterval, for a timer that
// anchors the newest event seen (trailing edge), so that a busy tenant
// moves its head at most once per interval. Either way the anchored event
// is the one that committed, not what the file holds when the anchor
// moves: rows deleted meanwhile are still detected.
func (r *Registry) anchorWrite(slug string, ev domain.AuditHead) {
	st := r.anchors.state(slug)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.head != nil && ev.Seq <= st.head.Seq {
		return
	}
	if st.pending == nil || ev.Seq > st.pending.Seq {
		st.pending = &ev
	}
	if wait := r.cfg.AnchorInterval - time.Since(st.moved); wait > 0 {
		if st.timer == nil {
			st.timer = time.AfterFunc(wait, func() { r.flushAnchor(slug) })
		}
		return
	}
	r.flushLocked(slug, st)
}

// flushAnchor is the trailing edge of anchorWrite, and anchors at once
// what is pending for a reader of the anchor in this process.
func (r *Registry) flushAnchor(slug string) {
	st := r.anchors.state(slug)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.timer != nil {
		st.timer.Stop() // NB: a no-op when called by the timer itself
		st.timer = nil
	}
	r.flushLocked(slug, st)
}

// flushLocked anchors the pending event, if any (st.mu held).
func (r *Registry) flushLocked(slug string, st *anchorState) {
	p := st.pending
	if p == nil || st.app == nil {
		return
	}
	_, err := r.advanceLocked(slug, st, st.app, domain.AnchorWrite, p)
	if err != nil && !errors.Is(err, ErrAnchorRefused) {
		r.cfg.Logger.Warn("audit anchor", "tenant", slug, "error", err)
		return // kept: the next write retries
	}
	if st.pending == p {
		st.pending = nil
	}
}

// anchorClosing flushes the pending event of a tenant app that terminates
// and keeps a history copy of its head.
func (r *Registry) anchorClosing(slug string, app core.App) {
	st := r.anchors.state(slug)
	st.mu.Lock()
	if st.timer != nil {
		st.timer.Stop()
		st.timer = nil
	}
	if st.app == app {
		r.flushLocked(slug, st)
		st.app, st.pending = nil, nil
	}
	st.mu.Unlock()
	if _, err := r.snapshotHeads(domain.AnchorClose, slug); err != nil {
		r.cfg.Logger.Warn("audit anchor at close", "tenant", slug, "error", err)
	}
}

// advanceAnchor moves the tenant's head anchor to the last event of app's
// chain (advanceLocked with the mutex taken).
func (r *Registry) advanceAnchor(slug string, app core.App, kind string) (*domain.AuditAnchor, error) {
	st := r.anchors.state(slug)
	st.mu.Lock()
	defer st.mu.Unlock()
	return r.advanceLocked(slug, st, app, kind, nil)
}

// advanceLocked moves the tenant's head anchor to target (the last event
// of app's chain when nil), after checking that the chain still holds the
// current anchor (one read, none when target follows it). Kind open only
// checks (and creates a first anchor); kinds other than write and open
// always re-sign the head and keep a history copy.
func (r *Registry) advanceLocked(slug string, st *anchorState, app core.App, kind string, target *domain.AuditHead) (*domain.AuditAnchor, error) {
	for attempt := 0; ; attempt++ {
		if err := r.loadAnchor(slug, st); err != nil {
			return nil, err
		}
		if st.forged {
			r.warnDiverged(slug, st, "audit.anchor_forged", map[string]any{"anchored_seq": st.head.Seq})
			return nil, ErrAnchorRefused
		}
		if target != nil && st.head != nil && target.Seq <= st.head.Seq {
			return st.head, nil // anchored meanwhile (by another process)
		}
		head := target
		if head == nil {
			h, err := domain.FindAuditHead(app)
			if err != nil {
				return nil, err
			}
			head = &h
		}
		if st.key == nil || st.head == nil {
			if err := r.firstAnchor(slug, st, *head, kind); err != nil && attempt == 0 {
				st.key, st.head = nil, nil // created meanwhile by another process: reload
				continue
			} else if err != nil {
				return nil, err
			}
			st.moved, st.mine = time.Now(), st.head.Signature
			return st.head, nil
		}
		renew := kind != domain.AnchorWrite && kind != domain.AnchorOpen
		if !renew && head.Seq == st.head.Seq && head.Hash == st.head.Hash {
			return st.head, nil
		}
		ok, err := st.head.Extends(app, *head)
		if err != nil {
			return nil, err
		}
		if !ok {
			return r.diverged(slug, app, st)
		}
		if kind == domain.AnchorOpen {
			return st.head, nil
		}
		next := domain.AuditAnchor{Slug: slug, Seq: head.Seq, Hash: head.Hash, Kind: kind}
		next.Sign(st.key, r.cfg.Clock())
		moved, err := r.moveHead(st.head, next, renew, nil)
		if err != nil {
			return nil, err
		}
		if !moved && attempt == 0 {
			st.key, st.head = nil, nil // another process moved it: re-check against it
			continue
		}
		if !moved {
			return nil, fmt.Errorf("audit anchor of %s moved concurrently", slug)
		}
		st.head, st.moved, st.mine = &next, time.Now(), next.Signature
		if st.pending != nil && st.pending.Seq <= next.Seq {
			st.pending = nil
		}
		return st.head, nil
	}
}

// diverged handles a chain that no longer holds the tenant's head anchor
// (rows deleted at the end, or altered and re-hashed). After an in-place
// restore recorded in the platform audit log since the anchor, the head is
// rebased on the restored chain (if it holds the newest history anchor it
// reaches) and the rebase recorded; otherwise the anchor stays where it is,
// so that verification fails, and the divergence is logged and recorded
// once per process.
func (r *Registry) diverged(slug string, app core.App, st *anchorState) (*domain.AuditAnchor, error) {
	prev := st.head
	head, err := domain.FindAuditHead(app)
	if err != nil {
		return nil, err
	}
	restored, err := r.restoredSince(slug, prev.At)
	if err != nil {
		return nil, err
	}
	if !restored.IsZero() {
		hist, err := r.lastAnchorUpTo(slug, head.Seq)
		if err != nil {
			return nil, err
		}
		ok := hist == nil
		if hist != nil {
			if ok, err = hist.Extends(app, head); err != nil {
				return nil, err
			}
		}
		if ok {
			next := domain.AuditAnchor{Slug: slug, Seq: head.Seq, Hash: head.Hash, Kind: domain.AnchorRestore}
			next.Sign(st.key, r.cfg.Clock())
			detail := map[string]any{"previous_seq": prev.Seq, "previous_hash": prev.Hash,
				"previous_at": prev.At.UTC().Format(time.RFC3339), "restored_at": restored.UTC().Format(time.RFC3339), "seq": next.Seq}
			moved, err := r.moveHead(prev, next, true, detail)
			if err != nil {
				return nil, err
			}
			if moved {
				st.head, st.warned, st.moved, st.mine = &next, false, time.Now(), next.Signature
				return st.head, PlatformAudit(r.platform, "system", "audit.anchor_rebase", slug, detail)
			}
			st.key, st.head = nil, nil
			return nil, fmt.Errorf("audit anchor of %s moved concurrently", slug)
		}
	}
	r.warnDiverged(slug, st, "audit.anchor_mismatch", map[string]any{
		"anchored_seq": prev.Seq, "anchored_hash": prev.Hash, "chain_seq": head.Seq, "chain_hash": head.Hash,
	})
	return nil, ErrAnchorRefused
}

// warnDiverged logs and records in the platform audit log, once per
// process and tenant, that the tenant's anchor cannot move (action).
func (r *Registry) warnDiverged(slug string, st *anchorState, action string, detail map[string]any) {
	if st.warned {
		return
	}
	st.warned = true
	r.cfg.Logger.Error("audit anchor refused", "tenant", slug, "action", action, "detail", detail)
	if err := PlatformAudit(r.platform, "system", action, slug, detail); err != nil {
		r.cfg.Logger.Warn("platform audit", "error", err)
	}
}

// restoredSince returns the time of the latest in-place restore of the
// tenant recorded after t (zero when none).
func (r *Registry) restoredSince(slug string, t time.Time) (time.Time, error) {
	var row struct {
		At string `db:"at"`
	}
	err := r.platform.DB().Select("at").From(CollectionPlatformAudit).
		Where(dbx.HashExp{"tenant": slug, "action": "tenant.restore"}).
		AndWhere(dbx.NewExp("at > {:t}", dbx.Params{"t": dateTime(t)})).
		OrderBy("at DESC").Limit(1).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return domain.ParseDBTime(row.At), nil
}

// lastAnchorUpTo returns the newest history anchor of the tenant at or
// before seq (nil when none).
func (r *Registry) lastAnchorUpTo(slug string, seq int64) (*domain.AuditAnchor, error) {
	var row headRow
	err := r.platform.DB().Select("slug", "seq", "hash", "at", "signature", "kind").From(CollectionAuditAnchors).
		Where(dbx.HashExp{"slug": slug}).AndWhere(dbx.NewExp("seq <= {:seq}", dbx.Params{"seq": seq})).
		OrderBy("at DESC").Limit(1).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return row.anchor(), nil
}
