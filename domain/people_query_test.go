package domain_test

import (
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestPeopleQueries(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	worker := tt.User(domain.RoleCrew, "ouvrier@acme.test")
	other := tt.User(domain.RoleCrew, "autre@acme.test")
	gone := tt.User(domain.RoleCrew, "parti@acme.test")
	if _, err := domain.SetUserActive(app, nil, gone.Id, false); err != nil {
		t.Fatal(err)
	}

	people, err := domain.FindPeople(app)
	if err != nil || len(people) != 4 || people[len(people)-1].Id != gone.Id {
		t.Errorf("people = %d %v, want 4 with the deactivated one last", len(people), err)
	}
	active, err := domain.FindActiveUsers(app)
	if err != nil || len(active) != 3 {
		t.Errorf("active users = %d %v, want 3", len(active), err)
	}
	for _, u := range active {
		if u.Id == gone.Id {
			t.Error("a deactivated user is listed as active")
		}
	}
	if p, err := domain.FindPerson(app, worker.Id); err != nil || p.Email() != "ouvrier@acme.test" {
		t.Errorf("person = %v %q", err, p.Email())
	}
	if _, err := domain.FindPerson(app, "nosuchuser00000"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("missing person: %v", err)
	}

	skills, err := domain.FindSkills(app)
	if err != nil || len(skills) < 2 {
		t.Fatalf("skills = %d %v, want the reference data", len(skills), err)
	}
	for i := 1; i < len(skills); i++ {
		if skills[i-1].Name() > skills[i].Name() {
			t.Errorf("skills not by name: %q before %q", skills[i-1].Name(), skills[i].Name())
		}
	}
	if err := domain.SetSkill(app, nil, worker.Id, skills[0].Id); err != nil {
		t.Fatal(err)
	}
	if got, err := domain.FindUserSkills(app, worker.Id); err != nil || len(got) != 1 || got[0].Id != skills[0].Id {
		t.Errorf("worker skills = %d %v, want %s", len(got), err, skills[0].Name())
	}
	if got, err := domain.FindUserSkills(app, other.Id); err != nil || len(got) != 0 {
		t.Errorf("other skills = %d %v, want none", len(got), err)
	}

	kinds, err := domain.FindClearanceKinds(app)
	if err != nil || len(kinds) == 0 {
		t.Fatalf("clearance kinds = %d %v", len(kinds), err)
	}
	k, err := domain.FindClearanceKindByCode(app, kinds[0].Code())
	if err != nil || k.Id != kinds[0].Id {
		t.Errorf("kind by code %q = %v", kinds[0].Code(), err)
	}
	if _, err := domain.FindClearanceKindByCode(app, "ZZZ"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("unknown kind: %v, want not found", err)
	}
	obtained := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	late, err := domain.AddClearance(app, nil, worker.Id, domain.ClearanceInput{Kind: k.Code(), ObtainedOn: obtained, ValidUntil: obtained.AddDate(3, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	soon, err := domain.AddClearance(app, nil, worker.Id, domain.ClearanceInput{Kind: k.Code(), ObtainedOn: obtained, ValidUntil: obtained.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	cls, err := domain.FindUserClearances(app, worker.Id)
	if err != nil || len(cls) != 2 || cls[0].Id != soon.Id || cls[1].Id != late.Id {
		t.Errorf("clearances = %d %v, want the soonest to expire first", len(cls), err)
	}
	if c, err := domain.FindUserClearance(app, worker.Id, soon.Id); err != nil || c.Kind() != k.Code() {
		t.Errorf("own clearance = %v", err)
	}
	if _, err := domain.FindUserClearance(app, other.Id, soon.Id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("clearance through another user: %v, want not found", err)
	}

	for i, from := range []time.Time{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)} {
		if _, err := domain.AddAbsence(app, nil, worker.Id, domain.AvailabilityInput{Kind: "leave", From: from, To: from.AddDate(0, 0, 4)}); err != nil {
			t.Fatalf("absence %d: %v", i, err)
		}
	}
	abs, err := domain.FindUserAbsences(app, worker.Id, 1)
	if err != nil || len(abs) != 1 || abs[0].From().Month() != time.August {
		t.Errorf("latest absence = %d %v, want the August one only", len(abs), err)
	}
}

func TestSessionAndResetTokens(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	u := tt.User(domain.RoleCrew, "crew@acme.test")
	tok, err := u.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	if rec, err := domain.FindSessionAuth(app, tok); err != nil || rec.Id != u.Id {
		t.Fatalf("session of an active user = %v", err)
	}
	if _, err := domain.FindSessionAuth(app, "not-a-token"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("forged token: %v, want not found", err)
	}
	reset, err := u.NewPasswordResetToken()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := domain.FindResetTokenAuth(app, tok); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("auth token used as a reset token: %v, want invalid", err)
	}
	if rec, err := domain.FindResetTokenAuth(app, reset); err != nil || rec.Id != u.Id {
		t.Errorf("reset token = %v", err)
	}
	if _, err := domain.SetUserActive(app, nil, u.Id, false); err != nil {
		t.Fatal(err)
	}
	if _, err := domain.FindSessionAuth(app, tok); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("session of a deactivated user: %v, want not found", err)
	}
}
