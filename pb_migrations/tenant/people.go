package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

func peopleUp(app core.App) error {
	users := pbm.Existing(app, "users").Add(
		pbm.Select("role", true, domain.Roles...),
		pbm.Text("phone", false, 32),
		pbm.Money("hourly_cost"),
		pbm.Bool("active"),
		pbm.Bool("tenant_admin"),
		pbm.Select("locale", false, "fr", "en"),
		pbm.Date("last_login", false),
	)
	// NB: a user may edit their own profile but never their role, admin
	// flag, activation or cost; only tenant admins and managers manage users.
	selfEdit := `id = @request.auth.id && @request.body.role:isset = false && @request.body.tenant_admin:isset = false && @request.body.active:isset = false && @request.body.hourly_cost:isset = false`
	manage := ruleUser + ` && (@request.auth.tenant_admin = true || @request.auth.role = "manager")`
	users.Rules(pbm.Rule(ruleUser), pbm.Rule(ruleUser), pbm.Rule(manage), pbm.Rule(selfEdit+` || (`+manage+`)`), pbm.Rule(manage))
	if err := users.Save(); err != nil {
		return err
	}
	return saveAll(
		apply(pbm.NewBase(app, "skills").Add(
			pbm.Text("code", true, 64),
			pbm.Text("name", true, 200),
			pbm.Text("sector", false, 8),
		).Index(true, "code"), officeWrite),
		apply(pbm.NewBase(app, "clearance_kinds").Add(
			pbm.Text("code", true, 32),
			pbm.Text("name", true, 200),
			pbm.Select("family", true, "habilitation_electrique", "aipr", "caces", "securite", "autre"),
			pbm.Int("validity_months", false),
		).Index(true, "code"), officeWrite),
		apply(pbm.NewBase(app, "user_skills").
			Rel("user", "users", true, 1, true).
			Rel("skill", "skills", true, 1, true).
			Add(pbm.Int("level", false)).
			Index(true, "user", "skill"), officeWrite),
		apply(pbm.NewBase(app, "clearances").
			Rel("user", "users", true, 1, true).
			Add(
				pbm.Text("kind", true, 32),
				pbm.Date("obtained_on", false),
				pbm.Date("valid_until", false),
				pbm.Text("issuer", false, 200),
				pbm.File("document", 1, 10<<20, "application/pdf", "image/jpeg", "image/png"),
			).Index(false, "user"), officeWrite),
	)
}
