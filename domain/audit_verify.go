package domain

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// AuditReport is the result of VerifyAuditChain.
type AuditReport struct {
	OK       bool   `json:"ok"`
	Events   int    `json:"events"`
	LastHash string `json:"last_hash"`
	// GenesisHash is the hash of the first event (seq 1): the genesis of
	// tenants provisioned from a template, unique to each tenant.
	GenesisHash string      `json:"genesis_hash,omitempty"`
	FirstBad    *AuditEvent `json:"first_bad,omitempty"`
	Reason      string      `json:"reason,omitempty"`
	// Anchor is the latest signed anchor of the chain and its check (set
	// by VerifyAuditChainAnchored).
	Anchor *AnchorCheck `json:"anchor,omitempty"`
	// Redacted counts the events whose personal payload an erasure
	// removed (accepted through the erasure's manifest, see Redaction);
	// LastErasure is the seq of the latest erasure event relied on.
	Redacted    int   `json:"redacted,omitempty"`
	LastErasure int64 `json:"last_erasure,omitempty"`
}

// VerifyAuditChain re-computes every hash of the tenant's audit chain in
// seq order and reports the first event whose hash, link or sequence does
// not match (an altered, inserted or removed row). Alone it cannot see
// rows removed at the end nor a chain re-hashed after a change: see
// VerifyAuditChainAnchored.
func VerifyAuditChain(app core.App) (AuditReport, error) {
	rep, _, err := verifyChain(app, 0)
	return rep, err
}

// verifyChain verifies the chain and returns the stored hash of event
// seq ("" when the chain has none or seq is 0).
func verifyChain(app core.App, seq int64) (AuditReport, string, error) {
	rows, err := readAuditRows(app, nil)
	if err != nil {
		return AuditReport{}, "", err
	}
	redactions := indexRedactions(rows)
	rep := AuditReport{OK: true}
	prev, hashAt := "", ""
	for i, r := range rows {
		ev, readable := r.event()
		if !readable {
			return fail(rep, ev, catalog.New("err.audit.unreadable_diff")), "", nil
		}
		switch {
		case r.Seq != int64(i+1):
			return fail(rep, ev, catalog.New("err.audit.bad_seq", i+1)), "", nil
		case r.PrevHash != prev:
			return fail(rep, ev, catalog.New("err.audit.broken_link")), "", nil
		}
		want, err := ev.ComputeHash()
		if err != nil {
			return AuditReport{}, "", err
		}
		if want != r.Hash {
			by, ok := redactions.acceptRedacted(ev)
			if !ok {
				return fail(rep, ev, catalog.New("err.audit.bad_hash")), "", nil
			}
			rep.Redacted++
			rep.LastErasure = max(rep.LastErasure, by)
		}
		if i == 0 {
			rep.GenesisHash = r.Hash
		}
		if r.Seq == seq {
			hashAt = r.Hash
		}
		prev = r.Hash
		rep.Events++
	}
	rep.LastHash = prev
	return rep, hashAt, nil
}

// fail reports ev as the first bad event, the reason in both languages
// (read on the command line).
func fail(rep AuditReport, ev AuditEvent, reason catalog.Text) AuditReport {
	rep.OK, rep.FirstBad, rep.Reason = false, &ev, reason.Bilingual()
	return rep
}

// failAnchor reports a failure of the anchor check (no event to blame:
// the chain is consistent but not the one that was anchored).
func failAnchor(rep AuditReport, reason catalog.Text) AuditReport {
	rep.OK, rep.Reason = false, reason.Bilingual()
	return rep
}

// Time parses the event's stored timestamp.
func (e AuditEvent) Time() time.Time {
	return ParseDBTime(e.At)
}

// FindSiteHistory returns the audit events of a site and of its phases,
// milestones and documents, newest first.
func FindSiteHistory(app core.App, siteID string, limit int) ([]AuditEvent, error) {
	ids := []any{siteID}
	for _, c := range []string{CollectionPhases, CollectionMilestones, CollectionDocuments} {
		recs, err := app.FindAllRecords(c, dbx.HashExp{"site": siteID})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			ids = append(ids, r.Id)
		}
	}
	rows := []struct {
		Seq        int64  `db:"seq"`
		At         string `db:"at"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		Record     string `db:"record"`
		Diff       string `db:"diff"`
		PrevHash   string `db:"prev_hash"`
		Hash       string `db:"hash"`
	}{}
	err := app.DB().Select("seq", "at", "actor", "action", "collection", "record", "diff", "prev_hash", "hash").From(CollectionAuditEvents).
		Where(dbx.In("record", ids...)).OrderBy("seq DESC").Limit(int64(limit)).All(&rows)
	if err != nil {
		return nil, err
	}
	out := make([]AuditEvent, 0, len(rows))
	for _, r := range rows {
		ev := AuditEvent{Seq: r.Seq, At: r.At, Actor: r.Actor, Action: r.Action, Collection: r.Collection, Record: r.Record, PrevHash: r.PrevHash, Hash: r.Hash}
		_ = json.Unmarshal([]byte(r.Diff), &ev.Diff)
		out = append(out, ev)
	}
	return out, nil
}
