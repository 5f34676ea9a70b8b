package domain

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
)

// AuditExportAlgorithm tells a third party how to recheck each exported
// event: hash = hex(SHA-256(prev_hash ‖ canonical)), where canonical is
// the compact JSON of {seq, at, actor, action, collection, record, diff}
// in that key order, diff with sorted keys; events redacted by a GDPR
// erasure are vouched for by the erasure's manifest (see Redaction).
const AuditExportAlgorithm = `hash = hex(sha256(prev_hash + canonical)); canonical = compact JSON of {"seq","at","actor","action","collection","record","diff"} in this key order, object keys of diff sorted, characters <, > and & written as \u003c, \u003e and \u0026; prev_hash of an event is the hash of the previous event of the tenant-wide chain (seq - 1); an event whose diff holds "_erased": N had personal values removed by the GDPR erasure event N (action gdpr_erase): its hash is the original one and cannot be recomputed, the erasure's diff.redacted lists its seq, hash and digest = hex(sha256(canonical as stored now))`

// AuditExportEvent is one exported event with its canonical text.
type AuditExportEvent struct {
	AuditEvent
	Canonical string `json:"canonical"`
	PrevHash  string `json:"prev_hash"`
	Hash      string `json:"hash"`
}

// AuditExport is a site's audit trail as exported (JSON).
type AuditExport struct {
	Site      string             `json:"site"`
	Algorithm string             `json:"algorithm"`
	Events    []AuditExportEvent `json:"events"`
}

// NewAuditExport prepares events (oldest first) for export.
func NewAuditExport(siteID string, events []AuditEvent) (AuditExport, error) {
	out := AuditExport{Site: siteID, Algorithm: AuditExportAlgorithm}
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		canon, err := json.Marshal(ev)
		if err != nil {
			return out, err
		}
		out.Events = append(out.Events, AuditExportEvent{AuditEvent: ev, Canonical: string(canon), PrevHash: ev.PrevHash, Hash: ev.Hash})
	}
	return out, nil
}

// WriteCSV writes the export as CSV (one event per line, diff as JSON).
func (x AuditExport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"seq", "at", "actor", "action", "collection", "record", "diff", "prev_hash", "hash", "canonical"})
	for _, ev := range x.Events {
		diff, _ := json.Marshal(ev.Diff)
		if err := cw.Write([]string{strconv.FormatInt(ev.Seq, 10), ev.At, ev.Actor, ev.Action, ev.Collection, ev.Record, string(diff), ev.PrevHash, ev.Hash, ev.Canonical}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
