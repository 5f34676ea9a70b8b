package domain

import (
	"errors"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// CollectionSyncOps is the ledger of applied idempotency keys.
const CollectionSyncOps = "sync_ops"

// ApplySync applies a device's operations in order, each with user's
// permissions (the collection's API rules, evaluated by PocketBase for
// user), the same validation and hooks as the REST API (so the audit
// trail records each change), and at most once per key: a replayed key
// answers the result stored the first time. One failing operation does
// not stop the others. The error is only for storage failures.
func ApplySync(app core.App, user *core.Record, req SyncRequest) ([]SyncResult, error) {
	if user == nil || user.Collection().Name != CollectionUsers || !user.GetBool("active") {
		return nil, Errorf(EForbidden, "err.active_user_required")
	}
	out := make([]SyncResult, 0, len(req.Operations))
	for _, op := range req.Operations {
		res, err := applyOnce(app, user, op)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// applyOnce applies op unless its key was already applied.
func applyOnce(app core.App, user *core.Record, op SyncOp) (SyncResult, error) {
	if !ValidULID(op.Key) {
		return SyncResult{Key: op.Key, Status: http.StatusBadRequest, Error: ErrorText(op.Validate()).Bilingual()}, nil
	}
	if res, ok := storedResult(app, user, op.Key); ok {
		return res, nil
	}
	var res SyncResult
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		if res, err = applyOp(tx, user, op); err != nil {
			return err
		}
		if err := settleReplaced(tx, user, op); err != nil {
			return err
		}
		return saveSyncOp(tx, user, op, res)
	})
	var coded *Error
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &coded) && coded.Code != EInternal:
		res = refusalOf(op, coded, nil)
	case isValidation(err):
		verr, _ := asValidation(err)
		res = refusalOf(op, nil, verr)
		res.Error = catalog.New("err.sync.invalid_data", err.Error()).Bilingual()
	default:
		// NB: a concurrent request may have applied the same key first
		// (unique index on sync_ops.key): answer its result.
		if stored, ok := storedResult(app, user, op.Key); ok {
			return stored, nil
		}
		return SyncResult{}, err
	}
	// the refusal is filed for the office, with the answer (and its inbox
	// id) recorded under the key, in one transaction
	err = app.RunInTransaction(func(tx core.App) error {
		if err := settleReplaced(tx, user, op); err != nil {
			return err
		}
		c, err := fileRefusal(tx, user, op, res)
		switch {
		case err == nil:
			res.Conflict = c.Id
		case !isValidation(err):
			return err
		}
		return saveSyncOp(tx, user, op, res)
	})
	if err != nil {
		if stored, ok := storedResult(app, user, op.Key); ok {
			return stored, nil
		}
		return SyncResult{}, err
	}
	return res, nil
}

// applyOp runs one validated operation inside tx. Refusals are returned
// as coded errors (the caller rolls back and records them); conflicts are
// filed in the inbox and returned as a 409 result.
func applyOp(tx core.App, user *core.Record, op SyncOp) (SyncResult, error) {
	if err := op.Validate(); err != nil {
		return SyncResult{}, err
	}
	spec, _ := syncSpecFor(op.Collection)
	col, err := tx.FindCachedCollectionByNameOrId(op.Collection)
	if err != nil {
		return SyncResult{}, err
	}
	body := op.payload()
	info := &core.RequestInfo{Auth: user, Body: body, Context: core.RequestInfoContextDefault,
		Query: map[string]string{}, Headers: map[string]string{}}
	conflict := func(rec *core.Record, reason catalog.Text) (SyncResult, error) {
		site := body["site"]
		if rec != nil && rec.GetString("site") != "" {
			site = rec.GetString("site")
		}
		c, err := fileConflict(tx, user, op, str(site), reason.Bilingual())
		if err != nil {
			return SyncResult{}, err
		}
		return SyncResult{Key: op.Key, Status: http.StatusConflict, ID: op.ID, Error: reason.Bilingual(), Conflict: c.Id}, nil
	}

	var rec, orig *core.Record
	switch op.Op {
	case SyncCreate:
		info.Method = http.MethodPost
		if op.ID != "" {
			if _, err := tx.FindRecordById(col, op.ID); err == nil {
				return conflict(nil, catalog.New(ConflictExists))
			}
		}
		rec = core.NewRecord(col)
		if op.ID != "" {
			rec.Id = op.ID
		}
		if spec.owner != "" && str(body[spec.owner]) == "" {
			body[spec.owner] = user.Id
		}
		for k, v := range spec.fixed {
			body[k] = v
		}
		if t, _ := op.deviceTime(); spec.deviceTime != "" && str(body[spec.deviceTime]) == "" && !t.IsZero() {
			body[spec.deviceTime] = DBTime(t)
		}
	case SyncUpdate, SyncDelete:
		info.Method = http.MethodPatch
		if op.Op == SyncDelete {
			info.Method = http.MethodDelete
		}
		found, err := tx.FindRecordById(col, op.ID)
		if err != nil {
			if op.Op == SyncDelete {
				return SyncResult{Key: op.Key, Status: http.StatusOK, ID: op.ID}, nil // already gone
			}
			return conflict(nil, catalog.New(ConflictDeleted))
		}
		rec, orig = found, found.Original()
		if base := op.baseUpdated(); base != "" && !sameStamp(base, rec.GetDateTime("updated").String()) {
			return conflict(rec, catalog.New(ConflictStale))
		}
		if spec.conflict != nil {
			if reason := spec.conflict(user, rec); reason != "" {
				return conflict(rec, catalog.New(reason))
			}
		}
		rule := col.UpdateRule
		if op.Op == SyncDelete {
			rule = col.DeleteRule
		}
		if ok, err := tx.CanAccessRecord(rec, info, rule); err != nil || !ok {
			return SyncResult{}, Errorf(EForbidden, "err.role_forbidden")
		}
		if op.Op == SyncDelete {
			SetActor(rec, user.Id)
			MarkClient(rec, user)
			if err := tx.Delete(rec); err != nil {
				return SyncResult{}, err
			}
			return SyncResult{Key: op.Key, Status: http.StatusOK, ID: rec.Id}, nil
		}
	}

	for k, v := range body {
		rec.Set(k, v)
	}
	SetActor(rec, user.Id)
	MarkClient(rec, user)
	if spec.prepare != nil {
		if err := spec.prepare(tx, user, rec, orig); err != nil {
			if ErrorCode(err) == EConflict {
				return conflict(rec, ErrorText(err))
			}
			return SyncResult{}, err
		}
	}
	if err := tx.Save(rec); err != nil {
		if ErrorCode(err) == EConflict {
			// NB: the hooks refused before writing (e.g. not enough
			// stock): the transaction is still clean for the inbox.
			return conflict(rec, ErrorText(err))
		}
		return SyncResult{}, err
	}
	if op.Op == SyncCreate {
		// NB: PocketBase evaluates a create rule against the new row (its
		// REST API uses a CTE of the row): saved in this transaction, it
		// is checked here and rolled back when the rule refuses it.
		if col.CreateRule == nil {
			return SyncResult{}, Errorf(EForbidden, "err.role_forbidden")
		}
		if ok, err := tx.CanAccessRecord(rec, info, col.CreateRule); err != nil || !ok {
			return SyncResult{}, Errorf(EForbidden, "err.role_forbidden")
		}
	}
	return SyncResult{Key: op.Key, Status: http.StatusOK, ID: rec.Id}, nil
}

// storedResult returns the result recorded for key, when user applied it.
// A key of another user answers 409 without revealing anything.
func storedResult(app core.App, user *core.Record, key string) (SyncResult, bool) {
	r, err := app.FindFirstRecordByData(CollectionSyncOps, "key", key)
	if err != nil {
		return SyncResult{}, false
	}
	if r.GetString("user") != user.Id {
		return SyncResult{Key: key, Status: http.StatusConflict, Error: catalog.New("err.sync.key_used").Bilingual()}, true
	}
	var res SyncResult
	if err := r.UnmarshalJSONField("result", &res); err != nil {
		return SyncResult{}, false
	}
	return res, true
}

// saveSyncOp records that key was applied, with its answer.
func saveSyncOp(tx core.App, user *core.Record, op SyncOp, res SyncResult) error {
	col, err := tx.FindCachedCollectionByNameOrId(CollectionSyncOps)
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"key": op.Key, "user": user.Id, "collection": op.Collection, "op": op.Op, "result": res})
	SetActor(r, user.Id)
	return tx.Save(r)
}

// statusOfCode maps a refusal code to the sync answer's status.
func statusOfCode(code string) int {
	switch code {
	case EForbidden:
		return http.StatusForbidden
	case EConflict:
		return http.StatusConflict
	case ENotFound:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func isValidation(err error) bool {
	var v validation.Errors
	return errors.As(err, &v)
}

// sameStamp compares two datetime stamps, ignoring format differences
// ("T" or space separator, trailing Z).
func sameStamp(a, b string) bool {
	norm := func(s string) string {
		s = strings.Replace(strings.TrimSpace(s), "T", " ", 1)
		return strings.TrimSuffix(s, "Z")
	}
	return norm(a) == norm(b)
}
