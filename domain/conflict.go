package domain

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// CollectionSyncConflicts is the conflict inbox of offline changes.
const CollectionSyncConflicts = "sync_conflicts"

// Conflict reasons (catalogue keys): a change made offline that cannot
// apply as its author meant it is never dropped; it is filed here for the
// site lead, with the full payload and the reason in both languages, and
// answered 409.
const (
	ConflictReassigned = "err.sync.reassigned"
	ConflictStale      = "err.sync.stale"
	ConflictDeleted    = "err.sync.deleted"
	ConflictExists     = "err.sync.exists"
)

// Conflict statuses.
const (
	ConflictOpen     = "open"
	ConflictResolved = "resolved"
)

// fileConflict stores op in the conflict inbox for reason and returns it.
func fileConflict(tx core.App, user *core.Record, op SyncOp, site, reason string) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId(CollectionSyncConflicts)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"user": user.Id, "key": op.Key, "op": op.Op, "collection": op.Collection, "record": op.ID,
		"data": op.Data, "reason": reason, "status": ConflictOpen, "site": site, "kind": InboxConflict, "status_code": http.StatusConflict})
	if t, err := op.deviceTime(); err == nil && !t.IsZero() {
		r.Set("device_time", t.UTC())
	}
	SetActor(r, user.Id)
	if err := tx.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// FindOpenConflicts returns the open conflicts actor may settle (site
// leads: their sites' and those without a site; office: all), oldest
// first, with user and site expanded.
func FindOpenConflicts(app core.App, actor *core.Record) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionSyncConflicts, "status = {:s}", "created", 500, 0, dbx.Params{"s": ConflictOpen})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"user", "site"}, nil)
	out := recs[:0]
	for _, r := range recs {
		if s := r.ExpandedOne("site"); (s == nil && actor.GetString("role") != RoleCrew) || CanEditSiteDay(actor, s) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ResolveConflict marks a conflict as settled by actor (who re-entered
// or discarded the change by hand: the payload stays in the inbox).
func ResolveConflict(app core.App, actor *core.Record, id string) error {
	r, err := app.FindRecordById(CollectionSyncConflicts, id)
	if err != nil {
		return Errorf(ENotFound, "err.sync.conflict_not_found")
	}
	site, _ := app.FindRecordById(CollectionSites, r.GetString("site"))
	if actor == nil || actor.GetString("role") == RoleCrew || (site != nil && !CanEditSiteDay(actor, site)) {
		return Errorf(EForbidden, "err.sync.lead_settles")
	}
	r.Set("status", ConflictResolved)
	r.Set("resolved_by", actor.Id)
	SetActor(r, actor.Id)
	return app.Save(r)
}
