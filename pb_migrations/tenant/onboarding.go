package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// onboardingUp remembers, per tenant, when the getting-started checklist
// of the dashboard was dismissed (issue #15): empty while it shows.
func onboardingUp(app core.App) error {
	return pbm.Existing(app, "company").Add(pbm.Date("onboarding_dismissed", false)).Save()
}
