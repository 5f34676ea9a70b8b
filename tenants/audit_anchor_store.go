package tenants

import (
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
)

// loadAnchor reads the tenant's key and head anchor from the control plane
// unless cached. A tenant without a key leaves st.key nil.
func (r *Registry) loadAnchor(slug string, st *anchorState) error {
	if st.key != nil {
		return nil
	}
	key, err := readAnchorKey(r.platform, slug)
	if err != nil || key == nil {
		return err
	}
	head, err := r.readHead(slug)
	if err != nil {
		return err
	}
	st.key, st.head = key, head
	st.forged = head != nil && !head.Valid(key.Public().(ed25519.PublicKey))
	return nil
}

// readAnchorKey returns the tenant's anchor key (nil when it has none).
func readAnchorKey(app core.App, slug string) (ed25519.PrivateKey, error) {
	row, err := readKeyRow(app, slug)
	if err != nil || row == nil {
		return nil, err
	}
	seed, err := base64.StdEncoding.DecodeString(row.Private)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("audit key of %s: bad private key", slug)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// readPublicKey returns the public half of the tenant's anchor key (nil
// when it has none), as stored.
func readPublicKey(app core.App, slug string) (ed25519.PublicKey, error) {
	row, err := readKeyRow(app, slug)
	if err != nil || row == nil {
		return nil, err
	}
	pub, err := base64.StdEncoding.DecodeString(row.Public)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("audit key of %s: bad public key", slug)
	}
	return pub, nil
}

type keyRow struct {
	Public  string `db:"public_key"`
	Private string `db:"private_key"`
}

func readKeyRow(app core.App, slug string) (*keyRow, error) {
	var row keyRow
	err := app.DB().Select("public_key", "private_key").From(CollectionAuditKeys).
		Where(dbx.HashExp{"slug": slug}).Limit(1).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit key of %s: %w", slug, err)
	}
	return &row, nil
}

// headRow is a row of audit_heads or audit_anchors.
type headRow struct {
	Slug      string         `db:"slug"`
	Seq       int64          `db:"seq"`
	Hash      string         `db:"hash"`
	At        types.DateTime `db:"at"`
	Signature string         `db:"signature"`
	Kind      string         `db:"kind"`
}

func (h headRow) anchor() *domain.AuditAnchor {
	return &domain.AuditAnchor{Slug: h.Slug, Seq: h.Seq, Hash: h.Hash, At: h.At.Time(), Signature: h.Signature, Kind: h.Kind}
}

// readHead returns the tenant's head anchor (nil when none).
func (r *Registry) readHead(slug string) (*domain.AuditAnchor, error) {
	var row headRow
	err := r.platform.DB().Select("slug", "seq", "hash", "at", "signature", "kind").From(CollectionAuditHeads).
		Where(dbx.HashExp{"slug": slug}).Limit(1).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit head of %s: %w", slug, err)
	}
	return row.anchor(), nil
}

// moveHead replaces the head anchor prev by next if it is still prev
// (compare-and-swap across processes), keeping a history copy of next when
// history is set (with detail), in one control-plane transaction. It
// reports whether the head was still prev.
func (r *Registry) moveHead(prev *domain.AuditAnchor, next domain.AuditAnchor, history bool, detail map[string]any) (bool, error) {
	update := func(db dbx.Builder) (bool, error) {
		res, err := db.Update(CollectionAuditHeads, dbx.Params{
			"seq": next.Seq, "hash": next.Hash, "at": dateTime(next.At), "signature": next.Signature, "kind": next.Kind,
			"updated": dateTime(time.Now()),
		}, dbx.HashExp{"slug": prev.Slug, "seq": prev.Seq, "hash": prev.Hash, "signature": prev.Signature}).Execute()
		if err != nil {
			return false, fmt.Errorf("move audit head of %s: %w", prev.Slug, err)
		}
		n, err := res.RowsAffected()
		return n == 1, err
	}
	if !history {
		// NB: one statement, its own transaction (the write path: no
		// BEGIN/COMMIT round trips).
		return update(r.platform.NonconcurrentDB())
	}
	moved := false
	err := r.platform.RunInTransaction(func(tx core.App) error {
		var err error
		if moved, err = update(tx.DB()); err != nil || !moved {
			return err
		}
		return saveAnchor(tx, next, detail)
	})
	return moved, err
}

// saveAnchor inserts a history anchor.
func saveAnchor(tx core.App, a domain.AuditAnchor, detail map[string]any) error {
	col, err := tx.FindCachedCollectionByNameOrId(CollectionAuditAnchors)
	if err != nil {
		return err
	}
	rec := core.NewRecord(col)
	rec.Load(map[string]any{
		"slug": a.Slug, "seq": a.Seq, "hash": a.Hash, "at": dateTime(a.At), "signature": a.Signature,
		"kind": a.Kind, "detail": detail,
	})
	return tx.SaveNoValidate(rec)
}

// firstAnchor gives a tenant that has none its key (if missing) and its
// first head anchor, on head (kind: provision, open for tenants created
// before anchoring, else what asked).
func (r *Registry) firstAnchor(slug string, st *anchorState, head domain.AuditHead, kind string) error {
	if kind == domain.AnchorWrite {
		kind = domain.AnchorOpen
	}
	return r.platform.RunInTransaction(func(tx core.App) error {
		key, a, err := createAnchor(tx, slug, head, kind, r.cfg.Clock())
		if err != nil {
			return err
		}
		st.key, st.head = key, a
		return nil
	})
}

// createAnchor writes, in tx, the tenant's key (unless it has one) and its
// first head anchor on head, with a history copy. A key without a head
// (never written so by FieldOps) is recorded in the platform audit log.
func createAnchor(tx core.App, slug string, head domain.AuditHead, kind string, now time.Time) (ed25519.PrivateKey, *domain.AuditAnchor, error) {
	key, err := readAnchorKey(tx, slug)
	if err != nil {
		return nil, nil, err
	}
	if key != nil {
		if err := PlatformAudit(tx, "system", "audit.anchor_head_missing", slug, map[string]any{"seq": head.Seq, "hash": head.Hash}); err != nil {
			return nil, nil, err
		}
	} else {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		col, err := tx.FindCachedCollectionByNameOrId(CollectionAuditKeys)
		if err != nil {
			return nil, nil, err
		}
		rec := core.NewRecord(col)
		rec.Load(map[string]any{
			"slug": slug, "algorithm": "ed25519", "public_key": base64.StdEncoding.EncodeToString(pub),
			"private_key": base64.StdEncoding.EncodeToString(priv.Seed()),
		})
		if err := tx.Save(rec); err != nil {
			return nil, nil, fmt.Errorf("audit key of %s: %w", slug, err)
		}
		key = priv
	}
	a := domain.AuditAnchor{Slug: slug, Seq: head.Seq, Hash: head.Hash, Kind: kind}
	a.Sign(key, now)
	col, err := tx.FindCachedCollectionByNameOrId(CollectionAuditHeads)
	if err != nil {
		return nil, nil, err
	}
	rec := core.NewRecord(col)
	rec.Load(map[string]any{"slug": slug, "seq": a.Seq, "hash": a.Hash, "at": dateTime(a.At), "signature": a.Signature, "kind": kind})
	if err := tx.Save(rec); err != nil {
		return nil, nil, fmt.Errorf("audit head of %s: %w", slug, err)
	}
	return key, &a, saveAnchor(tx, a, nil)
}

// dateTime converts t for a date column.
func dateTime(t time.Time) string {
	dt, _ := types.ParseDateTime(t.UTC())
	return dt.String()
}

// bindAnchorGuards keeps the control plane's anchor collections out of
// reach of its REST API and dashboard, superusers included: private keys
// are never sent (PocketBase shows hidden fields to superusers), and keys,
// heads and history anchors are written by the server only.
func (r *Registry) bindAnchorGuards() {
	cols := []string{CollectionAuditKeys, CollectionAuditHeads, CollectionAuditAnchors}
	r.platform.OnRecordEnrich(CollectionAuditKeys).Bind(&hook.Handler[*core.RecordEnrichEvent]{
		Id: "fieldopsAuditKeyHidden",
		Func: func(e *core.RecordEnrichEvent) error {
			// NB: after Next: PocketBase unhides every field for
			// superusers at the end of the enrich chain.
			err := e.Next()
			e.Record.Hide("private_key")
			return err
		},
	})
	refuse := func(e *core.RecordRequestEvent) error {
		return e.ForbiddenError(catalog.New("err.audit.anchor_read_only").In(catalog.Negotiate("", e.Request.Header.Get("Accept-Language"))), nil)
	}
	// NB: superusers may filter and sort on hidden fields: an oracle.
	r.platform.OnRecordsListRequest(CollectionAuditKeys).BindFunc(func(e *core.RecordsListRequestEvent) error {
		q := e.Request.URL.Query()
		if strings.Contains(q.Get("filter")+q.Get("sort"), "private") {
			return e.ForbiddenError(catalog.New("err.audit.anchor_read_only").In(catalog.Negotiate("", e.Request.Header.Get("Accept-Language"))), nil)
		}
		return e.Next()
	})
	r.platform.OnRecordCreateRequest(cols...).BindFunc(refuse)
	r.platform.OnRecordUpdateRequest(cols...).BindFunc(refuse)
	r.platform.OnRecordDeleteRequest(cols...).BindFunc(refuse)
}
