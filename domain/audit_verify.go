package domain

import (
	"encoding/json"
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// AuditReport is the result of VerifyAuditChain.
type AuditReport struct {
	OK       bool        `json:"ok"`
	Events   int         `json:"events"`
	LastHash string      `json:"last_hash"`
	FirstBad *AuditEvent `json:"first_bad,omitempty"`
	Reason   string      `json:"reason,omitempty"`
}

// VerifyAuditChain re-computes every hash of the tenant's audit chain in
// seq order and reports the first event whose hash, link or sequence does
// not match (an altered, inserted or removed row).
func VerifyAuditChain(app core.App) (AuditReport, error) {
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
	err := app.DB().Select("seq", "at", "actor", "action", "collection", "record", "diff", "prev_hash", "hash").
		From(CollectionAuditEvents).OrderBy("seq ASC").All(&rows)
	if err != nil {
		return AuditReport{}, fmt.Errorf("read audit events: %w", err)
	}
	rep := AuditReport{OK: true}
	prev := ""
	for i, r := range rows {
		ev := AuditEvent{Seq: r.Seq, At: r.At, Actor: r.Actor, Action: r.Action, Collection: r.Collection, Record: r.Record, PrevHash: r.PrevHash, Hash: r.Hash}
		if r.Diff != "" && r.Diff != "null" {
			if err := json.Unmarshal([]byte(r.Diff), &ev.Diff); err != nil {
				return fail(rep, ev, "diff illisible / unreadable diff"), nil
			}
		}
		switch {
		case r.Seq != int64(i+1):
			return fail(rep, ev, fmt.Sprintf("numéro de séquence %d attendu / expected seq %d", i+1, i+1)), nil
		case r.PrevHash != prev:
			return fail(rep, ev, "lien prev_hash rompu (événement précédent modifié ou supprimé) / prev_hash link broken"), nil
		}
		want, err := ev.ComputeHash()
		if err != nil {
			return AuditReport{}, err
		}
		if want != r.Hash {
			return fail(rep, ev, "hash recalculé différent : contenu modifié / recomputed hash differs: content altered"), nil
		}
		prev = r.Hash
		rep.Events++
	}
	rep.LastHash = prev
	return rep, nil
}

func fail(rep AuditReport, ev AuditEvent, reason string) AuditReport {
	rep.OK, rep.FirstBad, rep.Reason = false, &ev, reason
	return rep
}
