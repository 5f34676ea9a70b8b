package tenants

import (
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// Tenant statuses in the control plane.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusDeleted   = "deleted"
)

// Info is a tenant as recorded in the control plane.
type Info struct {
	Slug       string    `json:"slug"`
	Name       string    `json:"name"`
	Sector     string    `json:"sector"`
	Status     string    `json:"status"`
	Plan       string    `json:"plan"`
	AdminEmail string    `json:"admin_email"`
	Created    time.Time `json:"created"`
	URL        string    `json:"url"`
	Open       bool      `json:"open"`
	DBBytes    int64     `json:"db_bytes"`
	// Licence (issue #19): the seat limit in force (the tenant's or its
	// plan's, 0: none), the modules in force, the end of the licence
	// (YYYY-MM-DD, "" for none) and its state (active, grace, read_only,
	// suspended).
	Seats          int      `json:"seats"`
	Modules        []string `json:"modules"`
	LicenceExpires string   `json:"licence_expires"`
	GraceEnds      string   `json:"grace_ends,omitempty"`
	Licence        string   `json:"licence"`
	Trial          bool     `json:"trial"`
	// Shard is the shard serving the tenant (issue #21, scale-out); empty
	// on a single-node install, where the control plane's process serves
	// every tenant.
	Shard string `json:"shard"`
}

func infoFromRecord(r *core.Record) Info {
	return Info{
		Slug:       r.GetString("slug"),
		Name:       r.GetString("name"),
		Sector:     r.GetString("sector"),
		Status:     r.GetString("status"),
		Plan:       r.GetString("plan"),
		AdminEmail: r.GetString("admin_email"),
		Created:    r.GetDateTime("created").Time(),
		Shard:      r.GetString("shard"),
	}
}

// findTenantRecord returns the control-plane record of slug.
func (r *Registry) findTenantRecord(slug string) (*core.Record, error) {
	rec, err := r.platform.FindFirstRecordByData("tenants", "slug", slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Errorf(domain.ENotFound, "err.tenant.not_found", slug)
	}
	return rec, err
}

// Get returns a tenant's control-plane information.
func (r *Registry) Get(slug string) (Info, error) {
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return Info{}, err
	}
	return r.decorate(infoFromRecord(rec)), nil
}

// List returns every tenant (deleted ones included), by slug.
func (r *Registry) List() ([]Info, error) {
	recs, err := r.platform.FindRecordsByFilter("tenants", "", "slug", 0, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Info, 0, len(recs))
	for _, rec := range recs {
		out = append(out, r.decorate(infoFromRecord(rec)))
	}
	return out, nil
}

func (r *Registry) decorate(i Info) Info {
	i.URL = r.URL(i.Slug)
	i.Open = r.IsOpen(i.Slug)
	i.DBBytes = fileSize(r.TenantDir(i.Slug) + "/data.db")
	if i.Status != StatusDeleted {
		ent, _ := r.Entitlements(i.Slug)
		i.Seats, i.Modules, i.Licence, i.Trial = ent.Seats, ent.Modules, ent.Licence, ent.Trial
		i.LicenceExpires, i.GraceEnds = dayString(ent.LicenceExpires), dayString(ent.GraceEnds)
	}
	return i
}

// statusCache keeps tenant statuses for a short time so that the
// dispatcher does not query the control plane on every request. Changes
// made by this process invalidate it at once; changes made by the CLI in
// another process are seen within the TTL.
type statusCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]statusEntry
}

type statusEntry struct {
	status string // "" = unknown tenant
	shard  string // where it is placed ("": this process, single node)
	at     time.Time
}

func (c *statusCache) get(slug string, now time.Time) (statusEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[slug]
	if !ok || now.Sub(e.at) > c.ttl {
		return statusEntry{}, false
	}
	return e, true
}

func (c *statusCache) put(slug, status, shard string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]statusEntry{}
	}
	c.m[slug] = statusEntry{status: status, shard: shard, at: now}
}

func (c *statusCache) forget(slug string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, slug)
}

// Status returns a tenant's status ("" when the slug is unknown).
func (r *Registry) Status(slug string) (string, error) {
	status, _, err := r.statusShard(slug)
	return status, err
}

// statusShard returns a tenant's status and the shard it is placed on
// (cached like Status).
func (r *Registry) statusShard(slug string) (status, shard string, err error) {
	now := time.Now()
	if e, ok := r.status.get(slug, now); ok {
		return e.status, e.shard, nil
	}
	var row struct {
		Status string `db:"status"`
		Shard  string `db:"shard"`
	}
	err = r.platform.DB().Select("status", "shard").From("tenants").Where(dbx.HashExp{"slug": slug}).Limit(1).One(&row)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("tenant status: %w", err)
	}
	r.status.put(slug, row.Status, row.Shard, now)
	return row.Status, row.Shard, nil
}

// TenantForHost returns the slug of the active or inactive tenant owning a
// verified custom host, or "".
func (r *Registry) TenantForHost(host string) (string, error) {
	var row struct {
		Slug string `db:"slug"`
	}
	err := r.platform.DB().NewQuery(
		"SELECT t.slug AS slug FROM tenants t, json_each(CASE WHEN json_valid(t.custom_hosts) THEN t.custom_hosts ELSE '[]' END) h WHERE h.value = {:host} LIMIT 1",
	).Bind(dbx.Params{"host": host}).One(&row)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	return row.Slug, nil
}
