package tenants_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// fakeShards is a ShardClient whose steps can fail; it records the calls
// ("Method shardURL").
type fakeShards struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]error
	fp    tenants.Fingerprint
	dstFP *tenants.Fingerprint // the target's copy, when it differs
}

func (f *fakeShards) call(name, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name+" "+url)
	return f.fail[name]
}

func (f *fakeShards) PutTenant(_ context.Context, url string, _ map[string]any) error {
	return f.call("PutTenant", url)
}
func (f *fakeShards) Freeze(_ context.Context, url, _ string) (tenants.Fingerprint, error) {
	return f.fp, f.call("Freeze", url)
}
func (f *fakeShards) Unfreeze(_ context.Context, url, _ string) error { return f.call("Unfreeze", url) }
func (f *fakeShards) State(_ context.Context, url, slug string) (tenants.MoveState, error) {
	return tenants.MoveState{Tenant: map[string]any{"slug": slug}}, f.call("State", url)
}
func (f *fakeShards) Fingerprint(_ context.Context, url, _ string) (tenants.Fingerprint, error) {
	return f.fp, f.call("Fingerprint", url)
}
func (f *fakeShards) Stage(_ context.Context, url, _ string, _ tenants.StageRequest) (tenants.Fingerprint, error) {
	if f.dstFP != nil {
		return *f.dstFP, f.call("Stage", url)
	}
	return f.fp, f.call("Stage", url)
}
func (f *fakeShards) AbortStage(_ context.Context, url, _ string) error {
	return f.call("AbortStage", url)
}
func (f *fakeShards) Activate(_ context.Context, url, _ string) error { return f.call("Activate", url) }
func (f *fakeShards) Deactivate(_ context.Context, url, _ string) error {
	return f.call("Deactivate", url)
}
func (f *fakeShards) Release(_ context.Context, url, _, _ string) error {
	return f.call("Release", url)
}
func (f *fakeShards) Served(_ context.Context, url, _ string) (bool, error) {
	return true, f.call("Served", url)
}

// steps returns the recorded calls but the control plane's row pushes.
func (f *fakeShards) steps() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if !strings.HasPrefix(c, "PutTenant") {
			out = append(out, c)
		}
	}
	return strings.Join(out, ", ")
}

// fakeProxy records the routes it was given; fail refuses the first
// update.
type fakeProxy struct {
	applied []map[string]string
	fail    error
}

func (p *fakeProxy) Apply(_ context.Context, routes map[string]string, _ []string) error {
	if p.fail != nil {
		err := p.fail
		p.fail = nil
		return err
	}
	cp := map[string]string{}
	for k, v := range routes {
		cp[k] = v
	}
	p.applied = append(p.applied, cp)
	return nil
}
func (p *fakeProxy) String() string { return "fake proxy" }

// clusterFixture is a control plane with shards s1 and s2 and tenant acme
// placed on s1.
func clusterFixture(t *testing.T) (*tenants.Registry, *fakeShards, *fakeProxy, *tenants.Mover) {
	t.Helper()
	reg := tenanttest.NewRegistry(t, func(c *tenants.Config) {
		c.Cluster = tenants.ClusterConfig{Role: tenants.RoleControl, Token: "test-token"}
	})
	shards := &fakeShards{fp: tenants.Fingerprint{Rows: map[string]int64{"sites": 3, "audit_events": 12}, AuditSeq: 12, AuditHash: "abc", Bytes: 1 << 20}}
	reg.SetShardClient(shards)
	for _, s := range []string{"s1", "s2"} {
		if _, err := reg.RecordHeartbeat(tenants.Heartbeat{Shard: s, URL: "http://" + s + ".test"}); err != nil {
			t.Fatal(err)
		}
	}
	err := reg.UpsertTenantRow(map[string]any{"slug": "acme", "name": "ACME", "sector": "btp", "status": "active", "plan": "pro", "shard": "s1"})
	if err != nil {
		t.Fatal(err)
	}
	proxy := &fakeProxy{}
	return reg, shards, proxy, &tenants.Mover{Reg: reg, Shards: shards, Proxy: proxy}
}

func shardOf(t *testing.T, reg *tenants.Registry, slug string) string {
	t.Helper()
	info, err := reg.Get(slug)
	if err != nil {
		t.Fatal(err)
	}
	return info.Shard
}

func TestMoveSucceeds(t *testing.T) {
	reg, shards, proxy, m := clusterFixture(t)
	res, err := m.Move(context.Background(), "acme", "s2", "test")
	if err != nil {
		t.Fatal(err)
	}
	if res.From != "s1" || res.To != "s2" || res.Bytes != 1<<20 {
		t.Fatalf("result %+v", res)
	}
	if got := shardOf(t, reg, "acme"); got != "s2" {
		t.Fatalf("placement after move: %q", got)
	}
	want := "Freeze http://s1.test, State http://s1.test, Stage http://s2.test, Fingerprint http://s1.test, Activate http://s2.test, Served http://s2.test, Release http://s1.test"
	if got := shards.steps(); got != want {
		t.Fatalf("steps:\n got %s\nwant %s", got, want)
	}
	if len(proxy.applied) != 1 || proxy.applied[0]["acme.localhost"] != "shard_s2" {
		t.Fatalf("proxy routes: %v", proxy.applied)
	}
	// a second move of the same tenant to where it is: refused
	if _, err := m.Move(context.Background(), "acme", "s2", "test"); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("move to its own shard: %v", err)
	}
}

// failedMove checks a failed move: the step named, the rollback done, the
// tenant still placed on s1 and the proxy never pointing elsewhere.
func failedMove(t *testing.T, err error, step string, reg *tenants.Registry, proxy *fakeProxy) {
	t.Helper()
	var me *tenants.MoveError
	if !errors.As(err, &me) {
		t.Fatalf("want a MoveError, got %v", err)
	}
	if me.Step != step || !me.RolledBack {
		t.Fatalf("failed at %q (want %q), rolled back %v: %v", me.Step, step, me.RolledBack, me)
	}
	if got := shardOf(t, reg, "acme"); got != "s1" {
		t.Fatalf("placement after a failed move: %q, want s1", got)
	}
	for _, routes := range proxy.applied {
		if routes["acme.localhost"] != "" && routes["acme.localhost"] != "shard_s1" {
			t.Fatalf("proxy left pointing to %q", routes["acme.localhost"])
		}
	}
}

func TestMoveTargetDownMidRestore(t *testing.T) {
	reg, shards, proxy, m := clusterFixture(t)
	shards.fail = map[string]error{"Stage": errors.New("dial tcp s2.test: connection refused")}
	_, err := m.Move(context.Background(), "acme", "s2", "test")
	failedMove(t, err, tenants.StepStage, reg, proxy)
	want := "Freeze http://s1.test, State http://s1.test, Stage http://s2.test, AbortStage http://s2.test, Unfreeze http://s1.test"
	if got := shards.steps(); got != want {
		t.Fatalf("steps:\n got %s\nwant %s", got, want)
	}
	// the target still down for the rollback: reported, the source is unfrozen anyway
	reg2, shards2, proxy2, m2 := clusterFixture(t)
	down := errors.New("connection refused")
	shards2.fail = map[string]error{"Stage": down, "AbortStage": down}
	_, err = m2.Move(context.Background(), "acme", "s2", "test")
	var me *tenants.MoveError
	if !errors.As(err, &me) || me.RolledBack || len(me.Rollback) != 1 || !strings.Contains(me.Rollback[0], "abort target stage") {
		t.Fatalf("rollback report: %v", err)
	}
	if !strings.HasSuffix(shards2.steps(), "Unfreeze http://s1.test") || shardOf(t, reg2, "acme") != "s1" || len(proxy2.applied) != 0 {
		t.Fatalf("source not unfrozen or placement moved: %s", shards2.steps())
	}
}

func TestMoveVerificationMismatch(t *testing.T) {
	reg, shards, proxy, m := clusterFixture(t)
	short := tenants.Fingerprint{Rows: map[string]int64{"sites": 2, "audit_events": 12}, AuditSeq: 12, AuditHash: "abc"}
	shards.dstFP = &short
	_, err := m.Move(context.Background(), "acme", "s2", "test")
	failedMove(t, err, tenants.StepVerify, reg, proxy)
	if !strings.Contains(err.Error(), "sites: 3 rows ≠ 2") {
		t.Fatalf("mismatch not described: %v", err)
	}
	if got := shards.steps(); !strings.HasSuffix(got, "AbortStage http://s2.test, Unfreeze http://s1.test") || strings.Contains(got, "Activate") {
		t.Fatalf("steps: %s", got)
	}
	// another audit head on the target: refused too
	reg2, shards2, proxy2, m2 := clusterFixture(t)
	other := shards2.fp
	other.AuditHash = "forged"
	shards2.dstFP = &other
	_, err = m2.Move(context.Background(), "acme", "s2", "test")
	failedMove(t, err, tenants.StepVerify, reg2, proxy2)
}

func TestMoveProxyUpdateRefused(t *testing.T) {
	reg, shards, proxy, m := clusterFixture(t)
	proxy.fail = errors.New("haproxy refused the route update: Unknown map identifier")
	_, err := m.Move(context.Background(), "acme", "s2", "test")
	failedMove(t, err, tenants.StepRoute, reg, proxy)
	want := "Freeze http://s1.test, State http://s1.test, Stage http://s2.test, Fingerprint http://s1.test, Activate http://s2.test, Deactivate http://s2.test, AbortStage http://s2.test, Unfreeze http://s1.test"
	if got := shards.steps(); got != want {
		t.Fatalf("steps:\n got %s\nwant %s", got, want)
	}
	// the rollback re-published the source's route
	if len(proxy.applied) != 1 || proxy.applied[0]["acme.localhost"] != "shard_s1" {
		t.Fatalf("proxy after rollback: %v", proxy.applied)
	}
}

func TestMoveFreezeOrActivateFails(t *testing.T) {
	reg, shards, proxy, m := clusterFixture(t)
	shards.fail = map[string]error{"Freeze": errors.New("freeze acme: writes still running: context deadline exceeded")}
	_, err := m.Move(context.Background(), "acme", "s2", "test")
	failedMove(t, err, tenants.StepFreeze, reg, proxy)
	if got := shards.steps(); got != "Freeze http://s1.test" {
		t.Fatalf("steps after a failed freeze: %s", got)
	}
	reg2, shards2, proxy2, m2 := clusterFixture(t)
	shards2.fail = map[string]error{"Activate": errors.New("rename: no space left on device")}
	_, err = m2.Move(context.Background(), "acme", "s2", "test")
	failedMove(t, err, tenants.StepActivate, reg2, proxy2)
	if got := shards2.steps(); !strings.HasSuffix(got, "Activate http://s2.test, AbortStage http://s2.test, Unfreeze http://s1.test") {
		t.Fatalf("steps: %s", got)
	}
}

func TestMoveRefusals(t *testing.T) {
	reg, _, _, m := clusterFixture(t)
	ctx := context.Background()
	if _, err := m.Move(ctx, "acme", "s9", "test"); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("unknown shard: %v", err)
	}
	if _, err := m.Move(ctx, "nobody", "s2", "test"); domain.ErrorCode(err) != domain.ENotFound {
		t.Fatalf("unknown tenant: %v", err)
	}
	if err := reg.SetShardState("s2", "down", false, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Move(ctx, "acme", "s2", "test"); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("shard down: %v", err)
	}
	if got := shardOf(t, reg, "acme"); got != "s1" {
		t.Fatalf("placement: %q", got)
	}
}

func TestPlacementLeastLoaded(t *testing.T) {
	reg, _, _, _ := clusterFixture(t)
	// acme is on s1: a new tenant goes to s2, a named one where asked
	s, err := reg.PlaceNew("")
	if err != nil || s.ID != "s2" {
		t.Fatalf("least loaded: %v %v", s.ID, err)
	}
	if s, err := reg.PlaceNew("s1"); err != nil || s.ID != "s1" {
		t.Fatalf("named: %v %v", s.ID, err)
	}
	if err := reg.SetShardState("s2", "draining", false, "test"); err != nil {
		t.Fatal(err)
	}
	if s, err := reg.PlaceNew(""); err != nil || s.ID != "s1" {
		t.Fatalf("draining shard skipped: %v %v", s.ID, err)
	}
	if err := reg.SetShardState("s1", "active", true, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PlaceNew(""); domain.ErrorCode(err) != domain.EConflict {
		t.Fatalf("no shard for a new tenant (one draining, one dedicated): %v", err)
	}
	routes, err := reg.Routes()
	if err != nil || routes["acme.localhost"] != "shard_s1" {
		t.Fatalf("routes: %v %v", routes, err)
	}
}

func TestShardUsageReachesTheControlPlane(t *testing.T) {
	reg, _, _, _ := clusterFixture(t)
	day := func(requests int) []tenants.UsageDay {
		return []tenants.UsageDay{{Day: "2026-12-05", Requests: requests, CPUms: 40, DBBytes: 1000}}
	}
	// acme is on s1: s1's report is recorded, a stale report of s2 is not
	if _, err := reg.RecordHeartbeat(tenants.Heartbeat{Shard: "s1", URL: "http://s1.test", Usage: map[string][]tenants.UsageDay{"acme": day(120)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.RecordHeartbeat(tenants.Heartbeat{Shard: "s2", URL: "http://s2.test", Usage: map[string][]tenants.UsageDay{"acme": day(999)}}); err != nil {
		t.Fatal(err)
	}
	// a late, smaller report never lowers a counter
	if _, err := reg.RecordHeartbeat(tenants.Heartbeat{Shard: "s1", URL: "http://s1.test", Usage: map[string][]tenants.UsageDay{"acme": day(80)}}); err != nil {
		t.Fatal(err)
	}
	days, err := reg.UsageDays("acme", "2026-12-05", "2026-12-05")
	if err != nil || len(days) != 1 || days[0].Requests != 120 || days[0].DBBytes != 1000 {
		t.Fatalf("usage on the control plane: %+v %v", days, err)
	}
}

// TestClusterAPIRequiresToken: the internal cluster API answers only to
// the cluster token, and not at all on a single node.
func TestClusterAPIRequiresToken(t *testing.T) {
	reg, _, _, _ := clusterFixture(t)
	call := func(reg *tenants.Registry, token string) int {
		req := httptest.NewRequest(http.MethodGet, "http://admin.localhost/internal/cluster/keys", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		reg.ServeHTTP(w, req)
		return w.Code
	}
	if code := call(reg, ""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code := call(reg, "test-tokeN"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	if code := call(reg, "test-token"); code != http.StatusOK {
		t.Fatalf("cluster token: %d", code)
	}
	single := tenanttest.NewRegistry(t)
	if code := call(single, "test-token"); code == http.StatusOK {
		t.Fatal("a single node answers the cluster API")
	}
	// a tenant host on the control plane: 421, never data
	req := httptest.NewRequest(http.MethodGet, "http://acme.localhost/login", nil)
	w := httptest.NewRecorder()
	reg.ServeHTTP(w, req)
	if w.Code != http.StatusMisdirectedRequest || w.Header().Get("FieldOps-Shard") != "s1" {
		t.Fatalf("tenant host on the control plane: %d %q", w.Code, w.Header().Get("FieldOps-Shard"))
	}
}
