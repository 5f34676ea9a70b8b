package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"
)

// AuditGenesis is the action of the first event (seq 1) of a tenant's
// audit chain. It binds the chain to one tenant (slug, creation time and
// a random nonce), so that two tenants provisioned from the same template
// database never share a hash.
const AuditGenesis = "genesis"

// AuditGenesisCollection is the collection name the genesis event names.
const AuditGenesisCollection = "tenant"

// Genesis describes the tenant an audit chain is started for.
type Genesis struct {
	Slug   string
	Sector string
	// Schema is the schema version key of the template the tenant was
	// copied from.
	Schema string
	// At is the tenant's creation time.
	At time.Time
}

// StartAuditChain writes the genesis event of a new tenant's audit chain
// (seq 1, prev_hash "") and links after it, in order, the events already
// in the database: those a template recorded while seeding reference
// data. They are renumbered from 2, dated at the genesis and re-hashed;
// their content (actor, action, record, diff) is kept. It returns the
// genesis hash.
//
// It rewrites the chain, so it must only run inside the provisioning
// transaction of a database no one has used yet.
func StartAuditChain(tx core.App, g Genesis) (string, error) {
	rows := []struct {
		ID         string `db:"id"`
		Actor      string `db:"actor"`
		Action     string `db:"action"`
		Collection string `db:"collection"`
		Record     string `db:"record"`
		Diff       string `db:"diff"`
	}{}
	err := tx.DB().Select("id", "actor", "action", "collection", "record", "diff").
		From(CollectionAuditEvents).OrderBy("seq ASC").All(&rows)
	if err != nil {
		return "", fmt.Errorf("read template audit events: %w", err)
	}
	// NB: seq is unique: move the pending events out of the way first.
	if _, err := tx.DB().NewQuery("UPDATE " + CollectionAuditEvents + " SET seq = -seq").Execute(); err != nil {
		return "", err
	}
	at := types.NowDateTime()
	if !g.At.IsZero() {
		at, _ = types.ParseDateTime(g.At.UTC())
	}
	genesis := AuditEvent{
		Seq: 1, At: at.String(), Actor: "system", Action: AuditGenesis,
		Collection: AuditGenesisCollection, Record: g.Slug,
		Diff: canonicalDiff(map[string]any{
			"slug": g.Slug, "sector": g.Sector, "schema": g.Schema, "created": at.String(),
			"nonce": security.RandomString(24),
		}),
	}
	if genesis.Hash, err = genesis.ComputeHash(); err != nil {
		return "", err
	}
	if err := saveAuditEvent(tx, genesis); err != nil {
		return "", fmt.Errorf("audit genesis: %w", err)
	}
	prev := genesis.Hash
	for i, r := range rows {
		ev := AuditEvent{
			Seq: int64(i + 2), At: genesis.At, Actor: r.Actor, Action: r.Action,
			Collection: r.Collection, Record: r.Record, PrevHash: prev,
		}
		if r.Diff != "" && r.Diff != "null" {
			if err := json.Unmarshal([]byte(r.Diff), &ev.Diff); err != nil {
				return "", fmt.Errorf("template audit event %s: %w", r.ID, err)
			}
		}
		if ev.Hash, err = ev.ComputeHash(); err != nil {
			return "", err
		}
		_, err := tx.DB().Update(CollectionAuditEvents, dbx.Params{
			"seq": ev.Seq, "at": ev.At, "prev_hash": ev.PrevHash, "hash": ev.Hash,
		}, dbx.HashExp{"id": r.ID}).Execute()
		if err != nil {
			return "", err
		}
		prev = ev.Hash
	}
	return genesis.Hash, nil
}

// saveAuditEvent inserts ev as an audit_events row.
func saveAuditEvent(tx core.App, ev AuditEvent) error {
	col, err := tx.FindCachedCollectionByNameOrId(CollectionAuditEvents)
	if err != nil {
		return err
	}
	row := core.NewRecord(col)
	row.Load(map[string]any{
		"seq": ev.Seq, "at": ev.At, "actor": ev.Actor, "action": ev.Action, "collection": ev.Collection,
		"record": ev.Record, "diff": ev.Diff, "prev_hash": ev.PrevHash, "hash": ev.Hash,
	})
	return tx.SaveNoValidate(row)
}
