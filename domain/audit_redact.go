package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// AuditErase is the action of the audit event that records a person's
// erasure (ErasePerson) and carries its redaction manifest.
const AuditErase = "gdpr_erase"

// ErasedKey marks a redacted audit diff: its value is the seq of the
// erasure event that redacted it. ErasedValue replaces a personal value.
const (
	ErasedKey   = "_erased"
	ErasedValue = "⟨erased⟩"
)

// Redaction is one entry of an erasure event's manifest: the event seq,
// its chain hash (unchanged by the redaction) and the SHA-256 of its
// canonical text as redacted. The chain hash of a redacted event can no
// longer be recomputed (its personal payload is gone); the verifier
// accepts it only when a later erasure event lists it with this hash and
// the digest of what is stored now, so that anything else changed in it
// still fails, and `audit verify` requires the erasure event itself to be
// covered by a signed anchor (see VerifyAuditChainAnchored).
type Redaction struct {
	Seq    int64  `json:"seq"`
	Hash   string `json:"hash"`
	Digest string `json:"digest"`
}

// redactedDigest is the digest of an event as stored after redaction.
func redactedDigest(ev AuditEvent) (string, error) {
	canon, err := json.Marshal(ev)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

// redactionIndex maps a redacted seq to its latest manifest entry and the
// seq of the erasure event holding it (a later erasure supersedes).
type redactionIndex map[int64]struct {
	Redaction
	By int64
}

// indexRedactions reads the manifests of the erasure events among rows.
func indexRedactions(rows []auditRow) redactionIndex {
	idx := redactionIndex{}
	for _, r := range rows {
		if r.Action != AuditErase {
			continue
		}
		var m struct {
			Redacted []Redaction `json:"redacted"`
		}
		if json.Unmarshal([]byte(r.Diff), &m) != nil {
			continue
		}
		for _, e := range m.Redacted {
			idx[e.Seq] = struct {
				Redaction
				By int64
			}{e, r.Seq}
		}
	}
	return idx
}

// acceptRedacted tells whether ev, whose hash does not recompute, is a
// redaction listed by a later erasure event; it returns that event's seq.
func (idx redactionIndex) acceptRedacted(ev AuditEvent) (int64, bool) {
	e, ok := idx[ev.Seq]
	if !ok || e.By <= ev.Seq || e.Hash != ev.Hash {
		return 0, false
	}
	d, err := redactedDigest(ev)
	if err != nil || d != e.Digest {
		return 0, false
	}
	return e.By, true
}

// auditRow is an audit_events row as read by the verifier.
type auditRow struct {
	Seq        int64  `db:"seq"`
	At         string `db:"at"`
	Actor      string `db:"actor"`
	Action     string `db:"action"`
	Collection string `db:"collection"`
	Record     string `db:"record"`
	Diff       string `db:"diff"`
	PrevHash   string `db:"prev_hash"`
	Hash       string `db:"hash"`
}

// event returns the row as an event (diff parsed; ok false if unreadable).
func (r auditRow) event() (AuditEvent, bool) {
	ev := AuditEvent{Seq: r.Seq, At: r.At, Actor: r.Actor, Action: r.Action, Collection: r.Collection, Record: r.Record, PrevHash: r.PrevHash, Hash: r.Hash}
	if r.Diff != "" && r.Diff != "null" {
		if err := json.Unmarshal([]byte(r.Diff), &ev.Diff); err != nil {
			return ev, false
		}
	}
	return ev, true
}

// readAuditRows reads the whole chain in seq order (where: optional filter).
func readAuditRows(app core.App, where dbx.Expression) ([]auditRow, error) {
	rows := []auditRow{}
	q := app.DB().Select("seq", "at", "actor", "action", "collection", "record", "diff", "prev_hash", "hash").
		From(CollectionAuditEvents).OrderBy("seq ASC")
	if where != nil {
		q = q.Where(where)
	}
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("read audit events: %w", err)
	}
	return rows, nil
}

// redactAuditEvents applies redact to the diff of every event of the
// chain (inside tx, the erasure's transaction), stores the changed ones
// and returns their manifest entries. by is the seq the erasure event
// will have.
func redactAuditEvents(tx core.App, by int64, redact func(AuditEvent) (map[string]any, bool)) ([]Redaction, error) {
	rows, err := readAuditRows(tx, nil)
	if err != nil {
		return nil, err
	}
	out := []Redaction{}
	for _, r := range rows {
		ev, ok := r.event()
		if !ok || ev.Action == AuditErase {
			continue
		}
		diff, changed := redact(ev)
		if !changed {
			continue
		}
		diff[ErasedKey] = by
		ev.Diff = canonicalDiff(diff)
		d, err := redactedDigest(ev)
		if err != nil {
			return nil, err
		}
		raw, _ := json.Marshal(ev.Diff)
		if _, err := tx.DB().Update(CollectionAuditEvents, dbx.Params{"diff": string(raw)}, dbx.HashExp{"seq": r.Seq}).Execute(); err != nil {
			return nil, err
		}
		out = append(out, Redaction{Seq: r.Seq, Hash: r.Hash, Digest: d})
	}
	return out, nil
}

// appendAuditEvent appends a hand-built event (not a record change) at
// the chain's tail inside tx and returns it with its seq and hashes.
func appendAuditEvent(tx core.App, actor, action, collection, record string, diff map[string]any) (AuditEvent, error) {
	var tail struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := tx.DB().Select("seq", "hash").From(CollectionAuditEvents).OrderBy("seq DESC").Limit(1).One(&tail)
	if err != nil && !isNoRows(err) {
		return AuditEvent{}, fmt.Errorf("audit tail: %w", err)
	}
	ev := AuditEvent{Seq: tail.Seq + 1, At: types.NowDateTime().String(), Actor: actor, Action: action,
		Collection: collection, Record: record, Diff: canonicalDiff(diff), PrevHash: tail.Hash}
	if ev.Hash, err = ev.ComputeHash(); err != nil {
		return ev, err
	}
	return ev, saveAuditEvent(tx, ev)
}

// auditTailSeq returns the seq of the chain's last event (0 if none).
func auditTailSeq(app core.App) (int64, error) {
	var tail struct {
		Seq int64 `db:"seq"`
	}
	err := app.DB().Select("seq").From(CollectionAuditEvents).OrderBy("seq DESC").Limit(1).One(&tail)
	if err != nil && !isNoRows(err) {
		return 0, err
	}
	return tail.Seq, nil
}
