package tenants

import (
	"archive/zip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
)

// Anchor history upkeep: heads are copied into the history this often
// (tenants whose head moved), and periodic and close copies older than
// anchorThinAfter are thinned to the last one of each day.
const (
	anchorSnapshotEvery = 15 * time.Minute
	anchorThinAfter     = 31 * 24 * time.Hour
)

// LatestAnchor returns the tenant's head anchor (nil when it has none) and
// the public key that signs its anchors, as stored in the control plane.
func (r *Registry) LatestAnchor(slug string) (*domain.AuditAnchor, ed25519.PublicKey, error) {
	a, err := r.readHead(slug)
	if err != nil {
		return nil, nil, err
	}
	pub, err := readPublicKey(r.platform, slug)
	return a, pub, err
}

// AnchorHistory returns the tenant's history anchors, newest first.
func (r *Registry) AnchorHistory(slug string, limit int) ([]domain.AuditAnchor, error) {
	var rows []headRow
	err := r.platform.DB().Select("slug", "seq", "hash", "at", "signature", "kind").From(CollectionAuditAnchors).
		Where(dbx.HashExp{"slug": slug}).OrderBy("at DESC").Limit(int64(limit)).All(&rows)
	out := make([]domain.AuditAnchor, 0, len(rows))
	for _, row := range rows {
		out = append(out, *row.anchor())
	}
	return out, err
}

// VerifyAudit verifies the tenant's audit chain against its latest anchor
// (domain.VerifyAuditChainAnchored). The events this process has not
// anchored yet are anchored first; a head another process (the server)
// moved less than AnchorInterval ago may not cover its latest events yet,
// so it is read again once that process's trailing anchor is due: the
// anchor then covers every event committed before the verification began.
func (r *Registry) VerifyAudit(ctx context.Context, slug string) (domain.AuditReport, error) {
	if _, err := r.Get(slug); err != nil {
		return domain.AuditReport{}, err
	}
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return domain.AuditReport{}, err
	}
	defer release()
	r.flushAnchor(slug)
	a, pub, err := r.LatestAnchor(slug)
	if err != nil {
		return domain.AuditReport{}, err
	}
	if wait := r.anchorDue(slug, a); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return domain.AuditReport{}, ctx.Err()
		}
		if a, pub, err = r.LatestAnchor(slug); err != nil {
			return domain.AuditReport{}, err
		}
	}
	return domain.VerifyAuditChainAnchored(t.App, a, pub)
}

// anchorSettle covers the time a trailing anchor takes to be written
// after it is due (and clock drift between processes).
const anchorSettle = 250 * time.Millisecond

// anchorDue returns how long to wait before the writer of head a (another
// process) has anchored every event it committed until now (0: already).
func (r *Registry) anchorDue(slug string, a *domain.AuditAnchor) time.Duration {
	if a == nil || r.cfg.AnchorInterval <= 0 {
		return 0
	}
	st := r.anchors.state(slug)
	st.mu.Lock()
	mine := st.mine == a.Signature
	st.mu.Unlock()
	if mine {
		return 0
	}
	return min(time.Until(a.At.Add(r.cfg.AnchorInterval+anchorSettle)), r.cfg.AnchorInterval+anchorSettle)
}

// AnchorNow verifies the tenant's chain against its anchor, then signs its
// current last event as the new anchor (kind manual, kept in the history)
// and records it in the platform audit log. A chain that fails
// verification is not anchored: the report says why.
func (r *Registry) AnchorNow(ctx context.Context, slug, actor string) (*domain.AuditAnchor, domain.AuditReport, error) {
	rep, err := r.VerifyAudit(ctx, slug)
	if err != nil {
		return nil, rep, err
	}
	if !rep.OK {
		return nil, rep, domain.Errorf(domain.EConflict, "err.audit.anchor_refused", slug, slug)
	}
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return nil, rep, err
	}
	defer release()
	a, err := r.advanceAnchor(slug, t.App, domain.AnchorManual)
	if errors.Is(err, ErrAnchorRefused) {
		return nil, rep, domain.Errorf(domain.EConflict, "err.audit.anchor_refused", slug, slug)
	}
	if err != nil {
		return nil, rep, err
	}
	return a, rep, PlatformAudit(r.platform, actor, "audit.anchor", slug, map[string]any{"seq": a.Seq, "hash": a.Hash})
}

// SnapshotAnchors copies into the history, with kind, the head anchor of
// every tenant whose head moved since its latest history anchor, and
// thins old periodic and close copies. It returns how many it copied.
func (r *Registry) SnapshotAnchors(kind string) (int, error) {
	n, err := r.snapshotHeads(kind, "")
	if err != nil {
		return n, err
	}
	_, err = r.platform.DB().NewQuery(`DELETE FROM audit_anchors WHERE kind IN ('periodic', 'close') AND at < {:cutoff}
		AND id NOT IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY slug, substr(at, 1, 10) ORDER BY at DESC) AS rn
		FROM audit_anchors WHERE kind IN ('periodic', 'close') AND at < {:cutoff}) WHERE rn = 1)`).
		Bind(dbx.Params{"cutoff": dateTime(r.cfg.Clock().Add(-anchorThinAfter))}).Execute()
	return n, err
}

// snapshotHeads copies moved heads (of slug only, unless empty) into the
// history.
func (r *Registry) snapshotHeads(kind, slug string) (int, error) {
	var rows []headRow
	q := r.platform.DB().Select("h.slug", "h.seq", "h.hash", "h.at", "h.signature", "h.kind").From(CollectionAuditHeads + " h").
		Where(dbx.NewExp(`h.signature != COALESCE((SELECT a.signature FROM audit_anchors a WHERE a.slug = h.slug ORDER BY a.at DESC LIMIT 1), '')`))
	if slug != "" {
		q = q.AndWhere(dbx.HashExp{"h.slug": slug})
	}
	if err := q.All(&rows); err != nil {
		return 0, fmt.Errorf("audit heads: %w", err)
	}
	for i, row := range rows {
		a := row.anchor()
		a.Kind = kind
		if err := saveAnchor(r.platform, *a, nil); err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

// anchorLoop keeps periodic history copies of moved heads until Close.
func (r *Registry) anchorLoop() {
	defer r.stopped.Done()
	tick := time.NewTicker(anchorSnapshotEvery)
	defer tick.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-tick.C:
			if _, err := r.SnapshotAnchors(domain.AnchorPeriodic); err != nil {
				r.cfg.Logger.Warn("audit anchors", "error", err)
			}
		}
	}
}

// AnchorExport is audit_anchor.json in a tenant export: what a third party
// needs to check the exported chain against its anchors.
type AnchorExport struct {
	Slug         string               `json:"slug"`
	Algorithm    string               `json:"algorithm"`
	KeyAlgorithm string               `json:"key_algorithm"`
	PublicKey    string               `json:"public_key"`
	Head         *domain.AuditAnchor  `json:"head"`
	History      []domain.AuditAnchor `json:"history"`
}

// anchorExport returns the tenant's anchors for an export (read before
// the database is copied, so that the copy holds the head anchor).
func (r *Registry) anchorExport(slug string) (AnchorExport, error) {
	head, pub, err := r.LatestAnchor(slug)
	if err != nil {
		return AnchorExport{}, err
	}
	hist, err := r.AnchorHistory(slug, 100)
	return AnchorExport{
		Slug: slug, Algorithm: domain.AuditAnchorAlgorithm, KeyAlgorithm: "ed25519",
		PublicKey: base64.StdEncoding.EncodeToString(pub), Head: head, History: hist,
	}, err
}

// anchorExportFile is the name of the anchors in a tenant export.
const anchorExportFile = "audit_anchor.json"

// addJSON writes v as an indented JSON file of the archive and returns its
// SHA-256.
func addJSON(zw *zip.Writer, name string, v any) (string, error) {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", err
	}
	w, err := zw.Create(name)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(raw); err != nil {
		return "", err
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// ResetAnchor re-anchors the tenant on its current chain whatever its
// previous anchor, for an operator who established why the chain left it
// (a database file put back by hand, a forged anchor): the chain itself
// must verify, and the reset, its reason and the previous anchor are
// recorded in the history and the platform audit log.
func (r *Registry) ResetAnchor(ctx context.Context, slug, actor, reason string) (*domain.AuditAnchor, error) {
	if _, err := r.Get(slug); err != nil {
		return nil, err
	}
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return nil, err
	}
	defer release()
	rep, err := domain.VerifyAuditChain(t.App)
	if err != nil {
		return nil, err
	}
	if !rep.OK {
		return nil, domain.Errorf(domain.EConflict, "err.audit.chain_broken")
	}
	st := r.anchors.state(slug)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.key, st.head = nil, nil
	if err := r.loadAnchor(slug, st); err != nil {
		return nil, err
	}
	head, err := domain.FindAuditHead(t.App)
	if err != nil {
		return nil, err
	}
	if st.key == nil || st.head == nil {
		if err := r.firstAnchor(slug, st, head, domain.AnchorReset); err != nil {
			return nil, err
		}
		return st.head, PlatformAudit(r.platform, actor, "audit.anchor_reset", slug, map[string]any{"seq": head.Seq, "reason": reason})
	}
	prev := st.head
	next := domain.AuditAnchor{Slug: slug, Seq: head.Seq, Hash: head.Hash, Kind: domain.AnchorReset}
	next.Sign(st.key, r.cfg.Clock())
	detail := map[string]any{"previous_seq": prev.Seq, "previous_hash": prev.Hash, "seq": next.Seq, "hash": next.Hash, "reason": reason}
	moved, err := r.moveHead(prev, next, true, detail)
	if err != nil {
		return nil, err
	}
	if !moved {
		st.key, st.head = nil, nil
		return nil, fmt.Errorf("audit anchor of %s moved concurrently: retry", slug)
	}
	st.head, st.forged, st.warned, st.moved, st.mine = &next, false, false, time.Now(), next.Signature
	return st.head, PlatformAudit(r.platform, actor, "audit.anchor_reset", slug, detail)
}
