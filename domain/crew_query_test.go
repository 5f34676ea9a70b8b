package domain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestCrewQueryTaskAndSiteVisibility(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	other := tt.User(domain.RoleCrew, "other@acme.test")
	outsider := tt.User(domain.RoleCrew, "out@acme.test")
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id, other.Id}})
	mine := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Tranchée", "status": "planned", "assignees": []string{crew.Id}})
	theirs := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Réseau", "status": "planned", "assignees": []string{other.Id}})
	scenarios := []struct {
		name     string
		crewApp  bool // FindCrewTask, else FindVisibleTask
		user     domain.User
		id       string
		wantCode string
	}{
		{"crew opens their task", true, crew, mine.Id, ""},
		{"crew may not open a teammate's task", true, crew, theirs.Id, domain.ENotFound},
		{"office opens any task", true, pm, theirs.Id, ""},
		{"missing task", true, pm, "nosuchtask00000", domain.ENotFound},
		{"empty id", false, pm, "", domain.ENotFound},
		{"team member sees the site's tasks", false, crew, theirs.Id, ""},
		{"outsider sees nothing", false, outsider, mine.Id, domain.ENotFound},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			find := domain.FindVisibleTask
			if s.crewApp {
				find = domain.FindCrewTask
			}
			task, gotSite, err := find(app, s.user.Record, s.id)
			if got := domain.ErrorCode(err); got != s.wantCode {
				t.Fatalf("code = %q, want %q (%v)", got, s.wantCode, err)
			}
			if s.wantCode != "" {
				if task.Record != nil || gotSite.Record != nil {
					t.Errorf("got task %v and site %v with an error, want none", task.Record, gotSite.Record)
				}
				return
			}
			if task.Id != s.id || gotSite.Id != site.Id || gotSite.Name() != "École" {
				t.Errorf("got task %q on site %q (%q), want %q on %q", task.Id, gotSite.Id, gotSite.Name(), s.id, site.Id)
			}
		})
	}
}

func TestCrewQuerySitesAndPeople(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	gone := tt.User(domain.RoleCrew, "gone@acme.test")
	gone.SetActive(false)
	if err := app.Save(gone.Record); err != nil {
		t.Fatal(err)
	}
	site := func(code, status string, team ...string) {
		tt.Record("sites", map[string]any{"code": code, "name": "S " + code, "sector": "btp", "status": status, "team": team})
	}
	site("CH-3", "active", crew.Id)
	site("CH-1", "active")
	site("CH-2", "done", crew.Id)
	site("CH-4", "cancelled")
	site("CH-0", "active", crew.Id)
	codes := func(u domain.User) []string {
		sites, err := domain.FindCrewSites(app, u.Record)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range sites {
			out = append(out, s.Code())
		}
		return out
	}
	if got, want := codes(crew), []string{"CH-0", "CH-3"}; !slices.Equal(got, want) {
		t.Errorf("crew sites = %v, want %v (their team's, open, by code)", got, want)
	}
	if got, want := codes(pm), []string{"CH-0", "CH-1", "CH-3"}; !slices.Equal(got, want) {
		t.Errorf("office sites = %v, want %v (all open, by code)", got, want)
	}
	people, err := domain.FindActiveUsers(app)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		if p.Id == gone.Id || !p.Active() {
			t.Errorf("inactive user %q listed", p.Id)
		}
		if i > 0 && people[i-1].Name() > p.Name() {
			t.Errorf("people not sorted by name: %q before %q", people[i-1].Name(), p.Name())
		}
	}
	if !slices.ContainsFunc(people, func(p domain.User) bool { return p.Id == crew.Id }) {
		t.Errorf("active crew member missing from %d people", len(people))
	}
}

func TestCrewQueryExpandedRelations(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	crew.SetName("Léa Martin")
	if err := app.Save(crew.Record); err != nil {
		t.Fatal(err)
	}
	site := tt.Record("sites", map[string]any{"code": "CH-1", "name": "École", "sector": "btp", "status": "active", "team": []string{crew.Id}})
	team := tt.Record("crews", map[string]any{"name": "Équipe A", "members": []string{crew.Id}, "active": true})
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Tranchée", "status": "planned"})
	photo := tt.Record("photos", map[string]any{"site": site.Id, "subject": task.Id, "by": crew.Id})
	ovUser := tt.Record("assignment_overrides", map[string]any{"task": task.Id, "user": crew.Id, "by": crew.Id, "reason": "urgence", "at": time.Now(),
		"conflicts": []domain.Conflict{{Code: "skill", Severity: domain.SeverityBlocking, Message: "Compétence manquante"}}})
	ovCrew := tt.Record("assignment_overrides", map[string]any{"task": task.Id, "crew": team.Id, "by": crew.Id, "reason": "urgence", "at": time.Now()})
	conflict := tt.Record("sync_conflicts", map[string]any{"user": crew.Id, "key": "k1", "op": "update", "collection": "tasks", "record": task.Id,
		"status": domain.ConflictOpen, "reason": "changé entre-temps"})

	photos, err := domain.FindPhotos(app, site.Id, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	typed := domain.AsPhotos(photos)
	if _, ok := typed[0].ExpandedSite(); ok {
		t.Errorf("site expanded before ExpandPhotos")
	}
	if err := domain.ExpandPhotos(app, typed); err != nil {
		t.Fatal(err)
	}
	if s, ok := typed[0].ExpandedSite(); !ok || s.Name() != "École" || typed[0].Id != photo.Id {
		t.Errorf("photo site = %q, %v; want École", s.Name(), ok)
	}
	if u, ok := typed[0].ExpandedBy(); !ok || u.Name() != "Léa Martin" {
		t.Errorf("photo author = %q, %v; want Léa Martin", u.Name(), ok)
	}

	ovs, err := domain.FindTaskOverrides(app, task.Id)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range domain.AsAssignmentOverrides(ovs) {
		by, okBy := o.ExpandedBy()
		u, okUser := o.ExpandedUser()
		c, okCrew := o.ExpandedCrew()
		switch o.Id {
		case ovUser.Id:
			if !okBy || by.Name() != "Léa Martin" || !okUser || u.Id != crew.Id || okCrew {
				t.Errorf("user override: by %q %v, user %q %v, crew %v", by.Name(), okBy, u.Id, okUser, okCrew)
			}
			if cs := o.ConflictList(); len(cs) != 1 || cs[0].Code != "skill" || !cs[0].Blocking() {
				t.Errorf("user override conflicts = %+v, want one blocking skill conflict", cs)
			}
		case ovCrew.Id:
			if okUser || !okCrew || c.Name() != "Équipe A" {
				t.Errorf("crew override: user %v, crew %q %v", okUser, c.Name(), okCrew)
			}
			if cs := o.ConflictList(); len(cs) != 0 {
				t.Errorf("crew override conflicts = %+v, want none", cs)
			}
		default:
			t.Errorf("unexpected override %q", o.Id)
		}
	}

	pm := tt.User(domain.RoleManager, "boss@acme.test")
	open, err := domain.FindOpenConflicts(app, pm.Record)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].Id != conflict.Id {
		t.Fatalf("open conflicts = %d, want the one made", len(open))
	}
	sc := domain.AsSyncConflicts(open)[0]
	if u, ok := sc.ExpandedUser(); sc.TargetCollection() != "tasks" || !ok || u.Name() != "Léa Martin" {
		t.Errorf("conflict collection %q, user %q %v; want tasks, Léa Martin", sc.TargetCollection(), u.Name(), ok)
	}
}
