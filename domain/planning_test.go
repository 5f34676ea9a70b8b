package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

// planTenant is a tenant with a site (start Monday 2 March 2026, managed
// by pm) and four tasks: A "Terrassement" (3 d), B "Fondations" (2 d),
// C "Élévation" (2 d) and D "Toiture" (1 d, pinned on 2 March).
type planTenant struct {
	*tenanttest.Tenant
	pm, lead   *core.Record
	site       string
	a, b, c, d string
	now        time.Time
}

func newPlanTenant(t *testing.T) planTenant {
	t.Helper()
	tt := tenanttest.New(t)
	p := planTenant{Tenant: tt, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	p.pm = tt.User(domain.RoleProjectManager, "pm@acme.test").Record
	p.lead = tt.User(domain.RoleSiteLead, "lead@acme.test").Record
	p.site = tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active",
		"start": "2026-03-02 00:00:00.000Z", "project_manager": p.pm.Id}).Id
	task := func(title string, dur int, pinned bool) string {
		return tt.Record("tasks", map[string]any{"site": p.site, "title": title, "planned_start": "2026-03-02 00:00:00.000Z",
			"duration_days": dur, "pinned": pinned, "status": "planned"}).Id
	}
	p.a, p.b, p.c, p.d = task("Terrassement", 3, false), task("Fondations", 2, false), task("Élévation", 2, false), task("Toiture", 1, true)
	return p
}

// dates returns a task's stored planned start and end as YYYY-MM-DD.
func (p planTenant) dates(t *testing.T, id string) string {
	t.Helper()
	r, err := p.App().FindRecordById("tasks", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetDateTime("planned_start").Time().Format(time.DateOnly) + "…" + r.GetDateTime("planned_end").Time().Format(time.DateOnly)
}

// sameAsFresh checks that a plan returned by a move is the schedule a
// fresh load of the site computes.
func (p planTenant) sameAsFresh(t *testing.T, plan *domain.SitePlan) {
	t.Helper()
	fresh, err := domain.LoadSitePlan(p.App(), p.site, p.now)
	if err != nil {
		t.Fatal(err)
	}
	got, want := plan.Schedule, fresh.Schedule
	if got.Start != want.Start || got.Finish != want.Finish || len(got.Tasks) != len(want.Tasks) {
		t.Errorf("move's schedule %v…%v (%d tasks) differs from a fresh one %v…%v (%d)", got.Start, got.Finish, len(got.Tasks), want.Start, want.Finish, len(want.Tasks))
	}
	for _, w := range want.Tasks {
		if g, _ := got.Task(w.ID); g != w {
			t.Errorf("move's schedule of %s: %+v, a fresh one: %+v", w.Title, g, w)
		}
	}
}

func (p planTenant) link(t *testing.T, from, to, typ string, lag int) error {
	t.Helper()
	_, err := domain.AddTaskLink(p.App(), p.pm, p.site, domain.TaskLinkInput{From: from, To: to, Type: typ, Lag: lag})
	return err
}

func TestPlanningAutoScheduling(t *testing.T) {
	t.Parallel()
	p := newPlanTenant(t)
	if got := p.dates(t, p.a); got != "2026-03-02…2026-03-04" {
		t.Fatalf("A created with %s, want its end derived from 3 working days", got)
	}
	for _, l := range []struct {
		from, to, typ string
		lag           int
	}{{p.a, p.b, domain.LinkFS, 0}, {p.b, p.c, domain.LinkFS, 1}, {p.a, p.d, domain.LinkFS, 0}} {
		if err := p.link(t, l.from, l.to, l.typ, l.lag); err != nil {
			t.Fatal(err)
		}
	}
	scenarios := []struct {
		name string
		id   string
		want string
	}{
		{"B follows A", p.b, "2026-03-05…2026-03-06"},
		{"C one day after B, over the weekend", p.c, "2026-03-10…2026-03-11"},
		{"pinned D stays", p.d, "2026-03-02…2026-03-02"},
	}
	for _, s := range scenarios {
		if got := p.dates(t, s.id); got != s.want {
			t.Errorf("after linking, %s: got %s, want %s", s.name, got, s.want)
		}
	}
	mv, err := domain.MoveTask(p.App(), p.pm, p.site, p.a, domain.TaskDatesInput{Start: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)}, p.now)
	if err != nil {
		t.Fatal(err)
	}
	scenarios = []struct {
		name string
		id   string
		want string
	}{
		{"A moved", p.a, "2026-03-09…2026-03-11"},
		{"B pushed", p.b, "2026-03-12…2026-03-13"},
		{"C pushed", p.c, "2026-03-17…2026-03-18"},
		{"pinned D still", p.d, "2026-03-02…2026-03-02"},
	}
	for _, s := range scenarios {
		if got := p.dates(t, s.id); got != s.want {
			t.Errorf("after moving A, %s: got %s, want %s", s.name, got, s.want)
		}
	}
	if d, _ := mv.Plan.Schedule.Task(p.d); !d.Conflict {
		t.Error("pinned D before its predecessor is not flagged as a conflict")
	}
	// the move returns what it saved and the schedule a fresh load computes
	var moved []string
	for _, r := range mv.Rescheduled {
		moved = append(moved, r.Id)
	}
	if mv.Task.Id != p.a || strings.Join(moved, ",") != p.b+","+p.c {
		t.Errorf("move returned task %s and rescheduled %v, want A and [B C]", mv.Task.Id, moved)
	}
	p.sameAsFresh(t, mv.Plan)
	// the cascade is audited with the mover as actor
	n, err := p.App().CountRecords("audit_events", dbx.HashExp{"collection": "tasks", "record": p.c, "actor": p.pm.Id})
	if err != nil || n == 0 {
		t.Errorf("no audit event by the project manager for the rescheduled successor (n=%d, err=%v)", n, err)
	}
}

func TestPlanningRefusals(t *testing.T) {
	t.Parallel()
	p := newPlanTenant(t)
	if err := p.link(t, p.a, p.b, domain.LinkFS, 0); err != nil {
		t.Fatal(err)
	}
	if err := p.link(t, p.b, p.c, domain.LinkSS, 0); err != nil {
		t.Fatal(err)
	}
	other := p.Record("sites", map[string]any{"code": "CH-2", "name": "Gymnase", "sector": "btp", "status": "active"}).Id
	foreign := p.Record("tasks", map[string]any{"site": other, "title": "Dalle", "planned_start": "2026-03-02 00:00:00.000Z", "duration_days": 1}).Id
	rawLink := func(from, to string) error {
		col, _ := p.App().FindCollectionByNameOrId("task_links")
		r := core.NewRecord(col)
		r.Load(map[string]any{"from": from, "to": to, "type": "FS", "lag_days": 0})
		return p.App().Save(r)
	}
	scenarios := []struct {
		name     string
		err      func() error
		code     string
		contains string
	}{
		{"cycle names the tasks", func() error { return p.link(t, p.c, p.a, domain.LinkFS, 0) }, domain.EInvalid, "Terrassement → Fondations → Élévation → Terrassement"},
		{"self link", func() error { return rawLink(p.a, p.a) }, domain.EInvalid, "elle-même"},
		{"link across sites", func() error { return rawLink(p.a, foreign) }, domain.EInvalid, "même chantier"},
		{"before a predecessor finishes", func() error {
			_, err := domain.MoveTask(p.App(), p.pm, p.site, p.b, domain.TaskDatesInput{Start: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)}, p.now)
			return err
		}, domain.EInvalid, "pas commencer avant le 05/03/2026"},
		{"on Easter Monday", func() error {
			_, err := domain.MoveTask(p.App(), p.pm, p.site, p.a, domain.TaskDatesInput{Start: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)}, p.now)
			return err
		}, domain.EInvalid, "Lundi de Pâques"},
		{"on a Saturday", func() error {
			_, err := domain.MoveTask(p.App(), p.pm, p.site, p.a, domain.TaskDatesInput{Start: time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC)}, p.now)
			return err
		}, domain.EInvalid, "pas un jour travaillé"},
		{"a site lead of another site", func() error {
			_, err := domain.MoveTask(p.App(), p.lead, p.site, p.a, domain.TaskDatesInput{Start: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)}, p.now)
			return err
		}, domain.EForbidden, ""},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			err := s.err()
			if domain.ErrorCode(err) != s.code {
				t.Fatalf("got %v (code %q), want code %q", err, domain.ErrorCode(err), s.code)
			}
			if !strings.Contains(domain.ErrorMessage(err), s.contains) {
				t.Errorf("message %q does not contain %q", domain.ErrorMessage(err), s.contains)
			}
		})
	}
	if got := p.dates(t, p.a); got != "2026-03-02…2026-03-04" {
		t.Errorf("a refused move changed A: %s", got)
	}
}

// TestMoveTaskComputesScheduleOnce counts the schedules computed per
// change: a drag (move or resize), a refused drag and a dispatch move
// compute the site's schedule once, and so does a plain save of a task
// (REST API, sync) through the planning hook. A move returns the schedule
// a fresh load computes.
func TestMoveTaskComputesScheduleOnce(t *testing.T) {
	t.Parallel()
	p := newPlanTenant(t)
	if err := p.link(t, p.a, p.b, domain.LinkFS, 0); err != nil {
		t.Fatal(err)
	}
	if err := p.link(t, p.b, p.c, domain.LinkFS, 0); err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	move := func(task string, in domain.TaskDatesInput) func() (*domain.SitePlan, error) {
		return func() (*domain.SitePlan, error) {
			mv, err := domain.MoveTask(p.App(), p.pm, p.site, task, in, p.now)
			if err != nil {
				return nil, err
			}
			return mv.Plan, nil
		}
	}
	scenarios := []struct {
		name string
		run  func() (*domain.SitePlan, error)
		want string // C's dates after the change
	}{
		{"move A", move(p.a, domain.TaskDatesInput{Start: day(9)}), "2026-03-16…2026-03-17"},
		{"resize A", move(p.a, domain.TaskDatesInput{Start: day(9), End: day(12)}), "2026-03-17…2026-03-18"},
		{"resize pinned D", move(p.d, domain.TaskDatesInput{Start: day(2), End: day(3)}), "2026-03-17…2026-03-18"},
		{"refused move of B", func() (*domain.SitePlan, error) {
			if _, err := domain.MoveTask(p.App(), p.pm, p.site, p.b, domain.TaskDatesInput{Start: day(10)}, p.now); domain.ErrorCode(err) != domain.EInvalid {
				t.Errorf("B before A finishes: %v, want a refusal", err)
			}
			return nil, nil
		}, "2026-03-17…2026-03-18"},
		{"dispatch move of A", func() (*domain.SitePlan, error) {
			res, err := domain.Assign(p.App(), p.pm, domain.AssignInput{Task: p.a, User: p.lead.Id, Day: day(10)}, p.now)
			if err != nil {
				return nil, err
			}
			return res.Move.Plan, nil
		}, "2026-03-18…2026-03-19"},
		{"plain save of B's duration", func() (*domain.SitePlan, error) {
			b, err := p.App().FindRecordById("tasks", p.b)
			if err != nil {
				return nil, err
			}
			b.Set("duration_days", 3)
			return nil, p.App().Save(b)
		}, "2026-03-19…2026-03-20"},
	}
	for _, s := range scenarios {
		n := domain.CountSitePlans(t, p.App())
		plan, err := s.run()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%s computed the schedule %d times, want once", s.name, got)
		}
		if got := p.dates(t, p.c); got != s.want {
			t.Errorf("after %s, C: got %s, want %s", s.name, got, s.want)
		}
		if plan != nil {
			p.sameAsFresh(t, plan)
		}
	}
	if got := p.dates(t, p.d); got != "2026-03-02…2026-03-03" {
		t.Errorf("pinned D resized to %s, want 2026-03-02…2026-03-03", got)
	}
}
