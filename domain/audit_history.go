package domain

import (
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Kinds of a field in a described audit event (FieldChange.Kind): how its
// values are shown.
const (
	ChangeText     = "text"
	ChangeNumber   = "number"
	ChangeBool     = "bool"
	ChangeDate     = "date"
	ChangeSelect   = "select"
	ChangeRelation = "relation"
	ChangeFile     = "file"
	ChangeJSON     = "json"
)

// ChangeValue is one side of a change: Set is false when the field was
// empty (a create has no old side, a delete no new one). Text holds a
// text, a select code, a file name or a JSON summary; Names the names of
// the records a relation points to.
type ChangeValue struct {
	Set   bool
	Text  string
	Num   float64
	Bool  bool
	Time  time.Time
	Names []string
}

// FieldChange is one field of an audit event as people read it: the field
// (its schema name, labelled by the views), its kind, old and new values.
type FieldChange struct {
	Field    string
	Kind     string
	Old, New ChangeValue
}

// EventDescription is an audit event described for people: the name of
// the record it is about and its changed fields, in schema order.
type EventDescription struct {
	RecordName string
	Changes    []FieldChange
}

// historyHidden are fields whose change says nothing to a reader
// (technical identifiers and file metadata).
var historyHidden = []string{"family", "mime", "size", "sha256", "template", "position", "sector_fields"}

// HistoryReader describes audit events, resolving the records they name
// once per reader (one page).
type HistoryReader struct {
	app   core.App
	names map[string]string
}

// NewHistoryReader returns a reader of app's audit events.
func NewHistoryReader(app core.App) *HistoryReader {
	return &HistoryReader{app: app, names: map[string]string{}}
}

// Describe turns ev into its record's name and field changes: relation ids
// become names, dates times, numbers numbers; a field missing from the
// schema now is shown as text.
func (h *HistoryReader) Describe(ev AuditEvent) EventDescription {
	col, _ := h.app.FindCachedCollectionByNameOrId(ev.Collection)
	out := EventDescription{RecordName: h.recordName(ev)}
	var order []string
	if col != nil {
		for _, f := range col.Fields {
			order = append(order, f.GetName())
		}
	}
	keys := make([]string, 0, len(ev.Diff))
	for k := range ev.Diff {
		if !slices.Contains(historyHidden, k) && !strings.HasPrefix(k, "_") {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		var field core.Field
		if col != nil {
			field = col.Fields.GetByName(k)
		}
		c := FieldChange{Field: k, Kind: changeKind(field)}
		v := ev.Diff[k]
		switch ev.Action {
		case AuditCreate:
			c.New = h.value(field, c.Kind, v)
		case AuditDelete:
			c.Old = h.value(field, c.Kind, v)
		default:
			pair, ok := v.([]any)
			if !ok || len(pair) != 2 {
				c.New = h.value(field, c.Kind, v)
				break
			}
			c.Old, c.New = h.value(field, c.Kind, pair[0]), h.value(field, c.Kind, pair[1])
		}
		if c.Old.Set || c.New.Set {
			out.Changes = append(out.Changes, c)
		}
	}
	return out
}

func changeKind(f core.Field) string {
	switch f.(type) {
	case *core.NumberField:
		return ChangeNumber
	case *core.BoolField:
		return ChangeBool
	case *core.DateField, *core.AutodateField:
		return ChangeDate
	case *core.SelectField:
		return ChangeSelect
	case *core.RelationField:
		return ChangeRelation
	case *core.FileField:
		return ChangeFile
	case *core.JSONField:
		return ChangeJSON
	}
	return ChangeText
}

// value reads one side of a change as stored in the diff (JSON values).
func (h *HistoryReader) value(f core.Field, kind string, v any) ChangeValue {
	if isZero(v) {
		if b, ok := v.(bool); ok && kind == ChangeBool {
			return ChangeValue{Set: true, Bool: b}
		}
		return ChangeValue{}
	}
	switch kind {
	case ChangeNumber:
		if n, ok := v.(float64); ok {
			return ChangeValue{Set: true, Num: n}
		}
	case ChangeBool:
		if b, ok := v.(bool); ok {
			return ChangeValue{Set: true, Bool: b}
		}
	case ChangeDate:
		if s, ok := v.(string); ok {
			if d, err := types.ParseDateTime(s); err == nil && !d.IsZero() {
				return ChangeValue{Set: true, Time: d.Time()}
			}
		}
	case ChangeRelation:
		rf, _ := f.(*core.RelationField)
		var names []string
		for _, id := range stringsOf(v) {
			names = append(names, h.name(rf.CollectionId, id))
		}
		return ChangeValue{Set: len(names) > 0, Names: names}
	case ChangeSelect, ChangeFile:
		return ChangeValue{Set: true, Text: strings.Join(stringsOf(v), ", ")}
	case ChangeJSON:
		return ChangeValue{Set: true}
	}
	if s, ok := v.(string); ok {
		return ChangeValue{Set: true, Text: s}
	}
	return ChangeValue{Set: true, Text: jsonValue(v)}
}

// stringsOf reads a single value or a list of values as strings.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// name is how a record is called in the history (a site "CH-1 · École",
// a person their name, a phase or document its name or title); the id
// when the record is gone.
func (h *HistoryReader) name(collection, id string) string {
	k := collection + "/" + id
	if n, ok := h.names[k]; ok {
		return n
	}
	n := id
	if r, err := h.app.FindRecordById(collection, id); err == nil {
		n = recordLabel(r)
	}
	h.names[k] = n
	return n
}

// recordName names the record an event is about: its current name, else
// the name the event itself carries (a deleted record).
func (h *HistoryReader) recordName(ev AuditEvent) string {
	if r, err := h.app.FindRecordById(ev.Collection, ev.Record); err == nil {
		return recordLabel(r)
	}
	for _, k := range []string{"name", "title", "code"} {
		switch v := ev.Diff[k].(type) {
		case string:
			return v
		case []any:
			if len(v) == 2 {
				if s, ok := v[1].(string); ok && s != "" {
					return s
				}
				if s, ok := v[0].(string); ok {
					return s
				}
			}
		}
	}
	return ""
}

// recordLabel is a record's display name.
func recordLabel(r *core.Record) string {
	if r.Collection().Name == CollectionSites {
		return r.GetString("code") + " · " + r.GetString("name")
	}
	for _, k := range []string{"name", "title", "label", "number", "code", "email"} {
		if s := r.GetString(k); s != "" {
			return s
		}
	}
	return r.Id
}
