package tenants

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// clusterSettingsName is the platform secret where a control plane keeps
// its cluster settings, so that the CLI on its data directory (tenant
// create, tenant move) reaches the shards and the proxy as it does.
const clusterSettingsName = "cluster_settings"

// ClusterSettings are a control plane's cluster settings.
type ClusterSettings struct {
	Token    string `json:"token"`
	Proxy    string `json:"proxy,omitempty"`     // --proxy
	ProxyMap string `json:"proxy_map,omitempty"` // --proxy-map
}

// SaveClusterSettings records the control plane's cluster settings.
func (r *Registry) SaveClusterSettings(s ClusterSettings) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return r.putSecret(clusterSettingsName, base64.StdEncoding.EncodeToString(raw))
}

// LoadClusterSettings returns the settings a control plane recorded (zero
// when none).
func (r *Registry) LoadClusterSettings() (ClusterSettings, error) {
	var s ClusterSettings
	rec, err := r.platform.FindFirstRecordByData("platform_secrets", "name", clusterSettingsName)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	raw, err := base64.StdEncoding.DecodeString(rec.GetString("value"))
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(raw, &s)
}

func (r *Registry) putSecret(name, value string) error {
	return r.platform.RunInTransaction(func(tx core.App) error {
		rec, err := tx.FindFirstRecordByData("platform_secrets", "name", name)
		if err != nil {
			col, cerr := tx.FindCachedCollectionByNameOrId("platform_secrets")
			if cerr != nil {
				return cerr
			}
			rec = core.NewRecord(col)
			rec.Set("name", name)
		}
		rec.Set("value", value)
		return tx.Save(rec)
	})
}

// ClusterToken returns the internal API token: the configured one, else
// the one the control plane recorded (the CLI).
func (r *Registry) ClusterToken() string {
	if r.cfg.Cluster.Token != "" {
		return r.cfg.Cluster.Token
	}
	s, _ := r.LoadClusterSettings()
	return s.Token
}

// SetShardClient replaces the client the control plane drives shards with
// (tests inject failures).
func (r *Registry) SetShardClient(c ShardClient) { r.shardAPI = c }

// createOnShard provisions a tenant on a shard (control plane): the
// shard builds it and returns its row and anchors, which the control
// plane records with the placement.
func (r *Registry) createOnShard(in CreateInput) (*CreateResult, error) {
	if err := validateCreate(&in); err != nil {
		return nil, err
	}
	if _, err := r.findTenantRecord(in.Slug); err == nil {
		return nil, conflict(in.Slug)
	}
	s, err := r.PlaceNew(in.Shard)
	if err != nil {
		return nil, err
	}
	if in.Progress != nil {
		in.Progress("shard " + s.ID)
	}
	var out struct {
		Result CreateResult `json:"result"`
		State  MoveState    `json:"state"`
	}
	body := in
	body.Progress, body.Shard = nil, ""
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	hs := HTTPShards{Token: r.ClusterToken(), Client: r.cfg.Cluster.Client}
	if err := hs.call(ctx, "POST", strings.TrimSuffix(s.URL, "/")+clusterPrefix+"tenants", body, &out); err != nil {
		return nil, err
	}
	err = r.platform.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("tenants")
		if err != nil {
			return err
		}
		rec := core.NewRecord(col)
		for k, v := range out.State.Tenant {
			if col.Fields.GetByName(k) != nil {
				rec.Set(k, v)
			}
		}
		rec.Set("shard", s.ID)
		if err := tx.Save(rec); err != nil {
			return err
		}
		if err := replaceAnchors(tx, in.Slug, out.State.Anchors); err != nil {
			return err
		}
		return PlatformAudit(tx, in.Actor, "tenant.create", in.Slug, map[string]any{
			"name": in.Name, "sector": in.Sector, "plan": in.Plan, "admin_email": in.AdminEmail, "shard": s.ID,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("register tenant created on shard %s: %w", s.ID, err)
	}
	r.status.forget(in.Slug)
	if p := r.proxy(); p != nil {
		err := r.publishTenant(ctx, p, in.Slug)
		if err != nil {
			r.cfg.Logger.Error("cluster: proxy not updated for a new tenant", "tenant", in.Slug, "error", err)
		}
	}
	res := out.Result
	res.URL = r.URL(in.Slug)
	return &res, nil
}

// DeactivateMoved undoes ActivateMoved on a move's target (the route did
// not flip): the copy is set aside and the tenant's row and anchors
// removed from this shard.
func (r *Registry) DeactivateMoved(ctx context.Context, slug string) error {
	if err := r.setShard(slug, ""); err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return err
	}
	for i := 0; r.IsOpen(slug) && !r.CloseTenant(slug, i > 50); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(r.TenantDir(slug)); err == nil {
		if err := os.Rename(r.TenantDir(slug), r.asideDir(slug)); err != nil {
			return err
		}
	}
	r.AbortStage(ctx, slug)
	return nil
}

// StartCluster starts this process's part in a scale-out installation: a
// shard removes stale move stagings, then reports to the control plane
// every heartbeat (taking the shared session keys and, at start and every
// minute, the rows of its tenants); a control plane records its settings
// and publishes the whole placement to the proxy. It returns when ctx
// ends (shards) or at once.
func (r *Registry) StartCluster(ctx context.Context, version string) error {
	switch r.Role() {
	case RoleControl:
		err := r.SaveClusterSettings(ClusterSettings{Token: r.cfg.Cluster.Token, Proxy: r.cfg.Cluster.ProxySpec, ProxyMap: r.cfg.Cluster.ProxyMap})
		if err != nil {
			return err
		}
		if err := r.PublishRoutes(ctx); err != nil {
			r.cfg.Logger.Error("cluster: placement not published to the proxy at start", "proxy", r.cfg.Cluster.Proxy, "error", err)
		}
		return nil
	case RoleShard:
		stagings, _ := filepath.Glob(filepath.Join(r.cfg.Dir, "tenants", ".move-*"))
		for _, s := range stagings {
			_ = os.RemoveAll(s)
		}
		r.stopped.Add(1)
		go r.shardLoop(ctx, version)
	}
	return nil
}

func (r *Registry) shardLoop(ctx context.Context, version string) {
	defer r.stopped.Done()
	c := r.cfg.Cluster
	hs := HTTPShards{Token: c.Token, Client: c.Client}
	t := time.NewTicker(c.Heartbeat)
	defer t.Stop()
	synced := time.Time{}
	for {
		hb := Heartbeat{Shard: c.ShardID, URL: c.Advertise, TLSAddr: c.AdvertiseTLS, OpenTenants: len(r.OpenSlugs()), Version: version,
			Sync: time.Since(synced) > time.Minute}
		hb.Tenants, hb.DBBytes = r.localLoad()
		if hb.Sync {
			hb.Usage = r.localUsage()
		}
		var reply HeartbeatReply
		err := hs.call(ctx, "POST", strings.TrimSuffix(c.ControlURL, "/")+clusterPrefix+"heartbeat", hb, &reply)
		if err == nil {
			err = r.applyHeartbeat(reply)
			if err == nil && hb.Sync {
				synced = time.Now()
			}
		}
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.Warn("cluster: heartbeat", "control_plane", c.ControlURL, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-r.stop:
			return
		case <-t.C:
		}
	}
}

// localLoad counts the tenants this shard serves and their databases'
// bytes.
func (r *Registry) localLoad() (n int, bytes int64) {
	recs, err := r.platform.FindRecordsByFilter("tenants", "shard = {:s} && status != 'deleted'", "", 0, 0, map[string]any{"s": r.cfg.Cluster.ShardID})
	if err != nil {
		return 0, 0
	}
	for _, rec := range recs {
		bytes += fileSize(filepath.Join(r.TenantDir(rec.GetString("slug")), "data.db"))
	}
	return len(recs), bytes
}

// applyHeartbeat takes the control plane's session keys and tenant rows.
func (r *Registry) applyHeartbeat(reply HeartbeatReply) error {
	if len(reply.SessionKeys) > 0 {
		raw, err := json.Marshal(reply.SessionKeys)
		if err != nil {
			return err
		}
		enc := base64.StdEncoding.EncodeToString(raw)
		if cur, err := r.platform.FindFirstRecordByData("platform_secrets", "name", sessionKeysName); err != nil || cur.GetString("value") != enc {
			if err := r.putSecret(sessionKeysName, enc); err != nil {
				return err
			}
		}
	}
	for _, row := range reply.Tenants {
		slug, _ := row["slug"].(string)
		if r.gate.isFrozen(slug) {
			continue // a move decides
		}
		if _, err := os.Stat(r.stagingDir(slug)); err == nil {
			continue
		}
		if err := r.UpsertTenantRow(row); err != nil {
			return err
		}
	}
	return nil
}

// proxy returns the edge proxy the placement is published to: the
// configured one, else the one the control plane recorded (the CLI on its
// data directory); nil when there is none.
func (r *Registry) proxy() RouteProxy {
	if r.cfg.Cluster.Proxy != nil {
		return r.cfg.Cluster.Proxy
	}
	s, err := r.LoadClusterSettings()
	if err != nil || s.Proxy == "" {
		return nil
	}
	p, err := ParseProxy(s.Proxy, s.ProxyMap)
	if err != nil {
		r.cfg.Logger.Error("cluster: recorded proxy", "error", err)
		return nil
	}
	return p
}

// publishTenant sends the routes of one tenant's hosts to the proxy.
func (r *Registry) publishTenant(ctx context.Context, p RouteProxy, slug string) error {
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return err
	}
	routes, err := r.Routes()
	if err != nil {
		return err
	}
	return p.Apply(ctx, routes, r.tenantHosts(rec))
}

// localUsage returns yesterday's and today's metering of the tenants this
// shard serves.
func (r *Registry) localUsage() map[string][]UsageDay {
	now := r.cfg.Clock().UTC()
	from, to := now.AddDate(0, 0, -1).Format(time.DateOnly), now.Format(time.DateOnly)
	recs, err := r.platform.FindRecordsByFilter("tenants", "shard = {:s} && status != 'deleted'", "", 0, 0, map[string]any{"s": r.cfg.Cluster.ShardID})
	if err != nil {
		return nil
	}
	out := map[string][]UsageDay{}
	for _, rec := range recs {
		if days, err := r.UsageDays(rec.GetString("slug"), from, to); err == nil && len(days) > 0 {
			out[rec.GetString("slug")] = days
		}
	}
	return out
}
