package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// ganttTenant: site CH-1 (start Monday 2 March 2026, project manager pm)
// with A "Terrassement" (3 d) → B "Fondations" (2 d) FS, and a clock on
// Tuesday 3 March.
type ganttTenant struct {
	*tenanttest.Tenant
	site, a, b string
	pm         *http.Cookie
	pmID       string
}

func newGanttTenant(t *testing.T) ganttTenant {
	t.Helper()
	now := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	tt := handlertest.New(t, tenanttest.WithClock(func() time.Time { return now }))
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	tt.User(domain.RoleSiteLead, "lead@acme.test")
	tt.User(domain.RoleCrew, "crew@acme.test")
	g := ganttTenant{Tenant: tt, pmID: pm.Id}
	g.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "project_manager": pm.Id}).Id
	task := func(title string, dur int) string {
		return tt.Record("tasks", map[string]any{"site": g.site, "title": title, "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": dur, "status": "planned"}).Id
	}
	g.a, g.b = task("Terrassement", 3), task("Fondations", 2)
	tt.Record("task_links", map[string]any{"from": g.a, "to": g.b, "type": "FS", "lag_days": 0})
	g.pm = tt.Login("pm@acme.test", tenanttest.Password)
	return g
}

func (g ganttTenant) start(t *testing.T, id string) string {
	t.Helper()
	r, err := g.App().FindRecordById("tasks", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetDateTime("planned_start").Time().Format(time.DateOnly)
}

// moveJSON posts a move as gantt.js does.
func (g ganttTenant) moveJSON(t *testing.T, c *http.Cookie, task, start string) *httptest.ResponseRecorder {
	t.Helper()
	req := tenanttest.NewRequest(http.MethodPost, g.Host(), "/sites/"+g.site+"/tasks/"+task+"/dates", strings.NewReader(url.Values{"start": {start}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(c)
	return tenanttest.Serve(g.Registry, req)
}

func TestGanttPage(t *testing.T) {
	t.Parallel()
	g := newGanttTenant(t)
	rec := tenanttest.Get(t, g.Registry, g.Host(), "/sites/"+g.site+"/gantt", g.pm)
	if rec.Code != http.StatusOK {
		t.Fatalf("gantt: %d", rec.Code)
	}
	d := doc(t, rec.Body.String())
	for _, id := range []string{"gantt-page", "gantt-chart", "gantt-today", "bar-" + g.a, "bar-" + g.b, "handle-" + g.a, "critical-" + g.b, "task-form", "link-form", "assign-" + g.a} {
		if testid(d, id).Length() != 1 {
			t.Errorf("data-testid %q missing", id)
		}
	}
	if got, _ := testid(d, "bar-"+g.b).Attr("data-start"); got != "2026-03-05" {
		t.Errorf("B bar starts %s, want 2026-03-05", got)
	}
	if cls, _ := testid(d, "bar-"+g.a).Attr("class"); !strings.Contains(cls, "gantt-critical") {
		t.Errorf("A is not drawn critical: %q", cls)
	}
	if d.Find("[style]").Length() != 0 {
		t.Error("inline style attributes break the CSP")
	}
	if d.Find(`link[href*="planning"]`).Length() != 1 {
		t.Error("planning.css not linked")
	}
	// a crew member cannot open the Gantt (sites module)
	crew := g.Login("crew@acme.test", tenanttest.Password)
	if rec := tenanttest.Get(t, g.Registry, g.Host(), "/sites/"+g.site+"/gantt", crew); rec.Code != http.StatusForbidden {
		t.Errorf("crew: %d, want 403", rec.Code)
	}
}

func TestGanttMoves(t *testing.T) {
	t.Parallel()
	g := newGanttTenant(t)
	// the form path (no JavaScript): A to Monday 9 March, B follows
	rec := tenanttest.PostForm(t, g.Registry, g.Host(), "/sites/"+g.site+"/tasks/"+g.a+"/dates", url.Values{"start": {"2026-03-09"}}, g.pm)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("move form: %d %s", rec.Code, rec.Body)
	}
	if a, b := g.start(t, g.a), g.start(t, g.b); a != "2026-03-09" || b != "2026-03-12" {
		t.Errorf("after the move A=%s B=%s, want 2026-03-09 and 2026-03-12", a, b)
	}
	n, _ := g.App().CountRecords("audit_events", dbx.HashExp{"collection": "tasks", "record": g.b, "actor": g.pmID})
	if n == 0 {
		t.Error("the successor's move is not in the audit trail under the mover's name")
	}
	scenarios := []struct {
		name     string
		who      string
		task     string
		start    string
		status   int
		contains string
	}{
		{"gantt.js move", "pm", g.a, "2026-03-16", http.StatusOK, `{"ok":true,"task":{"id":"` + g.a + `","start":"2026-03-16","end":"2026-03-18","duration_days":3},` +
			`"rescheduled":[{"id":"` + g.b + `","start":"2026-03-19","end":"2026-03-20","duration_days":2}]}`},
		{"before the predecessor finishes", "pm", g.b, "2026-03-16", http.StatusBadRequest, "dépendances"},
		{"on a Sunday", "pm", g.a, "2026-03-15", http.StatusBadRequest, "jour travaillé"},
		{"a site lead of another site", "lead", g.a, "2026-03-23", http.StatusForbidden, "planning"},
		{"not a date", "pm", g.a, "16/03/2026", http.StatusBadRequest, "AAAA-MM-JJ"},
	}
	cookies := map[string]*http.Cookie{"pm": g.pm, "lead": g.Login("lead@acme.test", tenanttest.Password)}
	for _, s := range scenarios {
		rec := g.moveJSON(t, cookies[s.who], s.task, s.start)
		if rec.Code != s.status || !strings.Contains(rec.Body.String(), s.contains) {
			t.Errorf("%s: %d %s, want %d mentioning %q", s.name, rec.Code, rec.Body, s.status, s.contains)
		}
	}
	if b := g.start(t, g.b); b != "2026-03-19" {
		t.Errorf("B starts %s after A moved to 16 March, want 2026-03-19", b)
	}
	// a refused form shows the message on the page
	rec = tenanttest.PostForm(t, g.Registry, g.Host(), "/sites/"+g.site+"/links", url.Values{"from": {g.b}, "to": {g.a}, "type": {"FS"}}, g.pm)
	if rec.Code != http.StatusBadRequest || !strings.Contains(testid(doc(t, rec.Body.String()), "form-error").Text(), "circulaires") {
		t.Errorf("cycle through the form: %d", rec.Code)
	}
}

func TestGanttCrossTenant(t *testing.T) {
	t.Parallel()
	g := newGanttTenant(t)
	b := tenanttest.Provision(t, g.Registry, "beta", domain.SectorBTP)
	bSite := b.Record("sites", map[string]any{"code": "B-1", "name": "Pont", "sector": "btp", "status": "active"}).Id
	if rec := tenanttest.Get(t, g.Registry, b.Host(), "/sites/"+bSite+"/gantt", g.pm); rec.Code != http.StatusSeeOther {
		t.Errorf("A's cookie on B's Gantt: %d, want a redirect to the login", rec.Code)
	}
	if rec := tenanttest.Get(t, g.Registry, g.Host(), "/sites/"+bSite+"/gantt", g.pm); rec.Code != http.StatusNotFound {
		t.Errorf("B's site on A's host: %d, want 404", rec.Code)
	}
}

// TestGanttStreamTwoViewers opens two viewers' streams and checks that a
// move reaches both with the successor's new dates.
func TestGanttStreamTwoViewers(t *testing.T) {
	t.Parallel()
	g := newGanttTenant(t)
	srv := httptest.NewServer(g.Registry)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	want := `data-task="` + g.b + `" data-start="2026-03-12"`
	got := watchStreams(ctx, srv.URL, g.Host(), "/sites/"+g.site+"/gantt/stream", want, g.App(), g.pm, g.pm)
	if rec := g.moveJSON(t, g.pm, g.a, "2026-03-09"); rec.Code != http.StatusOK {
		t.Fatalf("move: %d %s", rec.Code, rec.Body)
	}
	for i := 0; i < 2; i++ {
		select {
		case ok := <-got:
			if !ok {
				t.Errorf("viewer %d: stream ended without the new chart", i+1)
			}
		case <-ctx.Done():
			t.Fatalf("viewer %d: no chart with B on 12 March within the timeout", i+1)
		}
	}
}

// watchStreams opens one SSE stream of path per cookie (a viewer each)
// and reports on the channel, once per stream, whether a line containing
// want arrived before the stream ended. It returns when every stream is
// subscribed to the tenant's live views, so that a change made next
// reaches them all.
func watchStreams(ctx context.Context, base, host, path, want string, app core.App, cookies ...*http.Cookie) <-chan bool {
	got := make(chan bool, len(cookies))
	for _, c := range cookies {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		req.Host = host
		req.Header.Set("Datastar-Request", "true")
		req.AddCookie(c)
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				got <- false
				return
			}
			defer res.Body.Close()
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				if strings.Contains(sc.Text(), want) {
					got <- true
					return
				}
			}
			got <- false
		}()
	}
	live := domain.LiveOf(app)
	for live.Streams() < len(cookies) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	return got
}
