package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestPeoplePagesClearancesAndAbsences(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	worker := tt.User(domain.RoleCrew, "ouvrier@acme.test")
	tt.User(domain.RoleSiteLead, "lead@acme.test")
	boss := tt.Login(tt.Admin, tenanttest.Password)
	lead := tt.Login("lead@acme.test", tenanttest.Password)

	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/people", lead); rec.Code != 200 || strings.Contains(rec.Body.String(), "Coût horaire") {
		t.Errorf("site lead /people = %d (must not show costs)", rec.Code)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id, url.Values{"name": {"X"}, "role": {"crew"}}, lead); rec.Code != 403 {
		t.Errorf("site lead edits a person = %d, want 403", rec.Code)
	}
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id, url.Values{"name": {"Paul Ouvrier"}, "role": {"crew"}, "hourly_cost": {"-3"}}, boss)
	if rec.Code != 400 || testid(doc(t, rec.Body.String()), "error-hourly_cost").Length() != 1 {
		t.Errorf("negative cost = %d", rec.Code)
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id, url.Values{"name": {"Paul Ouvrier"}, "role": {"crew"}, "hourly_cost": {"32,50"}, "phone": {"06 11 22 33 44"}}, boss)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit person = %d", rec.Code)
	}
	u, _ := tt.App().FindRecordById("users", worker.Id)
	if u.GetFloat("hourly_cost") != 32.5 || u.GetString("name") != "Paul Ouvrier" {
		t.Errorf("saved: %v %v", u.Get("hourly_cost"), u.Get("name"))
	}
	// clearance with validity computed from the kind (CACES R482: 120 months in BTP reference data or as seeded)
	kinds, _ := tt.App().FindRecordsByFilter("clearance_kinds", "validity_months > 0", "code", 1, 0)
	if len(kinds) == 0 {
		t.Fatal("no clearance kind with a validity")
	}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id+"/clearances", url.Values{"kind": {kinds[0].GetString("code")}, "obtained_on": {"2024-03-15"}}, boss)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add clearance = %d %s", rec.Code, rec.Body.String())
	}
	c, err := tt.App().FindFirstRecordByData("clearances", "user", worker.Id)
	if err != nil || c.GetDateTime("valid_until").IsZero() {
		t.Errorf("clearance validity not computed: %v", err)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id+"/clearances", url.Values{"kind": {"ZZZ"}}, boss); rec.Code != 400 {
		t.Errorf("unknown clearance kind = %d", rec.Code)
	}
	// absences: overlap refused
	ok := url.Values{"absence_kind": {"leave"}, "absence_from": {"2026-08-03"}, "absence_to": {"2026-08-21"}}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id+"/absences", ok, boss); rec.Code != http.StatusSeeOther {
		t.Fatalf("absence = %d", rec.Code)
	}
	overlap := url.Values{"absence_kind": {"training"}, "absence_from": {"2026-08-20"}, "absence_to": {"2026-08-22"}}
	rec = tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/"+worker.Id+"/absences", overlap, boss)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "chevauche") {
		t.Errorf("overlapping absence = %d", rec.Code)
	}
	if n, _ := tt.App().CountRecords("availability"); n != 1 {
		t.Errorf("absences saved = %d, want 1", n)
	}
}
