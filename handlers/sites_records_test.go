package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestSiteOverviewAndTeamShowRelations(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	app := tt.App()
	pm := tt.User(domain.RoleProjectManager, "pm@acme.test")
	lead := tt.User(domain.RoleSiteLead, "lead@acme.test")
	crew := tt.User(domain.RoleCrew, "crew@acme.test")
	client, err := domain.CreateClient(app, nil, domain.ClientInput{Name: "Enedis Ouest", Kind: "public"})
	if err != nil {
		t.Fatal(err)
	}
	lat, lng := 47.2184, -1.5536
	site, err := domain.CreateSite(app, nil, domain.SiteInput{Code: "EL-1", Name: "Poste HTA", Sector: "elec", Client: client.Id,
		Lat: &lat, Lng: &lng, GeofenceM: 200, ProjectManager: pm.Id, SiteLead: lead.Id, Team: []string{crew.Id},
		SectorFields: map[string]string{"voltage": "HTA"}})
	if err != nil {
		t.Fatal(err)
	}
	c := tt.Login(tt.Admin, tenanttest.Password)
	d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id, c).Body.String())
	overview := testid(d, "site-overview").Text()
	for _, want := range []string{"Enedis Ouest", "Test project_manager", "Test site_lead", "47.21840, -1.55360", "200 m", "HTA"} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview lacks %q: %q", want, overview)
		}
	}
	team := testid(doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id+"/team", c).Body.String()), "site-team")
	if n := team.Find("li").Length(); n != 3 || !strings.Contains(team.Text(), "Test crew") {
		t.Errorf("team tab = %d people %q, want the PM, the lead and the crew member", n, team.Text())
	}
	if v, _ := testid(doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/"+site.Id+"/edit", c).Body.String()), "field-lat").Attr("value"); v != "47.2184" {
		t.Errorf("edit form latitude = %q", v)
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/sites/nosuchsite00000", c); rec.Code != http.StatusNotFound {
		t.Errorf("missing site = %d, want 404", rec.Code)
	}
}

func TestSiteChildrenOfAnotherSiteAre404(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	app := tt.App()
	a, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "A", Name: "A", Sector: "btp"})
	b, _ := domain.CreateSite(app, nil, domain.SiteInput{Code: "B", Name: "B", Sector: "btp"})
	phase, err := domain.AddPhase(app, nil, a.Id, domain.PhaseInput{Name: "Lot 1"})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := domain.AddMilestone(app, nil, a.Id, "Réception", time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	c := tt.Login(tt.Admin, tenanttest.Password)
	post := func(path string, v url.Values) int {
		return tenanttest.PostForm(t, tt.Registry, tt.Host(), path, v, c).Code
	}
	scenarios := []struct {
		path string
		form url.Values
		want int
	}{
		{"/sites/" + b.Id + "/phases/" + phase.Id, url.Values{"name": {"Volé"}}, http.StatusNotFound},
		{"/sites/" + b.Id + "/phases/" + phase.Id + "/up", nil, http.StatusNotFound},
		{"/sites/" + b.Id + "/milestones/" + ms.Id + "/reach", url.Values{"reached": {"1"}}, http.StatusNotFound},
		{"/sites/" + a.Id + "/phases/nosuchphase0000", url.Values{"name": {"X"}}, http.StatusNotFound},
		{"/sites/" + a.Id + "/phases/" + phase.Id, url.Values{"name": {"Lot 1 bis"}}, http.StatusSeeOther},
		{"/sites/" + a.Id + "/milestones/" + ms.Id + "/reach", url.Values{"reached": {"1"}}, http.StatusSeeOther},
	}
	for _, s := range scenarios {
		if got := post(s.path, s.form); got != s.want {
			t.Errorf("POST %s = %d, want %d", s.path, got, s.want)
		}
	}
	if p, _ := domain.FindPhase(app, phase.Id); p.Name() != "Lot 1 bis" {
		t.Errorf("phase name = %q, want the update through its own site only", p.Name())
	}
	if m, _ := domain.FindMilestone(app, ms.Id); m.ReachedAt().IsZero() {
		t.Error("milestone not reached through its own site")
	}
}

func TestPeopleClearanceDocumentOnlyUnderItsOwner(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	app := tt.App()
	worker := tt.User(domain.RoleCrew, "ouvrier@acme.test")
	other := tt.User(domain.RoleCrew, "autre@acme.test")
	kinds, err := domain.FindClearanceKinds(app)
	if err != nil || len(kinds) == 0 {
		t.Fatalf("clearance kinds: %d %v", len(kinds), err)
	}
	f, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4 certificat"), "certificat.pdf")
	if err != nil {
		t.Fatal(err)
	}
	withDoc, err := domain.AddClearance(app, nil, worker.Id, domain.ClearanceInput{Kind: kinds[0].Code(), Document: f})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := domain.AddClearance(app, nil, worker.Id, domain.ClearanceInput{Kind: kinds[0].Code()})
	if err != nil {
		t.Fatal(err)
	}
	c := tt.Login(tt.Admin, tenanttest.Password)
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/people/"+worker.Id+"/clearances/"+withDoc.Id+"/document", c)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "certificat") {
		t.Errorf("own clearance document = %d", rec.Code)
	}
	for _, path := range []string{
		"/people/" + other.Id + "/clearances/" + withDoc.Id + "/document",
		"/people/" + worker.Id + "/clearances/" + bare.Id + "/document",
		"/people/" + worker.Id + "/clearances/nosuchclearanc/document",
		"/people/nosuchperson000",
	} {
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), path, c); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, rec.Code)
		}
	}
	d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/people/"+worker.Id, c).Body.String())
	if n := d.Find(`a[href$="/document"]`).Length(); n != 1 {
		t.Errorf("person page links %d clearance documents, want 1", n)
	}
}
