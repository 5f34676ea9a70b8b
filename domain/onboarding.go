package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Steps of the getting-started checklist a new tenant sees on its
// dashboard, in the order they are best done.
const (
	StepCompany    = "company"    // the company profile has its SIRET and address
	StepPeople     = "people"     // someone besides the first administrator
	StepSite       = "site"       // a first site
	StepTask       = "task"       // a first task
	StepAssignment = "assignment" // a task given to a person or a crew
	StepCrewApp    = "crew_app"   // a crew member has signed in (the crew app)
)

// OnboardingSteps lists the checklist's steps in display order.
var OnboardingSteps = []string{StepCompany, StepPeople, StepSite, StepTask, StepAssignment, StepCrewApp}

// Onboarding is the getting-started checklist of a tenant. Each step's
// state is read from the data itself, never ticked by hand, so it stays
// true when the work is done another way (REST API, import). Dismissing
// it hides it for the whole tenant; it is also hidden once complete.
type Onboarding struct {
	Done      map[string]bool
	Dismissed bool
	// FirstSiteID is the oldest site, whose Gantt is where a first task
	// is created ("" before any site).
	FirstSiteID string
}

// DoneCount returns how many steps are done.
func (o Onboarding) DoneCount() int {
	n := 0
	for _, s := range OnboardingSteps {
		if o.Done[s] {
			n++
		}
	}
	return n
}

// Visible reports whether the dashboard shows the checklist: neither
// dismissed nor complete.
func (o Onboarding) Visible() bool { return !o.Dismissed && o.DoneCount() < len(OnboardingSteps) }

// FindOnboarding computes the checklist of the tenant from its data.
func FindOnboarding(app core.App) (Onboarding, error) {
	o := Onboarding{Done: map[string]bool{}}
	c, err := FindCompany(app)
	if err != nil {
		return o, err
	}
	o.Dismissed = !c.OnboardingDismissed().IsZero()
	o.Done[StepCompany] = c.SIRET() != "" && c.Address() != ""
	people, err := CountActiveUsers(app)
	if err != nil {
		return o, err
	}
	o.Done[StepPeople] = people > 1
	sites, err := app.FindRecordsByFilter(CollectionSites, "", "created", 1, 0)
	if err != nil {
		return o, err
	}
	if len(sites) > 0 {
		o.Done[StepSite], o.FirstSiteID = true, sites[0].Id
	}
	checks := []struct {
		step, col, filter string
	}{
		{StepTask, CollectionTasks, ""},
		{StepAssignment, CollectionTasks, "assignees:length > 0 || crew != ''"},
		{StepCrewApp, CollectionUsers, "role = {:crew} && last_login != ''"},
	}
	for _, ch := range checks {
		recs, err := app.FindRecordsByFilter(ch.col, ch.filter, "", 1, 0, dbx.Params{"crew": RoleCrew})
		if err != nil {
			return o, err
		}
		o.Done[ch.step] = len(recs) > 0
	}
	return o, nil
}

// DismissOnboarding hides the checklist for the whole tenant; actor (who
// may see the dashboard) is recorded in the audit trail. Dismissing twice
// keeps the first date.
func DismissOnboarding(app core.App, actor *core.Record, now time.Time) error {
	c, err := FindCompany(app)
	if err != nil {
		return err
	}
	if !c.OnboardingDismissed().IsZero() {
		return nil
	}
	if actor == nil || !CanOpen(actor.GetString("role"), actor.GetBool("tenant_admin"), "dashboard") {
		return Errorf(EForbidden, "err.onboarding.forbidden")
	}
	c.SetOnboardingDismissed(now.UTC())
	SetActor(c.Record, actor.Id)
	return app.Save(c.Record)
}

// seedDemoCompany completes the demo company's profile and, the demo
// being an established company, hides its getting-started checklist.
func seedDemoCompany(tx core.App, now time.Time) error {
	c, err := FindCompany(tx)
	if err != nil {
		return err
	}
	c.SetSIRET("73282932000074")
	c.SetAddress("12 quai de la Fosse, 44000 Nantes")
	c.SetOnboardingDismissed(now.UTC())
	return tx.Save(c.Record)
}
