package domain

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Audit actions.
const (
	AuditCreate = "create"
	AuditUpdate = "update"
	AuditDelete = "delete"
)

// AuditEvent is one link of a tenant's tamper-evident audit chain:
// Hash = SHA-256(PrevHash ‖ canonical JSON of the event without hashes).
// Rows are append-only: the API rules deny writes and bindAuditHooks refuses
// updates and deletes of audit_events, even by superusers.
type AuditEvent struct {
	Seq        int64          `json:"seq"`
	At         string         `json:"at"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	Collection string         `json:"collection"`
	Record     string         `json:"record"`
	Diff       map[string]any `json:"diff"`
	PrevHash   string         `json:"-"`
	Hash       string         `json:"-"`
}

// ComputeHash returns the chain hash of e given its PrevHash.
func (e AuditEvent) ComputeHash() (string, error) {
	canon, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	sum := sha256.New()
	sum.Write([]byte(e.PrevHash))
	sum.Write(canon)
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// ErrAuditAppendOnly is returned when an audit event is updated or deleted.
var ErrAuditAppendOnly = Errorf(EForbidden, "err.audit.append_only")

// notAudited lists collections whose writes are not audit events: the
// chain itself, high-volume telemetry, notifications (derived from
// audited records by the rules) and the duration predictions recorded
// for the accuracy dashboard (derived from the audited tasks).
func notAudited(name string) bool {
	return name == CollectionAuditEvents || name == "vehicle_positions" || name == "sync_ops" || name == CollectionNotifications ||
		name == CollectionDurationPredictions
}

// bindAuditHooks writes the audit chain in the same transaction as every
// create, update and delete of business collections, and refuses updates
// and deletes of audit events.
func bindAuditHooks(app core.App) {
	audit := func(action string) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			col := e.Record.Collection()
			if col.IsView() || col.System || notAudited(col.Name) {
				return e.Next()
			}
			// NB: restore e.App afterwards: the after-success hooks that
			// follow share this event and must not get a committed tx.
			outer := e.App
			defer func() { e.App = outer }()
			return outer.RunInTransaction(func(tx core.App) error {
				e.App = tx
				orig := e.Record.Original()
				if action != AuditCreate && orig.Id == "" {
					// NB: a record built with NewRecord and saved in
					// process has a blank original: read the stored row.
					if stored, err := tx.FindRecordById(col, e.Record.Id); err == nil {
						orig = stored
					}
				}
				if err := e.Next(); err != nil {
					return err
				}
				return appendAudit(tx, action, e.Record, orig)
			})
		}
	}
	app.OnRecordCreateExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsAuditCreate", Func: audit(AuditCreate)})
	app.OnRecordUpdateExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsAuditUpdate", Func: audit(AuditUpdate)})
	app.OnRecordDeleteExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsAuditDelete", Func: audit(AuditDelete)})

	appendOnly := func(e *core.RecordEvent) error {
		if e.Record.Collection().Name == CollectionAuditEvents {
			return ErrAuditAppendOnly
		}
		return e.Next()
	}
	app.OnRecordUpdate(CollectionAuditEvents).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsAuditNoUpdate", Func: appendOnly})
	app.OnRecordDelete(CollectionAuditEvents).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsAuditNoDelete", Func: appendOnly})
}

// appendAudit writes the next audit event for record. It must run inside
// the write transaction of the audited change (SQLite serialises writers,
// so reading the chain's tail here is race-free).
func appendAudit(tx core.App, action string, record, orig *core.Record) error {
	var tail struct {
		Seq  int64  `db:"seq"`
		Hash string `db:"hash"`
	}
	err := tx.DB().Select("seq", "hash").From(CollectionAuditEvents).OrderBy("seq DESC").Limit(1).One(&tail)
	if err != nil && !isNoRows(err) {
		return fmt.Errorf("audit tail: %w", err)
	}
	ev := AuditEvent{
		Seq:        tail.Seq + 1,
		At:         types.NowDateTime().String(), // the exact text stored and re-read
		Actor:      ActorOf(record),
		Action:     action,
		Collection: record.Collection().Name,
		Record:     record.Id,
		Diff:       canonicalDiff(recordDiff(action, record, orig)),
		PrevHash:   tail.Hash,
	}
	if ev.Hash, err = ev.ComputeHash(); err != nil {
		return err
	}
	return saveAuditEvent(tx, ev)
}

// actorKey is the custom-data key handlers set on a record to name who
// changes it (see SetActor).
const actorKey = "@fieldopsActor"

// SetActor records on r who is changing it, for the audit trail.
func SetActor(r *core.Record, actor string) { r.Set(actorKey, actor) }

// ActorOf returns the actor set by SetActor, or "system".
func ActorOf(r *core.Record) string {
	if a, ok := r.Get(actorKey).(string); ok && a != "" {
		return a
	}
	return "system"
}

// secretFields are never copied into the audit trail.
func secretField(name string) bool {
	return name == core.FieldNamePassword || name == core.FieldNameTokenKey
}

// recordDiff returns the field-level diff of a change: new values on
// create, old values on delete, {field: [old, new]} on update.
func recordDiff(action string, r, orig *core.Record) map[string]any {
	out := map[string]any{}
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if secretField(name) || name == "id" || name == "created" || name == "updated" {
			continue
		}
		switch action {
		case AuditCreate:
			if v := r.Get(name); !isZero(v) {
				out[name] = v
			}
		case AuditDelete:
			if v := orig.Get(name); !isZero(v) {
				out[name] = v
			}
		default:
			before, after := orig.Get(name), r.Get(name)
			if !reflect.DeepEqual(jsonValue(before), jsonValue(after)) {
				out[name] = []any{before, after}
			}
		}
	}
	return out
}

// canonicalDiff round-trips a diff through JSON so that the hashed form is
// exactly what a verifier re-reads from the database (structs become
// maps with sorted keys, numbers become float64).
func canonicalDiff(d map[string]any) map[string]any {
	b, err := json.Marshal(d)
	if err != nil {
		return map[string]any{"_error": err.Error()}
	}
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return out
}

func jsonValue(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func isZero(v any) bool {
	s := jsonValue(v)
	return s == "null" || s == `""` || s == "0" || s == "false" || s == "[]" || s == "{}"
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
