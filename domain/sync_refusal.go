package domain

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Kinds of entries in the sync inbox (sync_conflicts.kind): a conflict is
// a change that cannot apply as its author meant it (answered 409); a
// refusal is an operation the server refused (invalid data, not allowed:
// answered 400 or 403). Both are filed so that the office sees who sent
// what, when and why: nothing a phone sends is dropped without a trace.
const (
	InboxConflict = "conflict"
	InboxRefusal  = "refusal"
)

// SyncReplaces is the optional data key naming the idempotency key of an
// earlier refused operation that this one corrects: once it is answered,
// the earlier refusal is settled in the inbox (by its author).
const SyncReplaces = "@replaces"

// Limits of the inbox fields a refusal fills from what the device sent.
const (
	inboxReasonMax = 500
	inboxDataMax   = 1 << 20
)

// fileRefusal stores a refused operation in the inbox with the answer the
// device got (status, message in both languages, field) and returns it.
// The site is the one the operation names or its record's, when it exists.
func fileRefusal(tx core.App, user *core.Record, op SyncOp, res SyncResult) (*core.Record, error) {
	col, err := tx.FindCachedCollectionByNameOrId(CollectionSyncConflicts)
	if err != nil {
		return nil, err
	}
	var data any = op.Data
	if b, err := json.Marshal(op.Data); err != nil || len(b) > inboxDataMax {
		data = map[string]any{"@truncated": true}
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"user": user.Id, "key": op.Key, "op": cut(op.Op, 16), "collection": cut(orDash(op.Collection), 64),
		"record": cut(op.ID, 64), "data": data, "reason": cut(res.Error, inboxReasonMax), "status": ConflictOpen,
		"kind": InboxRefusal, "status_code": res.Status, "field": cut(res.Field, 64), "site": refusalSite(tx, op)})
	if t, err := op.deviceTime(); err == nil && !t.IsZero() {
		r.Set("device_time", t.UTC())
	}
	SetActor(r, user.Id)
	if err := tx.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// refusalSite returns the id of the site a refused operation is about:
// the one its data names, else its record's (or its record's task's),
// "" when none exists.
func refusalSite(app core.App, op SyncOp) string {
	if id := str(op.Data["site"]); id != "" {
		if s, err := app.FindRecordById(CollectionSites, id); err == nil {
			return s.Id
		}
	}
	if op.ID == "" {
		return ""
	}
	if _, ok := syncSpecFor(op.Collection); !ok {
		return ""
	}
	rec, err := app.FindRecordById(op.Collection, op.ID)
	if err != nil {
		return ""
	}
	if site := rec.GetString("site"); site != "" {
		return site
	}
	if task, err := app.FindRecordById(CollectionTasks, rec.GetString("task")); err == nil {
		return task.GetString("site")
	}
	return ""
}

// settleReplaced settles, as done by its author, the open refusal of the
// earlier operation op corrects (SyncReplaces).
func settleReplaced(tx core.App, user *core.Record, op SyncOp) error {
	key, _ := op.Data[SyncReplaces].(string)
	if !ValidULID(key) {
		return nil
	}
	recs, err := tx.FindRecordsByFilter(CollectionSyncConflicts, "key = {:k} && user = {:u} && status = {:s}", "", 10, 0,
		dbx.Params{"k": key, "u": user.Id, "s": ConflictOpen})
	if err != nil {
		return err
	}
	for _, r := range recs {
		r.Set("status", ConflictResolved)
		r.Set("resolved_by", user.Id)
		SetActor(r, user.Id)
		if err := tx.Save(r); err != nil {
			return err
		}
	}
	return nil
}

// refusalOf turns a refusal error into the operation's result: the coded
// status, the message in both languages and the field it names.
func refusalOf(op SyncOp, coded *Error, verr validation.Errors) SyncResult {
	if coded != nil {
		return SyncResult{Key: op.Key, Status: statusOfCode(coded.Code), Error: coded.Text().Bilingual(), Field: coded.Field, Reason: coded.Key}
	}
	res := SyncResult{Key: op.Key, Status: http.StatusBadRequest}
	fields := make([]string, 0, len(verr))
	for f := range verr {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	if len(fields) > 0 {
		res.Field = fields[0]
	}
	return res
}

// asValidation returns err's validation errors, if it is one.
func asValidation(err error) (validation.Errors, bool) {
	var v validation.Errors
	ok := errors.As(err, &v)
	return v, ok
}

func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
