package tenants

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/fieldops360/fieldops/domain"
)

var shardIDRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// ShardInfo is a shard as the control plane knows it.
type ShardInfo struct {
	ID          string    `json:"shard"`
	URL         string    `json:"url"`
	TLSAddr     string    `json:"tls_addr,omitempty"` // host:port of its TLS listener (TLS passthrough at the edge)
	State       string    `json:"state"`              // active, draining (takes no new tenant), down
	Dedicated   bool      `json:"dedicated"`
	Healthy     bool      `json:"healthy"` // heard from within 5 heartbeats
	LastSeen    time.Time `json:"last_seen"`
	Tenants     int       `json:"tenants"`      // placed on it (control plane's count)
	OpenTenants int       `json:"open_tenants"` // as reported
	DBBytes     int64     `json:"db_bytes"`     // as reported
	Version     string    `json:"version"`
}

// Heartbeat is what a shard reports to the control plane.
type Heartbeat struct {
	Shard       string `json:"shard"`
	URL         string `json:"url"`
	TLSAddr     string `json:"tls_addr,omitempty"`
	OpenTenants int    `json:"open_tenants"`
	Tenants     int    `json:"tenants"`
	DBBytes     int64  `json:"db_bytes"`
	Version     string `json:"version"`
	// Sync asks for the rows of every tenant placed on the shard (at
	// start, then now and then to heal a missed push).
	Sync bool `json:"sync"`
	// Usage is the shard's metering of its tenants (yesterday and today,
	// sent with Sync): the control plane bills from it.
	Usage map[string][]UsageDay `json:"usage,omitempty"`
}

// HeartbeatReply is the control plane's answer: the session keys every
// node shares (a session survives a move) and, when asked, the rows of
// the shard's tenants.
type HeartbeatReply struct {
	SessionKeys []SessionKeyPair `json:"session_keys"`
	Tenants     []map[string]any `json:"tenants,omitempty"`
}

// RecordHeartbeat records a shard's report (control plane).
func (r *Registry) RecordHeartbeat(hb Heartbeat) (HeartbeatReply, error) {
	var reply HeartbeatReply
	if !shardIDRe.MatchString(hb.Shard) || hb.URL == "" {
		return reply, domain.Errorf(domain.EInvalid, "err.cluster.shard_invalid", hb.Shard)
	}
	rec, err := r.platform.FindFirstRecordByData("shards", "shard", hb.Shard)
	if errors.Is(err, sql.ErrNoRows) {
		col, cerr := r.platform.FindCachedCollectionByNameOrId("shards")
		if cerr != nil {
			return reply, cerr
		}
		rec, err = core.NewRecord(col), nil
		rec.Set("shard", hb.Shard)
		rec.Set("state", "active")
		PlatformAuditLog(r, "cluster", "shard.register", "", map[string]any{"shard": hb.Shard, "url": hb.URL})
	}
	if err != nil {
		return reply, err
	}
	if rec.GetString("state") == "down" {
		rec.Set("state", "active")
	}
	rec.Set("url", hb.URL)
	rec.Set("tls_addr", hb.TLSAddr)
	rec.Set("last_seen", types.NowDateTime())
	rec.Set("open_tenants", hb.OpenTenants)
	rec.Set("tenants_count", hb.Tenants)
	rec.Set("db_bytes", hb.DBBytes)
	rec.Set("version", hb.Version)
	if err := r.platform.Save(rec); err != nil {
		return reply, err
	}
	if reply.SessionKeys, err = r.SessionKeys(); err != nil {
		return reply, err
	}
	if err := r.mergeShardUsage(hb.Shard, hb.Usage); err != nil {
		r.cfg.Logger.Warn("cluster: shard usage not recorded", "shard", hb.Shard, "error", err)
	}
	if hb.Sync {
		recs, err := r.platform.FindRecordsByFilter("tenants", "shard = {:s}", "slug", 0, 0, dbx.Params{"s": hb.Shard})
		if err != nil {
			return reply, err
		}
		for _, t := range recs {
			reply.Tenants = append(reply.Tenants, recordFields(t))
		}
	}
	return reply, nil
}

// Shards lists the registered shards with their placed tenants' count.
func (r *Registry) Shards() ([]ShardInfo, error) {
	recs, err := r.platform.FindRecordsByFilter("shards", "", "shard", 0, 0)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		Shard string `db:"shard"`
		N     int    `db:"n"`
	}
	if err := r.platform.DB().NewQuery("SELECT shard, count(*) AS n FROM tenants WHERE status != 'deleted' GROUP BY shard").All(&counts); err != nil {
		return nil, err
	}
	placed := map[string]int{}
	for _, c := range counts {
		placed[c.Shard] = c.N
	}
	stale := 5 * r.heartbeat()
	now := r.cfg.Clock()
	out := make([]ShardInfo, 0, len(recs))
	for _, rec := range recs {
		s := ShardInfo{
			ID: rec.GetString("shard"), URL: rec.GetString("url"), TLSAddr: rec.GetString("tls_addr"), State: rec.GetString("state"),
			Dedicated: rec.GetBool("dedicated"), LastSeen: rec.GetDateTime("last_seen").Time(),
			OpenTenants: rec.GetInt("open_tenants"), DBBytes: int64(rec.GetInt("db_bytes")),
			Version: rec.GetString("version"),
		}
		s.Tenants = placed[s.ID]
		s.Healthy = s.State != "down" && now.Sub(s.LastSeen) < stale
		out = append(out, s)
	}
	return out, nil
}

func (r *Registry) heartbeat() time.Duration {
	if r.cfg.Cluster.Heartbeat > 0 {
		return r.cfg.Cluster.Heartbeat
	}
	return 2 * time.Second
}

// Shard returns one registered shard.
func (r *Registry) Shard(id string) (ShardInfo, error) {
	all, err := r.Shards()
	if err != nil {
		return ShardInfo{}, err
	}
	for _, s := range all {
		if s.ID == id {
			return s, nil
		}
	}
	return ShardInfo{}, domain.Errorf(domain.ENotFound, "err.cluster.shard_unknown", id)
}

// PlaceNew picks the shard of a new tenant: the one named (it must be
// healthy), else the healthy, active, non-dedicated shard with the fewest
// tenants (then the smallest databases).
func (r *Registry) PlaceNew(named string) (ShardInfo, error) {
	if named != "" {
		s, err := r.Shard(named)
		if err != nil {
			return s, err
		}
		if !s.Healthy {
			return s, domain.Errorf(domain.EConflict, "err.cluster.shard_down", named)
		}
		return s, nil
	}
	all, err := r.Shards()
	if err != nil {
		return ShardInfo{}, err
	}
	var ok []ShardInfo
	for _, s := range all {
		if s.Healthy && s.State == "active" && !s.Dedicated {
			ok = append(ok, s)
		}
	}
	if len(ok) == 0 {
		return ShardInfo{}, domain.Errorf(domain.EConflict, "err.cluster.no_shard")
	}
	sort.SliceStable(ok, func(i, j int) bool {
		if ok[i].Tenants != ok[j].Tenants {
			return ok[i].Tenants < ok[j].Tenants
		}
		return ok[i].DBBytes < ok[j].DBBytes
	})
	return ok[0], nil
}

// SetShardState marks a shard active, draining (no new tenants) or
// dedicated (only tenants placed on it by name).
func (r *Registry) SetShardState(id, state string, dedicated bool, actor string) error {
	rec, err := r.platform.FindFirstRecordByData("shards", "shard", id)
	if err != nil {
		return domain.Errorf(domain.ENotFound, "err.cluster.shard_unknown", id)
	}
	rec.Set("state", state)
	rec.Set("dedicated", dedicated)
	if err := r.platform.Save(rec); err != nil {
		return err
	}
	PlatformAuditLog(r, actor, "shard.state", "", map[string]any{"shard": id, "state": state, "dedicated": dedicated})
	return nil
}

// tenantHosts returns the hosts routed to a tenant: <slug>.<domain> and
// its verified custom hosts.
func (r *Registry) tenantHosts(rec *core.Record) []string {
	hosts := []string{rec.GetString("slug") + "." + r.cfg.Domain}
	var custom []string
	_ = json.Unmarshal([]byte(rec.GetString("custom_hosts")), &custom)
	return append(hosts, custom...)
}

// Routes returns the placement as proxy routes: every host of every
// tenant placed on a shard → that shard's backend.
func (r *Registry) Routes() (map[string]string, error) {
	recs, err := r.platform.FindRecordsByFilter("tenants", "shard != '' && status != 'deleted'", "slug", 0, 0)
	if err != nil {
		return nil, err
	}
	routes := map[string]string{}
	for _, rec := range recs {
		for _, h := range r.tenantHosts(rec) {
			routes[h] = BackendName(rec.GetString("shard"))
		}
	}
	return routes, nil
}

// PublishRoutes sends the whole placement to the proxy (at start).
func (r *Registry) PublishRoutes(ctx context.Context) error {
	if r.cfg.Cluster.Proxy == nil {
		return nil
	}
	routes, err := r.Routes()
	if err != nil {
		return err
	}
	return r.cfg.Cluster.Proxy.Apply(ctx, routes, nil)
}

// bindClusterHooks (control plane) sends a tenant's row to its shard when
// it changes here (status, plan, licence, custom hosts…) and updates the
// proxy when its hosts change. A shard also asks for its rows at start and
// every minute, which heals a push that failed.
func (r *Registry) bindClusterHooks() {
	push := &hook.Handler[*core.RecordEvent]{Id: "fieldopsClusterPush", Func: func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		shard := e.Record.GetString("shard")
		if shard == "" || r.Role() == RoleShard || !r.Clustered() {
			return nil
		}
		s, err := r.Shard(shard)
		if err != nil {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := r.shardClient().PutTenant(ctx, s.URL, recordFields(e.Record)); err != nil {
			r.cfg.Logger.Warn("cluster: tenant row not pushed (the shard's next sync takes it)", "tenant", e.Record.GetString("slug"), "shard", shard, "error", err)
		}
		return nil
	}}
	r.platform.OnRecordAfterUpdateSuccess("tenants").Bind(push)
}

// mergeShardUsage records a shard's metering of the tenants placed on it
// (another shard's report of a tenant it no longer holds is ignored). Each
// counter keeps the larger of the recorded and reported values: a report
// repeated or arriving late never lowers a day. NB: on the day of a move
// the target's counters start from zero, so that day keeps the larger
// shard's share rather than the sum.
func (r *Registry) mergeShardUsage(shard string, usage map[string][]UsageDay) error {
	for slug, days := range usage {
		if _, placed, err := r.statusShard(slug); err != nil || placed != shard {
			continue
		}
		if len(days) == 0 {
			continue
		}
		from, to := days[0].Day, days[0].Day
		for _, d := range days {
			from, to = min(from, d.Day), max(to, d.Day)
		}
		have, err := r.UsageDays(slug, from, to)
		if err != nil {
			return err
		}
		byDay := map[string]UsageDay{}
		for _, d := range have {
			byDay[d.Day] = d
		}
		merged := make([]UsageDay, 0, len(days))
		for _, d := range days {
			o := byDay[d.Day]
			merged = append(merged, UsageDay{Day: d.Day, Requests: max(d.Requests, o.Requests), CPUms: max(d.CPUms, o.CPUms),
				ActiveUsers: max(d.ActiveUsers, o.ActiveUsers), DBBytes: d.DBBytes, FilesBytes: d.FilesBytes, ReplicaBytes: d.ReplicaBytes,
				Photos: max(d.Photos, o.Photos), Reports: max(d.Reports, o.Reports)})
		}
		if err := r.PutUsageDays(slug, merged); err != nil {
			return err
		}
	}
	return nil
}
