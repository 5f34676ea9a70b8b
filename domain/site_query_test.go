package domain_test

import (
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestFindSiteForHidesSitesLikeMissingOnes(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	outsider := tt.User(domain.RoleCrew, "outsider@acme.test")
	site, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "S1", Name: "Mairie", Sector: "btp", ProjectManager: pm.Id, Team: []string{crew.Id}})
	if err != nil {
		t.Fatal(err)
	}
	scenarios := []struct {
		name     string
		user     domain.User
		id       string
		wantCode string
	}{
		{"project manager", pm, site.Id, ""},
		{"team member", crew, site.Id, ""},
		{"crew outside the team", outsider, site.Id, domain.ENotFound},
		{"missing id", pm, "nosuchsite00000", domain.ENotFound},
		{"empty id", pm, "", domain.ENotFound},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			got, err := domain.FindSiteFor(app, s.user.Record, s.id)
			if code := domain.ErrorCode(err); code != s.wantCode {
				t.Fatalf("code = %q, want %q (%v)", code, s.wantCode, err)
			}
			if s.wantCode == "" && got.Code() != "S1" {
				t.Errorf("site code = %q, want S1", got.Code())
			}
		})
	}
}

func TestSiteRelationsAndSectorFields(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	client, err := domain.CreateClient(app, nil, domain.ClientInput{Name: "Ville de Nantes", Kind: "public"})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "S1", Name: "Poste", Sector: "elec", Client: client.Id,
		ProjectManager: pm.Id, SiteLead: lead.Id, Team: []string{crew.Id}, SectorFields: map[string]string{"voltage": "HTA"}})
	if err != nil {
		t.Fatal(err)
	}
	site, err := domain.FindSite(app, rec.Id)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := site.ExpandedClient(); ok {
		t.Error("client read before it was expanded")
	}
	if err := domain.ExpandSiteRelations(app, site); err != nil {
		t.Fatal(err)
	}
	if c, ok := site.ExpandedClient(); !ok || c.Name() != "Ville de Nantes" {
		t.Errorf("client = %v %q, want Ville de Nantes", ok, c.Name())
	}
	if u, ok := site.ExpandedProjectManager(); !ok || u.Id != pm.Id {
		t.Errorf("project manager = %v, want %s", ok, pm.Id)
	}
	if u, ok := site.ExpandedSiteLead(); !ok || u.Id != lead.Id {
		t.Errorf("site lead = %v, want %s", ok, lead.Id)
	}
	if team := site.ExpandedTeam(); len(team) != 1 || team[0].Id != crew.Id {
		t.Errorf("team = %d members, want the crew member", len(team))
	}
	if got := site.SectorFieldValues()["voltage"]; got != "HTA" {
		t.Errorf("voltage = %q, want HTA", got)
	}
	bare, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "S2", Name: "Nu", Sector: "btp"})
	if got := (domain.Site{Record: bare}).SectorFieldValues(); len(got) != 0 {
		t.Errorf("sector fields of a site without any = %v", got)
	}
}

func TestFindSiteChildrenRefusesAnotherSite(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	a, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "A", Name: "A", Sector: "btp"})
	b, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "B", Name: "B", Sector: "btp"})
	phase, err := domain.AddPhase(app, nil, a.Id, domain.PhaseInput{Name: "Gros œuvre"})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := domain.AddMilestone(app, nil, a.Id, "Réception", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := domain.FindSitePhase(app, a.Id, phase.Id); err != nil || p.Name() != "Gros œuvre" {
		t.Errorf("own phase = %v %q", err, p.Name())
	}
	if _, err := domain.FindSitePhase(app, b.Id, phase.Id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("phase through another site: %v, want not found", err)
	}
	if m, err := domain.FindSiteMilestone(app, a.Id, ms.Id); err != nil || m.Name() != "Réception" {
		t.Errorf("own milestone = %v %q", err, m.Name())
	}
	if _, err := domain.FindSiteMilestone(app, b.Id, ms.Id); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("milestone through another site: %v, want not found", err)
	}
	if _, err := domain.FindSiteMilestone(app, a.Id, "nosuchmilestone"); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("missing milestone: %v, want not found", err)
	}
}

func TestClientQueries(t *testing.T) {
	t.Parallel()
	tt := tenanttest.New(t)
	app := tt.App()
	zed, _ := domain.CreateClient(app, nil, domain.ClientInput{Name: "Zed SA", Kind: "private"})
	alpha, _ := domain.CreateClient(app, nil, domain.ClientInput{Name: "Alpha SARL", Kind: "private"})
	for _, code := range []string{"S1", "S2"} {
		if _, err := domain.CreateSite(app, nil, domain.SiteInput{Code: code, Name: code, Sector: "btp", Client: alpha.Id}); err != nil {
			t.Fatal(err)
		}
	}
	clients, err := domain.FindClients(app)
	if err != nil || len(clients) != 2 || clients[0].Id != alpha.Id || clients[1].Id != zed.Id {
		t.Fatalf("clients = %d %v, want Alpha then Zed", len(clients), err)
	}
	for _, s := range []struct {
		id   string
		want int
	}{{alpha.Id, 2}, {zed.Id, 0}} {
		if n, err := domain.CountClientSites(app, s.id); err != nil || n != s.want {
			t.Errorf("sites of %s = %d %v, want %d", s.id, n, err, s.want)
		}
	}
}
