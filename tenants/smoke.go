package tenants

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/domain"
)

// SmokeResult is a tenant's read-and-write smoke test (Smoke).
type SmokeResult struct {
	Slug        string    `json:"slug"`
	Users       int       `json:"users"`
	AuditEvents int       `json:"audit_events"`
	Wrote       time.Time `json:"wrote"`
	MS          int64     `json:"ms"`
}

// smokeParam is the row Smoke writes in the tenant's _params table
// (PocketBase's key/value table; no collection, no hook, no audit event).
const smokeParam = "fieldops_smoke"

// Smoke opens a tenant as the server does (its registry entry, its file,
// its migrations), reads its users and audit events, writes one row
// (_params "fieldops_smoke", the time of the test) and reads it back. It
// is what a blue/green switch checks on the target colour, before and
// after the switch: the tenant is there, readable and writable.
func (r *Registry) Smoke(ctx context.Context, slug string) (SmokeResult, error) {
	start := time.Now()
	res := SmokeResult{Slug: slug}
	if _, err := r.Get(slug); err != nil {
		return res, err
	}
	t, release, err := r.Acquire(ctx, slug)
	if err != nil {
		return res, err
	}
	defer release()
	db := t.App.DB()
	if err := db.Select("count(*)").From(domain.CollectionUsers).Row(&res.Users); err != nil {
		return res, fmt.Errorf("read users: %w", err)
	}
	if err := db.Select("count(*)").From("audit_events").Row(&res.AuditEvents); err != nil {
		return res, fmt.Errorf("read audit events: %w", err)
	}
	res.Wrote = time.Now().UTC().Truncate(time.Millisecond)
	val, _ := json.Marshal(map[string]string{"at": res.Wrote.Format(time.RFC3339Nano)})
	if _, err := db.NewQuery("INSERT INTO _params (id, value) VALUES ({:id}, {:v}) ON CONFLICT(id) DO UPDATE SET value = excluded.value, updated = strftime('%Y-%m-%d %H:%M:%fZ')").
		Bind(dbx.Params{"id": smokeParam, "v": string(val)}).Execute(); err != nil {
		return res, fmt.Errorf("write: %w", err)
	}
	var got string
	if err := db.Select("value").From("_params").Where(dbx.HashExp{"id": smokeParam}).Row(&got); err != nil {
		return res, fmt.Errorf("read back: %w", err)
	}
	if got != string(val) {
		return res, fmt.Errorf("read back %s, wrote %s", got, val)
	}
	res.MS = time.Since(start).Milliseconds()
	return res, nil
}
