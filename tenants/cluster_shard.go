package tenants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// A shard's side of a tenant move (issue #21): the source freezes the
// tenant's writes, syncs its replica a last time and describes what it
// holds (Fingerprint); the target restores the replica into a staging
// directory, takes the tenant's files and audit anchors, checks the copy
// and describes it the same way; the control plane compares both, flips
// the route, then the target activates and the source releases. Every
// step can be undone until the route flips: Unfreeze on the source,
// AbortStage on the target.

// Fingerprint describes a tenant database for a move's verification: the
// rows of every table and the audit chain's head.
type Fingerprint struct {
	Rows      map[string]int64 `json:"rows"`
	AuditSeq  int64            `json:"audit_seq"`
	AuditHash string           `json:"audit_hash"`
	Bytes     int64            `json:"bytes"`
}

// Diff lists how other differs from f ("" when they match).
func (f Fingerprint) Diff(other Fingerprint) string {
	var out []string
	if f.AuditSeq != other.AuditSeq || f.AuditHash != other.AuditHash {
		out = append(out, fmt.Sprintf("audit head %d/%.12s ≠ %d/%.12s", f.AuditSeq, f.AuditHash, other.AuditSeq, other.AuditHash))
	}
	names := map[string]bool{}
	for n := range f.Rows {
		names[n] = true
	}
	for n := range other.Rows {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		if f.Rows[n] != other.Rows[n] {
			out = append(out, fmt.Sprintf("%s: %d rows ≠ %d", n, f.Rows[n], other.Rows[n]))
		}
	}
	return strings.Join(out, "; ")
}

// fingerprintFile reads the fingerprint of a tenant database file.
func fingerprintFile(ctx context.Context, path string) (Fingerprint, error) {
	fp := Fingerprint{Rows: map[string]int64{}}
	st, err := os.Stat(path)
	if err != nil {
		return fp, err
	}
	fp.Bytes = st.Size()
	registerDriver()
	db, err := sql.Open(DriverName, path)
	if err != nil {
		return fp, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_litestream%' ESCAPE '\\'")
	if err != nil {
		return fp, fmt.Errorf("fingerprint %s: %w", path, err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fp, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	for _, t := range tables {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`).Scan(&n); err != nil {
			return fp, fmt.Errorf("fingerprint %s.%s: %w", path, t, err)
		}
		fp.Rows[t] = n
	}
	err = db.QueryRowContext(ctx, "SELECT seq, hash FROM "+domain.CollectionAuditEvents+" ORDER BY seq DESC LIMIT 1").Scan(&fp.AuditSeq, &fp.AuditHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fp, fmt.Errorf("fingerprint %s: audit head: %w", path, err)
	}
	return fp, nil
}

// stagingDir is where a move's target builds the tenant's copy.
func (r *Registry) stagingDir(slug string) string {
	return filepath.Join(r.cfg.Dir, "tenants", ".move-"+slug)
}

// FreezeForMove refuses new writes of slug on this shard, waits for the
// running ones, syncs its replica a last time and stops replicating it
// from here. It returns what the database holds then. On failure the
// tenant is unfrozen and replicated again.
func (r *Registry) FreezeForMove(ctx context.Context, slug string) (Fingerprint, error) {
	if here, err := r.servedHere(slug); !here || err != nil {
		return Fingerprint{}, errors.Join(ErrWrongShard, err)
	}
	if r.cfg.Cluster.Replica == nil {
		return Fingerprint{}, errors.New("this shard has no replication: a tenant moves through its replica")
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := r.gate.freeze(dctx, slug); err != nil {
		return Fingerprint{}, fmt.Errorf("freeze %s: writes still running: %w", slug, err)
	}
	if err := r.cfg.Cluster.Replica.FinalSync(ctx, slug); err != nil {
		r.gate.unfreeze(slug)
		_ = r.cfg.Cluster.Replica.Resume(context.WithoutCancel(ctx), slug)
		return Fingerprint{}, fmt.Errorf("final sync of %s: %w", slug, err)
	}
	fp, err := fingerprintFile(ctx, filepath.Join(r.TenantDir(slug), "data.db"))
	if err != nil {
		r.Unfreeze(context.WithoutCancel(ctx), slug)
		return Fingerprint{}, err
	}
	return fp, nil
}

// Unfreeze undoes FreezeForMove: the tenant is replicated from here again
// and takes writes.
func (r *Registry) Unfreeze(ctx context.Context, slug string) {
	if r.cfg.Cluster.Replica != nil {
		if err := r.cfg.Cluster.Replica.Resume(ctx, slug); err != nil {
			r.cfg.Logger.Error("move: resume replication", "tenant", slug, "error", err)
		}
	}
	r.gate.unfreeze(slug)
}

// Frozen reports whether slug's writes are frozen for a move.
func (r *Registry) Frozen(slug string) bool { return r.gate.isFrozen(slug) }

// CurrentFingerprint describes slug's database as it is now (the source's
// view at verification time: a write that slipped past the freeze shows).
func (r *Registry) CurrentFingerprint(ctx context.Context, slug string) (Fingerprint, error) {
	return fingerprintFile(ctx, filepath.Join(r.TenantDir(slug), "data.db"))
}

// anchorCollections hold a tenant's audit anchors in a control plane.
var anchorCollections = []string{"audit_keys", "audit_heads", "audit_anchors"}

// MoveState is what travels with a tenant besides its database: its
// control-plane row and its audit anchors (key, head, history).
type MoveState struct {
	Tenant  map[string]any              `json:"tenant"`
	Anchors map[string][]map[string]any `json:"anchors"`
}

// recordFields returns every schema field of rec (hidden ones included).
func recordFields(rec *core.Record) map[string]any {
	m := map[string]any{}
	for _, f := range rec.Collection().Fields {
		switch f.GetName() {
		case "id", "created", "updated":
			continue
		}
		m[f.GetName()] = rec.Get(f.GetName())
	}
	return m
}

// ExportMoveState returns slug's control-plane row and anchors as this
// node holds them.
func (r *Registry) ExportMoveState(slug string) (MoveState, error) {
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return MoveState{}, err
	}
	st := MoveState{Tenant: recordFields(rec), Anchors: map[string][]map[string]any{}}
	for _, col := range anchorCollections {
		recs, err := r.platform.FindRecordsByFilter(col, "slug = {:s}", "", 0, 0, dbx.Params{"s": slug})
		if err != nil {
			return MoveState{}, err
		}
		for _, a := range recs {
			st.Anchors[col] = append(st.Anchors[col], recordFields(a))
		}
	}
	return st, nil
}

// UpsertTenantRow writes a tenant's control-plane row as the control plane
// sent it (placement, status, plan, licence…), keyed by slug.
func (r *Registry) UpsertTenantRow(row map[string]any) error {
	slug, _ := row["slug"].(string)
	if err := domain.ValidateSlug(slug); err != nil {
		return err
	}
	defer r.status.forget(slug)
	return r.platform.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindFirstRecordByData("tenants", "slug", slug)
		if errors.Is(err, sql.ErrNoRows) {
			col, cerr := tx.FindCachedCollectionByNameOrId("tenants")
			if cerr != nil {
				return cerr
			}
			rec, err = core.NewRecord(col), nil
		}
		if err != nil {
			return err
		}
		for k, v := range row {
			if rec.Collection().Fields.GetByName(k) != nil && k != "id" && k != "created" && k != "updated" {
				rec.Set(k, v)
			}
		}
		return tx.Save(rec)
	})
}

// replaceAnchors replaces slug's anchor rows by those given.
func replaceAnchors(tx core.App, slug string, anchors map[string][]map[string]any) error {
	for _, col := range anchorCollections {
		if _, err := tx.DB().Delete(col, dbx.HashExp{"slug": slug}).Execute(); err != nil {
			return err
		}
		c, err := tx.FindCachedCollectionByNameOrId(col)
		if err != nil {
			return err
		}
		for _, row := range anchors[col] {
			rec := core.NewRecord(c)
			rec.Load(row)
			rec.Set("slug", slug)
			if err := tx.SaveNoValidate(rec); err != nil {
				return fmt.Errorf("import %s: %w", col, err)
			}
		}
	}
	return nil
}
