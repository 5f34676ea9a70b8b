package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Limits of one sync request (the crew app sends its outbox in batches).
const (
	SyncMaxBytes = 4 << 20
	SyncMaxOps   = 500
)

// Sync operation kinds.
const (
	SyncCreate = "create"
	SyncUpdate = "update"
	SyncDelete = "delete"
)

// SyncBaseUpdated is the optional data key carrying the "updated" stamp
// of the record the device based its change on: a newer record on the
// server makes the change a conflict rather than a silent overwrite.
const SyncBaseUpdated = "@base_updated"

// SyncOp is one write queued by a device (offline outbox). Key is a
// client-generated ULID, the idempotency key: the server applies each key
// at most once and answers a replay with the original result.
type SyncOp struct {
	Key        string         `json:"key"`
	Op         string         `json:"op"`
	Collection string         `json:"collection"`
	ID         string         `json:"id,omitempty"`
	Data       map[string]any `json:"data,omitempty"`
	DeviceTime string         `json:"device_time,omitempty"`
}

// SyncRequest is the body of POST /api/fieldops/sync.
type SyncRequest struct {
	Operations []SyncOp `json:"operations"`
}

// SyncResult is the outcome of one operation. Status is 200 (applied),
// 400 (invalid), 403 (not allowed for the caller) or 409 (conflict).
// Every refusal and conflict is filed in the office's inbox (Conflict is
// its id); Field names the field a refusal is about, when it names one;
// Reason is the refusal's message key, for the app to offer what lifts it
// (KeyExcavationRefused: the urgent-works declaration).
type SyncResult struct {
	Key      string `json:"key"`
	Status   int    `json:"status"`
	ID       string `json:"id,omitempty"`
	Error    string `json:"error,omitempty"`
	Field    string `json:"field,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Conflict string `json:"conflict,omitempty"`
}

// SyncResponse is the answer of POST /api/fieldops/sync, one result per
// operation, in request order.
type SyncResponse struct {
	Results []SyncResult `json:"results"`
}

// DecodeSyncRequest reads a sync request body. It refuses malformed JSON,
// trailing data, more than SyncMaxOps operations and bodies over
// SyncMaxBytes with an EInvalid error; the operations themselves are
// validated one by one when applied (SyncOp.Validate), so that one bad
// operation does not block the rest of the outbox.
func DecodeSyncRequest(r io.Reader) (SyncRequest, error) {
	var req SyncRequest
	body, err := io.ReadAll(io.LimitReader(r, SyncMaxBytes+1))
	if err != nil {
		return req, &Error{Code: EInvalid, Key: "err.unreadable_request", Err: err}
	}
	if len(body) > SyncMaxBytes {
		return req, Errorf(EInvalid, "err.sync.too_large")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return SyncRequest{}, &Error{Code: EInvalid, Key: "err.invalid_json", Err: err}
	}
	if dec.More() {
		return SyncRequest{}, Errorf(EInvalid, "err.trailing_json")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return SyncRequest{}, Errorf(EInvalid, "err.trailing_json")
	}
	if req.Operations == nil {
		return SyncRequest{}, Errorf(EInvalid, "err.sync.missing_operations")
	}
	if len(req.Operations) > SyncMaxOps {
		return SyncRequest{}, Errorf(EInvalid, "err.sync.too_many_ops", SyncMaxOps)
	}
	return req, nil
}

// ValidULID reports whether s is a canonical ULID: 26 Crockford base32
// characters (upper case, no I L O U), the first at most 7.
func ValidULID(s string) bool {
	if len(s) != 26 || s[0] > '7' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U')
		if !ok {
			return false
		}
	}
	return true
}

// Validate checks an operation's envelope; the payload is checked
// against the collection's sync spec and then by the record save.
func (op SyncOp) Validate() error {
	switch {
	case !ValidULID(op.Key):
		return Errorf(EInvalid, "err.invalid_idempotency_key")
	case op.Op != SyncCreate && op.Op != SyncUpdate && op.Op != SyncDelete:
		return Errorf(EInvalid, "err.sync.unknown_op", op.Op)
	case (op.Op == SyncUpdate || op.Op == SyncDelete) && op.ID == "":
		return Errorf(EInvalid, "err.sync.missing_id", op.Op)
	case len(op.ID) > 64:
		return Errorf(EInvalid, "err.sync.id_too_long")
	}
	if _, err := op.deviceTime(); err != nil {
		return err
	}
	if v, ok := op.Data[SyncReplaces]; ok {
		if s, _ := v.(string); !ValidULID(s) {
			return Errorf(EInvalid, "err.sync.invalid_replaces")
		}
	}
	spec, ok := syncSpecFor(op.Collection)
	if !ok {
		return Errorf(EForbidden, "err.sync.collection_not_synced", op.Collection)
	}
	if !spec.ops[op.Op] {
		return Errorf(EForbidden, "err.sync.op_not_allowed", op.Op, op.Collection)
	}
	for k := range op.Data {
		if k != SyncBaseUpdated && k != SyncReplaces && !spec.fields[k] {
			return Errorf(EInvalid, "err.sync.field_not_allowed", k, op.Collection)
		}
	}
	if spec.check != nil {
		return spec.check(op)
	}
	return nil
}

// deviceTime parses the operation's device timestamp (zero when absent).
func (op SyncOp) deviceTime() (time.Time, error) {
	if op.DeviceTime == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, op.DeviceTime)
	if err != nil {
		return time.Time{}, Errorf(EInvalid, "err.sync.invalid_device_time")
	}
	return t, nil
}

// baseUpdated returns the optional @base_updated stamp of op.
func (op SyncOp) baseUpdated() string {
	s, _ := op.Data[SyncBaseUpdated].(string)
	return strings.TrimSpace(s)
}

// payload returns op.Data without the sync control keys.
func (op SyncOp) payload() map[string]any {
	out := make(map[string]any, len(op.Data))
	for k, v := range op.Data {
		if !strings.HasPrefix(k, "@") {
			out[k] = v
		}
	}
	return out
}

func fieldSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// str returns a payload value as a string ("" when absent).
func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
