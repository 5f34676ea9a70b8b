package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/pocketbase/dbx"

	"github.com/fieldops360/fieldops/docs"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// checklist reads the dashboard's getting-started checklist: each step's
// state ("true"/"false") by key, and the progress line. ok is false when
// the dashboard shows none.
func checklist(t *testing.T, tt *tenanttest.Tenant, c *http.Cookie) (states map[string]string, progress string, d *goquery.Document, ok bool) {
	t.Helper()
	rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard", c)
	if rec.Code != http.StatusOK {
		t.Fatalf("/dashboard = %d", rec.Code)
	}
	d = doc(t, rec.Body.String())
	sec := testid(d, "onboarding")
	if sec.Length() == 0 {
		return nil, "", d, false
	}
	states = map[string]string{}
	sec.Find("ol > li").Each(func(_ int, li *goquery.Selection) {
		id, _ := li.Attr("data-testid")
		done, _ := li.Attr("data-done")
		states[strings.TrimPrefix(id, "onboarding-")] = done
	})
	return states, strings.TrimSpace(testid(d, "onboarding-progress").Text()), d, true
}

// noFragment drops a link's #fragment (a browser never sends it).
func noFragment(href string) string {
	if i := strings.IndexByte(href, '#'); i >= 0 {
		return href[:i]
	}
	return href
}

// wantDone checks that exactly the steps in done are done.
func wantDone(t *testing.T, when string, states map[string]string, done ...string) {
	t.Helper()
	if len(states) != len(domain.OnboardingSteps) {
		t.Fatalf("%s: %d steps listed, want %d", when, len(states), len(domain.OnboardingSteps))
	}
	want := map[string]bool{}
	for _, k := range done {
		want[k] = true
	}
	for _, k := range domain.OnboardingSteps {
		if got := states[k] == "true"; got != want[k] {
			t.Errorf("%s: step %s done = %v, want %v", when, k, got, want[k])
		}
	}
}

func TestOnboardingChecklistFollowsTheData(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	admin := tt.Login(tt.Admin, tenanttest.Password)

	// a fresh tenant: nothing done, each step links where it is done, and
	// every link answers
	states, progress, d, ok := checklist(t, tt, admin)
	if !ok {
		t.Fatal("a fresh tenant's dashboard has no getting-started checklist")
	}
	wantDone(t, "fresh tenant", states)
	if progress != "0 étapes sur 6 faites" {
		t.Errorf("progress = %q", progress)
	}
	if v, _ := d.Find("#onboarding-bar").Attr("value"); v != "0" {
		t.Errorf("progress bar value = %q", v)
	}
	links := map[string]string{}
	testid(d, "onboarding").Find(`[data-testid="onboarding-link"]`).Each(func(_ int, a *goquery.Selection) {
		id, _ := a.Closest("li").Attr("data-testid")
		links[id], _ = a.Attr("href")
	})
	want := map[string]string{"onboarding-company": "/settings", "onboarding-people": "/people?add=1", "onboarding-site": "/sites/new",
		"onboarding-assignment": "/dispatch", "onboarding-crew_app": "/help#" + docs.CrewAppAnchor}
	for id, href := range want {
		if links[id] != href {
			t.Errorf("%s links to %q, want %q", id, links[id], href)
		}
	}
	if _, ok := links["onboarding-task"]; ok {
		t.Error("the task step links somewhere before any site exists")
	}
	for _, href := range links {
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), noFragment(href), admin); rec.Code != http.StatusOK {
			t.Errorf("checklist link %s = %d", href, rec.Code)
		}
	}

	// each step, done the ordinary way, ticks itself
	c, err := domain.FindCompany(tt.App())
	if err != nil {
		t.Fatal(err)
	}
	c.SetSIRET("73282932000074")
	if err := tt.App().Save(c.Record); err != nil {
		t.Fatal(err)
	}
	states, _, _, _ = checklist(t, tt, admin)
	wantDone(t, "SIRET only", states)
	c.SetAddress("12 quai de la Fosse, 44000 Nantes")
	if err := tt.App().Save(c.Record); err != nil {
		t.Fatal(err)
	}
	states, _, _, _ = checklist(t, tt, admin)
	wantDone(t, "company profile", states, domain.StepCompany)

	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/people/invite", url.Values{"name": {"Lucas Martin"}, "email": {"lucas@acme.test"}, "role": {"crew"}}, admin)
	if rec.Code != http.StatusOK {
		t.Fatalf("add a person = %d", rec.Code)
	}
	states, _, _, _ = checklist(t, tt, admin)
	wantDone(t, "a person added", states, domain.StepCompany, domain.StepPeople)

	cl := tt.Record("clients", map[string]any{"name": "Mairie de Rezé"})
	site := tt.Record("sites", map[string]any{"code": "CH-001", "name": "École Jules Verne", "sector": "btp", "client": cl.Id})
	states, _, d, _ = checklist(t, tt, admin)
	wantDone(t, "a site", states, domain.StepCompany, domain.StepPeople, domain.StepSite)
	if href, _ := testid(d, "onboarding-task").Find("a").Attr("href"); href != "/sites/"+site.Id+"/gantt" {
		t.Errorf("task step links to %q, want the first site's Gantt", href)
	} else if rec := tenanttest.Get(t, tt.Registry, tt.Host(), href, admin); rec.Code != http.StatusOK {
		t.Errorf("%s = %d", href, rec.Code)
	}

	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Terrassement"})
	states, _, _, _ = checklist(t, tt, admin)
	wantDone(t, "a task", states, domain.StepCompany, domain.StepPeople, domain.StepSite, domain.StepTask)

	lucas, _ := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, "lucas@acme.test")
	task.Set("assignees", []string{lucas.Id})
	if err := tt.App().Save(task); err != nil {
		t.Fatal(err)
	}
	states, progress, _, _ = checklist(t, tt, admin)
	wantDone(t, "an assignment", states, domain.StepCompany, domain.StepPeople, domain.StepSite, domain.StepTask, domain.StepAssignment)
	if progress != "5 étapes sur 6 faites" {
		t.Errorf("progress = %q", progress)
	}

	// the crew member signs in: complete, so the checklist is gone
	lucas.SetPassword("lucas-chantier-26")
	if err := tt.App().Save(lucas); err != nil {
		t.Fatal(err)
	}
	tt.Login("lucas@acme.test", "lucas-chantier-26")
	if _, _, _, ok := checklist(t, tt, admin); ok {
		t.Error("a complete checklist is still shown")
	}
}

func TestOnboardingChecklistPerRoleAndDismissal(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleManager, "direction@acme.test")
	tt.User(domain.RoleSiteLead, "chef@acme.test")
	boss := tt.Login("direction@acme.test", tenanttest.Password)
	admin := tt.Login(tt.Admin, tenanttest.Password)

	// a manager who is not an admin: no link to settings, a hint instead;
	// every link shown answers
	_, _, d, ok := checklist(t, tt, boss)
	if !ok {
		t.Fatal("no checklist for a manager")
	}
	company := testid(d, "onboarding-company")
	if company.Find("a").Length() != 0 || !strings.Contains(company.Text(), "administrateur") {
		t.Errorf("company step for a non-admin manager: %q", company.Text())
	}
	testid(d, "onboarding").Find("a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if rec := tenanttest.Get(t, tt.Registry, tt.Host(), noFragment(href), boss); rec.Code != http.StatusOK {
			t.Errorf("manager's checklist link %s = %d", href, rec.Code)
		}
	})
	// accessible: an ordered list, each state in words, a labelled bar
	if testid(d, "onboarding").Find("ol > li").Length() != 6 || testid(d, "onboarding-state").First().Text() != "À faire" {
		t.Error("the checklist is not an ordered list with states in words")
	}
	if f, _ := testid(d, "onboarding-progress").Attr("for"); f != "onboarding-bar" {
		t.Error("the progress bar has no label")
	}

	// who may not see the dashboard may not dismiss it
	chef := tt.Login("chef@acme.test", tenanttest.Password)
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/dashboard/onboarding/dismiss", nil, chef); rec.Code != http.StatusForbidden {
		t.Errorf("site lead dismisses = %d, want 403", rec.Code)
	}
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/dashboard/onboarding/dismiss", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous dismiss = %d, want 401", rec.Code)
	}
	b := tenanttest.Provision(t, tt.Registry, "beta", domain.SectorTP)
	if rec := tenanttest.PostForm(t, tt.Registry, b.Host(), "/dashboard/onboarding/dismiss", nil, boss); rec.Code != http.StatusUnauthorized {
		t.Errorf("A's manager dismisses B's = %d, want 401", rec.Code)
	}
	if _, _, _, ok := checklist(t, tt, admin); !ok {
		t.Fatal("refused dismissals hid the checklist")
	}

	// the manager dismisses it: gone for the whole tenant, audited
	rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/dashboard/onboarding/dismiss", nil, boss)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/dashboard?onboarding=hidden" {
		t.Fatalf("dismiss = %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	d = doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/dashboard?onboarding=hidden", boss).Body.String())
	if testid(d, "onboarding").Length() != 0 || !strings.Contains(testid(d, "toasts").Text(), "Aide") {
		t.Error("after dismissal: checklist still shown, or no word on where the guide is")
	}
	if _, _, _, ok := checklist(t, tt, admin); ok {
		t.Error("another user of the tenant still sees the dismissed checklist")
	}
	c, _ := domain.FindCompany(tt.App())
	bossRec, _ := tt.App().FindAuthRecordByEmail(domain.CollectionUsers, "direction@acme.test")
	if _, err := tt.App().FindFirstRecordByFilter("audit_events", "record = {:id} && actor = {:by}", dbx.Params{"id": c.Id, "by": bossRec.Id}); err != nil {
		t.Errorf("the dismissal is not in the audit trail: %v", err)
	}
	// dismissing again keeps the first date; tenant B still has its own
	first := c.OnboardingDismissed()
	if rec := tenanttest.PostForm(t, tt.Registry, tt.Host(), "/dashboard/onboarding/dismiss", nil, admin); rec.Code != http.StatusSeeOther {
		t.Errorf("second dismissal = %d", rec.Code)
	}
	if c, _ := domain.FindCompany(tt.App()); !c.OnboardingDismissed().Equal(first) {
		t.Error("a second dismissal moved the date")
	}
	if o, _ := domain.FindOnboarding(b.App()); !o.Visible() {
		t.Error("tenant B's checklist was dismissed with A's")
	}
}

func TestHelpMenuAndGuide(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	tt.User(domain.RoleCrew, "lucas@acme.test")
	admin := tt.Login(tt.Admin, tenanttest.Password)

	// the office shell's help menu leads to the guide
	d := doc(t, tenanttest.Get(t, tt.Registry, tt.Host(), "/people", admin).Body.String())
	if href, _ := testid(d, "help-guide").Attr("href"); href != "/help" || testid(d, "help-menu").Find("summary").Text() != "Aide" {
		t.Fatalf("help menu: guide at %q", href)
	}
	for _, c := range []*http.Cookie{admin, tt.Login("lucas@acme.test", tenanttest.Password)} {
		rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/help", c)
		d := doc(t, rec.Body.String())
		if rec.Code != http.StatusOK || testid(d, "help-page").Length() != 1 || d.Find("#"+docs.CrewAppAnchor).Length() != 1 {
			t.Errorf("/help = %d", rec.Code)
		}
		if d.Find(".guide-toc a").Length() < 5 || d.Find("#premiers-pas").Length() != 1 {
			t.Error("the guide has no table of contents or no getting-started section")
		}
	}
	if rec := tenanttest.Get(t, tt.Registry, tt.Host(), "/help"); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous /help = %d, want a redirect to sign in", rec.Code)
	}
}

func TestDemoCompanyIsPastItsFirstRun(t *testing.T) {
	t.Parallel()
	tt := handlertest.New(t)
	if err := domain.SeedDemo(tt.App()); err != nil {
		t.Fatal(err)
	}
	if _, _, _, ok := checklist(t, tt, tt.Login(tt.Admin, tenanttest.Password)); ok {
		t.Error("the demo company's dashboard shows the getting-started checklist")
	}
	if c, _ := domain.FindCompany(tt.App()); c.SIRET() == "" || c.Address() == "" {
		t.Error("the demo company has no SIRET or address")
	}
}
