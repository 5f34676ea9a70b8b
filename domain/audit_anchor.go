package domain

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// AuditAnchorAlgorithm tells a third party how to check an anchor of a
// tenant's audit chain with the tenant's public key (exported with it).
const AuditAnchorAlgorithm = `signature = base64(ed25519_sign(key, "fieldops-audit-anchor/v1\n" + slug + "\n" + seq + "\n" + hash + "\n" + at)); seq in decimal, hash the chain hash of event seq, at in UTC as 2006-01-02T15:04:05.000Z; the chain must still hold event seq with that hash`

// anchorMessagePrefix versions the signed text of an anchor.
const anchorMessagePrefix = "fieldops-audit-anchor/v1\n"

// anchorTimeLayout is how an anchor's time is written in its signed text.
const anchorTimeLayout = "2006-01-02T15:04:05.000Z"

// Anchor kinds: why an anchor was taken. A tenant's head anchor moves at
// every audit write (AnchorWrite); history anchors are copies of the head
// kept periodically, when the tenant closes, on demand, at provisioning,
// when a restore rebased the chain and when an operator reset the anchor.
const (
	AnchorWrite     = "write"
	AnchorOpen      = "open"
	AnchorProvision = "provision"
	AnchorPeriodic  = "periodic"
	AnchorClose     = "close"
	AnchorManual    = "manual"
	AnchorRestore   = "restore"
	AnchorReset     = "reset"
)

// AuditAnchor is a signed statement, kept outside the tenant database
// (control plane), that the tenant's audit chain held event Seq with hash
// Hash at time At. The kind is not signed.
type AuditAnchor struct {
	Slug      string    `json:"slug"`
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`
	Signature string    `json:"signature"`
	Kind      string    `json:"kind,omitempty"`
}

// Message returns the signed text of the anchor.
func (a AuditAnchor) Message() []byte {
	return []byte(anchorMessagePrefix + a.Slug + "\n" + strconv.FormatInt(a.Seq, 10) + "\n" + a.Hash + "\n" + a.At.UTC().Format(anchorTimeLayout))
}

// Sign dates the anchor at (to the millisecond, as stored) and signs it
// with key.
func (a *AuditAnchor) Sign(key ed25519.PrivateKey, at time.Time) {
	a.At = at.UTC().Truncate(time.Millisecond)
	a.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, a.Message()))
}

// Valid reports whether the anchor's signature is pub's.
func (a AuditAnchor) Valid(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(a.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, a.Message(), sig)
}

// AuditHead is the last event of a tenant's audit chain (zero when the
// chain is empty).
type AuditHead struct {
	Seq      int64  `db:"seq" json:"seq"`
	Hash     string `db:"hash" json:"hash"`
	PrevHash string `db:"prev_hash" json:"prev_hash"`
}

// FindAuditHead returns the last event of the audit chain (one indexed
// read).
func FindAuditHead(app core.App) (AuditHead, error) {
	var h AuditHead
	err := app.DB().Select("seq", "hash", "prev_hash").From(CollectionAuditEvents).OrderBy("seq DESC").Limit(1).One(&h)
	if err != nil && !isNoRows(err) {
		return h, fmt.Errorf("audit head: %w", err)
	}
	return h, nil
}

// AuditHashAt returns the hash of event seq, and false when the chain has
// no such event.
func AuditHashAt(app core.App, seq int64) (string, bool, error) {
	var row struct {
		Hash string `db:"hash"`
	}
	err := app.DB().Select("hash").From(CollectionAuditEvents).Where(dbx.HashExp{"seq": seq}).Limit(1).One(&row)
	if isNoRows(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("audit event %d: %w", seq, err)
	}
	return row.Hash, true, nil
}

// Extends reports whether the chain of app still holds the anchored event
// (so that head, its current last event, continues the anchored chain). It
// reads one row, none when head is the anchored event's successor.
func (a AuditAnchor) Extends(app core.App, head AuditHead) (bool, error) {
	switch {
	case head.Seq < a.Seq:
		return false, nil
	case head.Seq == a.Seq:
		return head.Hash == a.Hash, nil
	case head.Seq == a.Seq+1:
		return head.PrevHash == a.Hash, nil
	}
	hash, ok, err := AuditHashAt(app, a.Seq)
	return ok && hash == a.Hash, err
}

// AnchorCheck is the anchor part of an AuditReport: the latest anchor of
// the tenant and what the chain says of it.
type AnchorCheck struct {
	AuditAnchor
	// PublicKey is the tenant's anchor key (base64 Ed25519), to check the
	// signature elsewhere.
	PublicKey   string `json:"public_key"`
	SignatureOK bool   `json:"signature_ok"`
	// Matched: the chain still holds the anchored event with its hash.
	Matched bool `json:"matched"`
	// Unanchored counts the events after the anchor: not yet anchored,
	// not an error.
	Unanchored int64 `json:"unanchored"`
}

// VerifyAuditChainAnchored verifies the chain (VerifyAuditChain) and its
// latest anchor: the anchor's signature is pub's, and the chain still
// holds the anchored event with the anchored hash, so that rows deleted at
// or before the anchor (the last rows included, the anchor following every
// write) and a chain altered then re-hashed are detected. Events after the
// anchor are reported as not yet anchored. A missing anchor is a failure:
// nothing would tell a truncated chain from an intact one.
func VerifyAuditChainAnchored(app core.App, anchor *AuditAnchor, pub ed25519.PublicKey) (AuditReport, error) {
	var at int64
	if anchor != nil {
		at = anchor.Seq
	}
	rep, hashAt, err := verifyChain(app, at)
	if err != nil {
		return rep, err
	}
	if anchor == nil {
		return failAnchor(rep, catalog.New("err.audit.no_anchor")), nil
	}
	chk := &AnchorCheck{AuditAnchor: *anchor, PublicKey: base64.StdEncoding.EncodeToString(pub), SignatureOK: anchor.Valid(pub)}
	rep.Anchor = chk
	if !rep.OK {
		return rep, nil
	}
	last := int64(rep.Events)
	switch {
	case !chk.SignatureOK:
		return failAnchor(rep, catalog.New("err.audit.anchor_bad_signature", anchor.Seq)), nil
	case last < anchor.Seq:
		return failAnchor(rep, catalog.New("err.audit.anchor_truncated", last, anchor.Seq, anchor.At.UTC().Format(time.RFC3339), anchor.Seq-last)), nil
	case hashAt != anchor.Hash:
		return failAnchor(rep, catalog.New("err.audit.anchor_mismatch", anchor.Seq, anchor.At.UTC().Format(time.RFC3339))), nil
	case rep.LastErasure > anchor.Seq:
		// NB: an erasure manifest vouches for redacted events only once
		// signed: one appended by hand after the anchor proves nothing.
		return failAnchor(rep, catalog.New("err.audit.erasure_unanchored", rep.LastErasure, anchor.Seq)), nil
	}
	chk.Matched, chk.Unanchored = true, last-anchor.Seq
	return rep, nil
}
