package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenants"
	"github.com/fieldops360/fieldops/tenanttest"
)

// fakeShards is the ShardClient of a control plane whose shards answer
// from memory (the real move runs end to end in scripts/chaos): fail
// makes a call fail; hold blocks Stage until closed.
type fakeShards struct {
	mu   sync.Mutex
	fail map[string]error
	hold chan struct{}
}

func (f *fakeShards) err(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fail[name]
}

var fakeFP = tenants.Fingerprint{Rows: map[string]int64{"sites": 3}, AuditSeq: 7, AuditHash: "abc", Bytes: 1 << 20}

func (f *fakeShards) PutTenant(context.Context, string, map[string]any) error { return nil }
func (f *fakeShards) Freeze(context.Context, string, string) (tenants.Fingerprint, error) {
	return fakeFP, f.err("Freeze")
}
func (f *fakeShards) Unfreeze(context.Context, string, string) error { return nil }
func (f *fakeShards) State(_ context.Context, _, slug string) (tenants.MoveState, error) {
	return tenants.MoveState{Tenant: map[string]any{"slug": slug}}, nil
}
func (f *fakeShards) Fingerprint(context.Context, string, string) (tenants.Fingerprint, error) {
	return fakeFP, nil
}
func (f *fakeShards) Stage(context.Context, string, string, tenants.StageRequest) (tenants.Fingerprint, error) {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	return fakeFP, f.err("Stage")
}
func (f *fakeShards) AbortStage(context.Context, string, string) error      { return nil }
func (f *fakeShards) Activate(context.Context, string, string) error        { return nil }
func (f *fakeShards) Deactivate(context.Context, string, string) error      { return nil }
func (f *fakeShards) Release(context.Context, string, string, string) error { return nil }
func (f *fakeShards) Served(context.Context, string, string) (bool, error)  { return true, nil }
func (f *fakeShards) String() string                                        { return "fake shards" }
func (f *fakeShards) set(name string, err error)                            { f.mu.Lock(); f.fail[name] = err; f.mu.Unlock() }
func (f *fakeShards) clear()                                                { f.mu.Lock(); f.fail = map[string]error{}; f.mu.Unlock() }
func controlPlane(c *tenants.Config) {
	c.Cluster = tenants.ClusterConfig{Role: tenants.RoleControl, Token: "x"}
}
func placeTenant(t *testing.T, reg *tenants.Registry, slug, shard string) {
	t.Helper()
	if err := reg.UpsertTenantRow(map[string]any{"slug": slug, "name": strings.ToUpper(slug), "sector": "btp", "status": "active", "plan": "pro", "shard": shard}); err != nil {
		t.Fatal(err)
	}
}

// shardsFixture is a control plane with shards s1 (acme, beta), s2
// (gamma) and s3 (none; down: never heard from again), its fake shards
// and a superuser's cookie.
func shardsFixture(t *testing.T) (*tenants.Registry, *fakeShards, *http.Cookie) {
	t.Helper()
	reg := handlertest.NewRegistry(t, controlPlane)
	f := &fakeShards{fail: map[string]error{}}
	reg.SetShardClient(f)
	for _, s := range []string{"s1", "s2", "s3"} {
		if _, err := reg.RecordHeartbeat(tenants.Heartbeat{Shard: s, URL: "http://" + s + ".test", OpenTenants: len(s), DBBytes: 3 << 20, Version: "v9"}); err != nil {
			t.Fatal(err)
		}
	}
	placeTenant(t, reg, "acme", "s1")
	placeTenant(t, reg, "beta", "s1")
	placeTenant(t, reg, "gamma", "s2")
	return reg, f, portalLogin(t, reg)
}

// waitMove waits for slug's latest move to end and returns it.
func waitMove(t *testing.T, reg *tenants.Registry, slug string) tenants.MoveRecord {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		moves, err := reg.Moves(slug, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(moves) == 1 && moves[0].State != "running" {
			return moves[0]
		}
	}
	t.Fatalf("the move of %s did not end", slug)
	return tenants.MoveRecord{}
}

// TestPortalShardsPage: every shard with its state, health, load and
// tenants; drain and reactivation audited; non-superusers refused (the
// single-node page: TestPortalGuardAndIsolation).
func TestPortalShardsPage(t *testing.T) {
	t.Parallel()
	start := time.Now()
	reg, _, pc := shardsFixture(t)
	if err := reg.SetShardState("s3", "down", true, "test"); err != nil {
		t.Fatal(err)
	}
	rec := tenanttest.Get(t, reg, platformHost, "/portal/shards", pc)
	d := doc(t, rec.Body.String())
	if rec.Code != 200 || testid(d, "shards-table").Length() != 1 || testid(d, "nav-shards").Length() != 1 {
		t.Fatalf("shards page = %d", rec.Code)
	}
	for id, want := range map[string][]string{"s1": {"2", "2", "3,0 Mio", "actif", "joignable"}, "s2": {"1", "2", "3,0 Mio", "actif"}, "s3": {"0", "2", "hors service", "dédié", "injoignable"}} {
		row := testid(d, "shard-"+id).Text()
		if got := testid(d, "shard-tenants-"+id).Text(); got != want[0] {
			t.Errorf("%s tenants = %q, want %s", id, got, want[0])
		}
		if got := testid(d, "shard-open-"+id).Text(); got != want[1] {
			t.Errorf("%s open tenants = %q, want %s", id, got, want[1])
		}
		for _, w := range want[2:] {
			if !strings.Contains(row, w) {
				t.Errorf("%s row %q lacks %q", id, row, w)
			}
		}
	}
	for _, l := range []string{"shard-s1-tenant-acme", "shard-s1-tenant-beta", "shard-s2-tenant-gamma", "shard-no-tenants-s3"} {
		if testid(d, l).Length() != 1 {
			t.Errorf("%s missing", l)
		}
	}
	if href, _ := testid(d, "shard-s2-tenant-gamma").Attr("href"); href != "/portal/tenants/gamma" {
		t.Errorf("tenant link = %q", href)
	}
	if testid(d, "drain-s1").Length() != 1 || testid(d, "activate-s3").Length() != 1 || testid(d, "moves-none").Length() != 1 {
		t.Error("drain/activate buttons or the empty moves list missing")
	}

	// drain then reactivate, audited, dedicated kept
	if rec := tenanttest.PostForm(t, reg, platformHost, "/portal/shards/s1/drain", nil, pc); rec.Code != http.StatusSeeOther {
		t.Fatalf("drain = %d", rec.Code)
	}
	if s, _ := reg.Shard("s1"); s.State != "draining" {
		t.Errorf("s1 after drain: %s", s.State)
	}
	if d := doc(t, tenanttest.Get(t, reg, platformHost, "/portal/shards", pc).Body.String()); testid(d, "activate-s1").Length() != 1 || !strings.Contains(testid(d, "shard-state-s1").Text(), "en vidage") {
		t.Errorf("drained s1 shown as %q", testid(d, "shard-state-s1").Text())
	}
	tenanttest.PostForm(t, reg, platformHost, "/portal/shards/s1/activate", nil, pc)
	tenanttest.PostForm(t, reg, platformHost, "/portal/shards/s3/activate", nil, pc)
	if s, _ := reg.Shard("s3"); s.State != "active" || !s.Dedicated {
		t.Errorf("s3 after activate: %+v", s)
	}
	audit := tenanttest.Get(t, reg, platformHost, "/portal/audit", pc).Body.String()
	// the fixture's own change, then the portal's three by the superuser
	if n := strings.Count(audit, "shard.state"); n != 4 || !strings.Contains(audit, "root@fieldops.test") {
		t.Errorf("audited shard.state %d times, want 4", n)
	}
	if rec := tenanttest.PostForm(t, reg, platformHost, "/portal/shards/nope/drain", nil, pc); rec.Code != http.StatusNotFound {
		t.Errorf("drain of an unknown shard = %d", rec.Code)
	}

	// English
	en := &http.Cookie{Name: "fieldops_lang", Value: "en"}
	if body := tenanttest.Get(t, reg, platformHost, "/portal/shards", pc, en).Body.String(); !strings.Contains(body, "reachable") || !strings.Contains(body, "Tenants placed") {
		t.Error("the English page is not in English")
	}

	// not a superuser: nothing shown, nothing changed
	for _, p := range []struct{ method, path string }{{"GET", "/portal/shards"}, {"POST", "/portal/shards/s1/drain"}, {"POST", "/portal/tenants/acme/move"}, {"GET", "/portal/tenants/acme/move/stream"}} {
		r := tenanttest.Serve(reg, tenanttest.NewRequest(p.method, platformHost, p.path, strings.NewReader("to=s2")))
		if r.Code != http.StatusSeeOther && r.Code != http.StatusUnauthorized {
			t.Errorf("anonymous %s %s = %d", p.method, p.path, r.Code)
		}
	}
	if s, _ := reg.Shard("s1"); s.State != "active" {
		t.Errorf("s1 changed by an anonymous post: %s", s.State)
	}
	if moves, _ := reg.Moves("", 5); len(moves) != 0 {
		t.Errorf("a move started without a session: %+v", moves)
	}

	t.Logf("shards page test in %v", time.Since(start).Round(time.Millisecond))
}

// TestPortalShardsMove: a move from the tenant page runs in the
// background, shows its step while it runs and its outcome; a failing
// step leaves the tenant on its shard with the step named; refusals are
// answered on the page with nothing started.
func TestPortalShardsMove(t *testing.T) {
	t.Parallel()
	start := time.Now()
	reg, f, pc := shardsFixture(t)
	page := func(slug string) (int, string) {
		rec := tenanttest.Get(t, reg, platformHost, "/portal/tenants/"+slug, pc)
		return rec.Code, rec.Body.String()
	}
	move := func(slug, to string) (int, string) {
		rec := tenanttest.PostForm(t, reg, platformHost, "/portal/tenants/"+slug+"/move", url.Values{"to": {to}}, pc)
		return rec.Code, rec.Body.String()
	}
	_, body := page("acme")
	d := doc(t, body)
	if testid(d, "tenant-shard-id").Text() != "s1" || testid(d, "move-form").Length() != 1 {
		t.Fatalf("tenant page shard section: %q", testid(d, "tenant-shard").Text())
	}
	var opts []string
	testid(d, "field-to").Find("option").Each(func(_ int, s *goquery.Selection) { opts = append(opts, s.AttrOr("value", "")) })
	if strings.Join(opts, ",") != "s2,s3" {
		t.Errorf("targets = %v, want s2,s3 (not its own)", opts)
	}

	// success: placement changed, outcome with the unavailability
	if code, _ := move("acme", "s2"); code != http.StatusSeeOther {
		t.Fatalf("move = %d", code)
	}
	if m := waitMove(t, reg, "acme"); m.State != "done" {
		t.Fatalf("move ended %+v", m)
	}
	if info, _ := reg.Get("acme"); info.Shard != "s2" {
		t.Fatalf("acme on %q after the move", info.Shard)
	}
	_, body = page("acme")
	d = doc(t, body)
	if got := testid(d, "move-done").Text(); !strings.Contains(got, "s1") || !strings.Contains(got, "ms") || testid(d, "tenant-shard-id").Text() != "s2" {
		t.Errorf("outcome = %q on shard %q", got, testid(d, "tenant-shard-id").Text())
	}
	if row := testid(doc(t, tenanttest.Get(t, reg, platformHost, "/portal/shards", pc).Body.String()), "move-row-acme").Text(); !strings.Contains(row, "s1 → s2") || !strings.Contains(row, "réussi") {
		t.Errorf("recent moves row = %q", row)
	}

	// failure at stage: rolled back, the step and message shown
	f.set("Stage", errors.New("dial tcp s2.test: connection refused"))
	if code, _ := move("beta", "s2"); code != http.StatusSeeOther {
		t.Fatalf("failing move = %d", code)
	}
	if m := waitMove(t, reg, "beta"); m.State != "failed" || m.Step != tenants.StepStage {
		t.Fatalf("failing move ended %+v", m)
	}
	_, body = page("beta")
	got := testid(doc(t, body), "move-failed").Text()
	if info, _ := reg.Get("beta"); info.Shard != "s1" || !strings.Contains(got, "copie sur la cible") || !strings.Contains(got, "connection refused") || !strings.Contains(got, "resté sur son shard s1") {
		t.Errorf("failed move: beta on %q, shown %q", info.Shard, got)
	}
	f.clear()

	// running: its step shown with the live stream; a second move refused
	hold := make(chan struct{})
	f.mu.Lock()
	f.hold = hold
	f.mu.Unlock()
	if code, _ := move("beta", "s2"); code != http.StatusSeeOther {
		t.Fatalf("held move = %d", code)
	}
	_, body = page("beta")
	d = doc(t, body)
	if got := testid(d, "move-running").Text(); !strings.Contains(got, "étape") || d.Find("#move-live").Length() != 1 || testid(d, "move-form").Length() != 0 {
		t.Errorf("running move shown as %q", got)
	}
	code, body := move("beta", "s3")
	if code != http.StatusConflict || !strings.Contains(testid(doc(t, body), "move-error").Text(), "déjà en cours") {
		t.Errorf("second move = %d %q", code, testid(doc(t, body), "move-error").Text())
	}
	close(hold)
	waitMove(t, reg, "beta")
	stream := tenanttest.Get(t, reg, platformHost, "/portal/tenants/beta/move/stream", pc).Body.String()
	if !strings.Contains(stream, "move-done") || strings.Contains(stream, "move-running") {
		t.Errorf("stream after the move: %.300s", stream)
	}

	// refusals: answered on the page, nothing started
	if err := reg.SetShardState("s3", "down", false, "test"); err != nil {
		t.Fatal(err)
	}
	before, _ := reg.Moves("", 50)
	for _, c := range []struct {
		slug, to string
		code     int
		msg      string
	}{
		{"gamma", "", 400, "Choisissez le shard cible"},
		{"gamma", "s2", 409, "déjà sur le shard"},
		{"gamma", "nope", 404, "inconnu"},
		{"gamma", "s3", 409, "injoignable"},
	} {
		code, body := move(c.slug, c.to)
		if got := testid(doc(t, body), "move-error").Text(); code != c.code || !strings.Contains(got, c.msg) {
			t.Errorf("move %s to %q = %d %q, want %d %q", c.slug, c.to, code, got, c.code, c.msg)
		}
	}
	if code, _ := move("nobody", "s2"); code != http.StatusNotFound {
		t.Errorf("move of an unknown tenant = %d", code)
	}
	if after, _ := reg.Moves("", 50); len(after) != len(before) {
		t.Errorf("refused moves were recorded: %d → %d", len(before), len(after))
	}
	if info, _ := reg.Get("gamma"); info.Shard != "s2" {
		t.Errorf("gamma moved to %q", info.Shard)
	}
	t.Logf("move test in %v", time.Since(start).Round(time.Millisecond))
}
