package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// sseEvents opens a live stream and sends each server-sent event (its raw
// text) on the returned channel, closed when the stream ends. It returns
// once the server has answered the request.
func sseEvents(t *testing.T, ctx context.Context, base, host, path string, c *http.Cookie) <-chan string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	req.Host = host
	req.Header.Set("Datastar-Request", "true")
	if c != nil {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	out := make(chan string, 64)
	go func() {
		defer close(out)
		defer res.Body.Close()
		r := bufio.NewReaderSize(res.Body, 1<<16)
		var ev strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if line == "\n" { // NB: Datastar ends events with an extra blank line
				if ev.Len() > 0 {
					out <- ev.String()
				}
				ev.Reset()
				continue
			}
			ev.WriteString(line)
		}
	}()
	return out
}

// waitStreams waits until app has n open live streams.
func waitStreams(t testing.TB, app core.App, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); domain.LiveOf(app).Streams() < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d live streams open, want %d", domain.LiveOf(app).Streams(), n)
		}
	}
}

// nextEvent returns the next event of ch containing want.
func nextEvent(t *testing.T, ch <-chan string, want string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("the stream ended without %q", want)
			}
			if strings.Contains(ev, want) {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event with %q within 10 s", want)
		}
	}
}

// noEvent fails when ch yields an event within d.
func noEvent(t *testing.T, ch <-chan string, d time.Duration, what string) {
	t.Helper()
	select {
	case ev := <-ch:
		t.Errorf("%s: got %.120q", what, ev)
	case <-time.After(d):
	}
}

// TestLiveDispatchOneRenderPerView: the project manager and the site lead
// (same site permissions) watch the week's board; an assignment renders
// it once and both receive the very same bytes. A change to another week
// renders nothing and sends nothing.
func TestLiveDispatchOneRenderPerView(t *testing.T) {
	d := newDispatchEnv(t)
	later := d.Record("tasks", map[string]any{"site": d.site, "title": "Semaine 12", "planned_start": "2026-03-16 00:00:00.000Z", "duration_days": 1, "status": "planned"}).Id
	srv := httptest.NewServer(d.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app := d.App()
	pm := sseEvents(t, ctx, srv.URL, d.Host(), "/dispatch/stream?week=2026-W10", d.pm)
	lead := sseEvents(t, ctx, srv.URL, d.Host(), "/dispatch/stream?week=2026-W10", d.lead)
	waitStreams(t, app, 2)
	live := domain.LiveOf(app)
	if live.Views() != 1 {
		t.Errorf("two viewers of one board: %d views, want 1", live.Views())
	}

	before := live.Renders()
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": later, "user": d.alice}); rec.Code != http.StatusOK {
		t.Fatalf("assign in week 12: %d %s", rec.Code, rec.Body)
	}
	noEvent(t, pm, 300*time.Millisecond, "a change to week 12 reached the board of week 10")
	if n := live.Renders() - before; n != 0 {
		t.Errorf("a change to week 12 rendered the board of week 10 %d times", n)
	}

	want := `data-task="` + d.trench + `" data-from="` + d.alice + `"`
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.trench, "user": d.alice}); rec.Code != http.StatusOK {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	a, b := nextEvent(t, pm, want), nextEvent(t, lead, want)
	if a != b {
		t.Error("two viewers with the same permissions received different bytes")
	}
	if n := live.Renders() - before; n != 1 {
		t.Errorf("one assignment rendered the board %d times, want 1", n)
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); live.Views() > 0 || live.Streams() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after the viewers left: %d views, %d streams", live.Views(), live.Streams())
		}
	}
}

// TestLiveStreamsCrossTenant: two tenants watch boards of the same week
// (same view key): a change in one never reaches the other, and a
// tenant's session does not open the other's stream.
func TestLiveStreamsCrossTenant(t *testing.T) {
	d := newDispatchEnv(t)
	b := tenanttest.Provision(t, d.Registry, "beta", domain.SectorBTP)
	b.User(domain.RoleProjectManager, "pm@beta.test")
	bpm := b.Login("pm@beta.test", tenanttest.Password)
	srv := httptest.NewServer(d.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/dispatch/stream?week=2026-W10", nil)
	req.Host = b.Host()
	req.Header.Set("Datastar-Request", "true")
	req.AddCookie(d.pm)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("A's cookie on B's stream: %d, want 401", res.StatusCode)
	}
	aEvents := sseEvents(t, ctx, srv.URL, d.Host(), "/dispatch/stream?week=2026-W10", d.pm)
	bEvents := sseEvents(t, ctx, srv.URL, b.Host(), "/dispatch/stream?week=2026-W10", bpm)
	waitStreams(t, d.App(), 1)
	waitStreams(t, b.App(), 1)
	if rec, _ := d.postJSON(t, d.pm, "/dispatch/assign", map[string]string{"task": d.trench, "user": d.alice}); rec.Code != http.StatusOK {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	nextEvent(t, aEvents, `data-task="`+d.trench+`"`)
	noEvent(t, bEvents, 300*time.Millisecond, "A's change reached B's board")
	if n := domain.LiveOf(b.App()).Renders(); n != 0 {
		t.Errorf("A's change rendered B's board %d times", n)
	}
}

// TestLiveTenantCloses: a tenant with an open stream stays open; when the
// viewer leaves it closes when idle; a forced close ends open streams.
func TestLiveTenantCloses(t *testing.T) {
	d := newDispatchEnv(t)
	srv := httptest.NewServer(d.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	sseEvents(t, ctx, srv.URL, d.Host(), "/dispatch/stream?week=2026-W10", d.pm)
	waitStreams(t, d.App(), 1)
	if d.Registry.CloseTenant(d.Slug, false) {
		t.Fatal("the tenant closed while a board was open")
	}
	cancel()
	for deadline := time.Now().Add(5 * time.Second); !d.Registry.CloseTenant(d.Slug, false); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the tenant does not close once the viewer left")
		}
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	events := sseEvents(t, ctx2, srv.URL, d.Host(), "/dispatch/stream?week=2026-W10", d.pm)
	app := d.App()
	waitStreams(t, app, 1)
	if !d.Registry.CloseTenant(d.Slug, true) {
		t.Fatal("forced close refused")
	}
	deadline := time.After(5 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-events:
		case <-deadline:
			t.Fatal("a forced close left the stream open")
		}
	}
	if n := domain.LiveOf(app).Streams(); n != 0 {
		t.Errorf("%d streams left on the closed tenant", n)
	}
}

// TestLiveUsersStream: a change made elsewhere reaches the users page's
// rows and active count; the viewer's own row keeps no toggle.
func TestLiveUsersStream(t *testing.T) {
	tt := handlertest.New(t)
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)
	page := tenanttest.Get(t, tt.Registry, tt.Host(), "/users?sort=email", admin)
	if !strings.Contains(page.Body.String(), "/users/stream?page=1&amp;sort=email") {
		t.Fatalf("the users page does not open its stream with its sort and page")
	}
	srv := httptest.NewServer(tt.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := sseEvents(t, ctx, srv.URL, tt.Host(), "/users/stream?page=1&sort=email", admin)
	app := tt.App()
	waitStreams(t, app, 1)
	active, _ := domain.CountActiveUsers(app)
	if _, err := domain.SetUserActive(app, nil, crew.Id, false); err != nil {
		t.Fatal(err)
	}
	ev := nextEvent(t, events, `id="user-`+crew.Id+`"`)
	if !strings.Contains(ev, "selector #users-table > tbody") || !strings.Contains(ev, "Désactivé") {
		t.Errorf("rows event: %.300q", ev)
	}
	self, _ := app.FindAuthRecordByEmail("users", tt.Admin)
	row := ev[strings.Index(ev, `id="user-`+self.Id+`"`):]
	if row = row[:strings.Index(row, "</tr>")]; strings.Contains(row, `data-testid="toggle"`) {
		t.Error("the viewer's own row offers to deactivate themselves")
	}
	nextEvent(t, events, `"activeCount":`+strconv.Itoa(active-1))
}

// TestLivePlanningStream: the multi-site planning is live: a move on a
// site's Gantt reaches its body.
func TestLivePlanningStream(t *testing.T) {
	g := newGanttTenant(t)
	page := tenanttest.Get(t, g.Registry, g.Host(), "/planning", g.pm)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `id="planning-body"`) || !strings.Contains(page.Body.String(), "@get('/planning/stream')") {
		t.Fatalf("planning page: %d, no live body", page.Code)
	}
	srv := httptest.NewServer(g.Registry)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := sseEvents(t, ctx, srv.URL, g.Host(), "/planning/stream", g.pm)
	waitStreams(t, g.App(), 1)
	if rec := g.moveJSON(t, g.pm, g.a, "2026-03-09"); rec.Code != http.StatusOK {
		t.Fatalf("move: %d %s", rec.Code, rec.Body)
	}
	ev := nextEvent(t, events, `id="planning-body"`)
	if !strings.Contains(ev, `data-testid="plan-task-`+g.b+`"`) || !strings.Contains(ev, "12/03/2026") {
		t.Errorf("planning body after the move: %.400q", ev)
	}
}
