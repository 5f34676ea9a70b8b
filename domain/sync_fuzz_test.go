package domain

import (
	"strings"
	"testing"
)

// FuzzSyncDecode feeds arbitrary bodies to the sync decoder and to the
// per-operation validation: no panic, and every refusal is a coded
// EInvalid/EForbidden error with a message.
func FuzzSyncDecode(f *testing.F) {
	seeds := []string{
		`{"operations":[]}`,
		`{"operations":[{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","op":"create","collection":"incidents","data":{"site":"x","kind":"delay","severity":"low","description":"d"},"device_time":"2026-03-02T08:00:00+01:00"}]}`,
		`{"operations":[{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","op":"update","collection":"tasks","id":"abc","data":{"status":"done","@base_updated":"2026-01-01 00:00:00.000Z"}}]}`,
		`{"operations":[{"key":1,"op":null}]}`,
		`{"operations":null}`,
		`{"operations":[{}]} trailing`,
		`[]`, `null`, ``, `{"operations":[{"data":{"a":{"b":[1,2,{"c":null}]}}}]}`,
		`{"operations":[{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","op":"delete","collection":"users","id":"x"}]}`,
		`{"operations":[{"key":"01ARZ3NDEKTSV4RRFFQ69G5FAV","op":"create","collection":"time_entries","device_time":"not a time"}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeSyncRequest(strings.NewReader(string(body)))
		if err != nil {
			if ErrorCode(err) != EInvalid || ErrorMessage(err) == "" {
				t.Fatalf("decoder error not coded EInvalid: %v", err)
			}
			return
		}
		if req.Operations == nil || len(req.Operations) > SyncMaxOps {
			t.Fatalf("accepted %d operations (nil=%v)", len(req.Operations), req.Operations == nil)
		}
		for _, op := range req.Operations {
			if err := op.Validate(); err != nil {
				if c := ErrorCode(err); c != EInvalid && c != EForbidden {
					t.Fatalf("op error code %q: %v", c, err)
				}
			}
			_ = op.payload()
			_ = op.baseUpdated()
		}
	})
}
