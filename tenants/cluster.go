package tenants

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Process roles of a scale-out installation (issue #21). A single-node
// install runs RoleAll: the control plane and every tenant in one process,
// as before. A scale-out installation runs one RoleControl process, which
// owns the control plane (tenants, plans, portal users, the placement
// table) and serves the platform host, and several RoleShard processes,
// each serving the tenants placed on it. A real reverse proxy (HAProxy)
// routes each tenant host to its shard from the placement the control
// plane publishes.
const (
	RoleAll     = "all"
	RoleControl = "control"
	RoleShard   = "shard"
)

// ClusterConfig configures the process's part in a scale-out
// installation. The zero value is a single-node install (RoleAll).
type ClusterConfig struct {
	// Role is RoleAll (default), RoleControl or RoleShard.
	Role string
	// ShardID names this shard (RoleShard): letters, digits and dashes.
	ShardID string
	// ControlURL is the control plane's internal URL (RoleShard).
	ControlURL string
	// Advertise is how the control plane and the proxy reach this shard
	// (RoleShard), e.g. http://fieldops-shard-0.fieldops-shards:8090.
	Advertise string
	// AdvertiseTLS is the host:port of this shard's TLS listener when it
	// terminates TLS itself (--tls auto: certificates per tenant host);
	// the edge proxy then passes TLS through by SNI.
	AdvertiseTLS string
	// Token authenticates the internal cluster API (Bearer); shared by the
	// control plane and every shard. The control plane keeps it in its
	// secrets so that the CLI finds it.
	Token string
	// Replica is the replication of this process's tenants: a move's final
	// sync on the source and its restore on the target go through it.
	Replica ShardReplica
	// Proxy receives the placement (RoleControl, and the CLI on the
	// control plane's data directory); ProxySpec and ProxyMap are the
	// flags it was built from (recorded for the CLI).
	Proxy     RouteProxy
	ProxySpec string
	ProxyMap  string
	// SessionKeys, on a shard, are the control plane's session keys
	// (FetchSessionKeys), stored before the HTTP layer reads them: a
	// session cookie is valid on every node.
	SessionKeys []SessionKeyPair
	// Heartbeat is how often a shard reports to the control plane
	// (default 2 s); a shard silent for 5 heartbeats is down.
	Heartbeat time.Duration
	// Client calls the other nodes (default: 30 s timeout).
	Client *http.Client
}

// ShardReplica is the replication of a shard's tenants, as a move needs it
// (implemented by the replication package, which imports this one).
type ShardReplica interface {
	// FinalSync returns once everything written to slug's database is in
	// its replica, then stops replicating it from this process.
	FinalSync(ctx context.Context, slug string) error
	// Resume replicates slug from this process again (a move aborted).
	Resume(ctx context.Context, slug string) error
	// Restore writes the latest replica of slug to dir/data.db (dir must
	// not exist), integrity-checked and marked so that this process's
	// replication takes the replica over.
	Restore(ctx context.Context, slug, dir string) error
}

// ErrWrongShard is answered (421) by a node asked for a tenant it does not
// serve.
var ErrWrongShard = errors.New("tenant not served by this node")

// Role returns the process's role.
func (r *Registry) Role() string {
	if r.cfg.Cluster.Role == "" {
		return RoleAll
	}
	return r.cfg.Cluster.Role
}

// ShardID returns this shard's id ("" outside RoleShard).
func (r *Registry) ShardID() string { return r.cfg.Cluster.ShardID }

// Clustered reports whether tenants live on shards: a control-plane
// process, or any process (the CLI) on a control plane with registered
// shards.
func (r *Registry) Clustered() bool {
	switch r.Role() {
	case RoleControl:
		return true
	case RoleShard:
		return false
	}
	n, err := r.platform.CountRecords("shards")
	return err == nil && n > 0
}

// checkClusterConfig validates the cluster part of cfg.
func checkClusterConfig(c *ClusterConfig) error {
	switch c.Role {
	case "", RoleAll:
		c.Role = RoleAll
	case RoleControl:
	case RoleShard:
		if !shardIDRe.MatchString(c.ShardID) {
			return fmt.Errorf("--shard-id %q: 1–63 lowercase letters, digits and dashes", c.ShardID)
		}
		if c.ControlURL == "" || c.Advertise == "" {
			return errors.New("a shard needs --control-plane and --advertise")
		}
		if c.Token == "" {
			return errors.New("a shard needs FIELDOPS_CLUSTER_TOKEN")
		}
	default:
		return fmt.Errorf("--role must be all, control or shard, not %q", c.Role)
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 2 * time.Second
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 30 * time.Second}
	}
	return nil
}

// writeGate freezes the writes of one tenant during a move: new writes are
// refused (503, Retry-After: the client keeps its data and retries) and the
// freeze returns once the writes already running are done.
type writeGate struct {
	mu       sync.Mutex
	cond     *sync.Cond
	frozen   map[string]bool
	inflight map[string]int
}

func (g *writeGate) init() {
	g.cond = sync.NewCond(&g.mu)
	g.frozen = map[string]bool{}
	g.inflight = map[string]int{}
}

// enter counts a write of slug, false when slug is frozen.
func (g *writeGate) enter(slug string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.frozen[slug] {
		return false
	}
	g.inflight[slug]++
	return true
}

func (g *writeGate) leave(slug string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.inflight[slug]--; g.inflight[slug] <= 0 {
		delete(g.inflight, slug)
		g.cond.Broadcast()
	}
}

// isFrozen reports whether slug's writes are frozen.
func (g *writeGate) isFrozen(slug string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.frozen[slug]
}

// freeze refuses new writes of slug and waits for the running ones (until
// ctx ends: the freeze is then lifted again).
func (g *writeGate) freeze(ctx context.Context, slug string) error {
	g.mu.Lock()
	g.frozen[slug] = true
	stop := context.AfterFunc(ctx, func() {
		g.mu.Lock()
		g.cond.Broadcast()
		g.mu.Unlock()
	})
	defer stop()
	for g.inflight[slug] > 0 && ctx.Err() == nil {
		g.cond.Wait()
	}
	err := ctx.Err()
	if err != nil {
		delete(g.frozen, slug)
	}
	g.mu.Unlock()
	return err
}

func (g *writeGate) unfreeze(slug string) {
	g.mu.Lock()
	delete(g.frozen, slug)
	g.mu.Unlock()
}

// servedHere reports whether this process serves slug's data: always in
// RoleAll, never in RoleControl, and in RoleShard when the tenant is
// placed on this shard.
func (r *Registry) servedHere(slug string) (bool, error) {
	switch r.Role() {
	case RoleControl:
		return false, nil
	case RoleShard:
		_, shard, err := r.statusShard(slug)
		return err == nil && shard == r.cfg.Cluster.ShardID, err
	}
	return true, nil
}

// misdirected answers 421 for a tenant another node serves: never data.
// The shard holding it is named (FieldOps-Shard) when this node knows it.
func (r *Registry) misdirected(w http.ResponseWriter, req *http.Request, slug string) {
	if _, shard, err := r.statusShard(slug); err == nil && shard != "" {
		w.Header().Set("FieldOps-Shard", shard)
	}
	w.Header().Set("Cache-Control", "no-store")
	r.routes.ErrorPage(w, req, http.StatusMisdirectedRequest, CauseNone)
}
