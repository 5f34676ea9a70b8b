package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// busyWeek is a tenant with a busy week 2026-W10 (today Wednesday 4
// March): 50 people with a skill and a clearance each, 10 sites, 150
// tasks (100 assigned, 50 waiting), 10 absences, and a project manager.
type busyWeek struct {
	*tenanttest.Tenant
	pm    *http.Cookie
	tasks []string // the week's tasks
	sites []string
}

func newBusyWeek(b testing.TB) busyWeek {
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC) // Wednesday of 2026-W10
	tt := handlertest.New(b, tenanttest.WithClock(func() time.Time { return now }))
	tt.User(domain.RoleProjectManager, "pm@acme.test")
	w := busyWeek{Tenant: tt}
	skill := tt.Record("skills", map[string]any{"code": "bench", "name": "Bench"}).Id
	var people []string
	for i := range 50 {
		u := tt.User(domain.RoleCrew, fmt.Sprintf("p%02d@acme.test", i))
		people = append(people, u.Id)
		tt.Record("user_skills", map[string]any{"user": u.Id, "skill": skill, "level": 2})
		tt.Record("clearances", map[string]any{"user": u.Id, "kind": "SST", "valid_until": "2027-01-01 00:00:00.000Z"})
		if i%5 == 0 {
			tt.Record("availability", map[string]any{"user": u.Id, "kind": "leave", "from": "2026-03-05 00:00:00.000Z", "to": "2026-03-06 00:00:00.000Z"})
		}
	}
	for i := range 10 {
		w.sites = append(w.sites, tt.Record("sites", map[string]any{"code": fmt.Sprintf("B-%d", i), "name": "Chantier", "sector": "btp", "status": "active",
			"lat": 47.2 + float64(i)/100, "lng": -1.55}).Id)
	}
	for i := range 150 {
		day := time.Date(2026, 3, 2+i%5, 0, 0, 0, 0, time.UTC)
		f := map[string]any{"site": w.sites[i%10], "title": fmt.Sprintf("Tâche %d", i), "planned_start": day, "duration_days": 1 + i%2, "status": "planned"}
		if i < 100 {
			f["assignees"] = []string{people[i%50]}
		}
		w.tasks = append(w.tasks, tt.Record("tasks", f).Id)
	}
	w.pm = tt.Login("pm@acme.test", tenanttest.Password)
	return w
}

// BenchmarkDispatchBoard renders the dispatch board of a busy week (see
// busyWeek) as a project manager through the whole stack (routing,
// session, queries, conflict roster, templ).
//
//	go test -run '^$' -bench DispatchBoard -benchtime 200x ./handlers/
func BenchmarkDispatchBoard(b *testing.B) {
	w := newBusyWeek(b)
	rec := tenanttest.Get(b, w.Registry, w.Host(), "/dispatch?week=2026-W10", w.pm)
	if n := strings.Count(rec.Body.String(), `data-testid="card-`); rec.Code != http.StatusOK || n < 150 {
		b.Fatalf("board: %d with %d cards, want 150 or more", rec.Code, n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := tenanttest.Get(b, w.Registry, w.Host(), "/dispatch?week=2026-W10", w.pm); rec.Code != http.StatusOK {
			b.Fatalf("board: %d", rec.Code)
		}
	}
}
