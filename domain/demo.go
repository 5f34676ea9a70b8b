package domain

import (
	"github.com/pocketbase/pocketbase/core"
)

// DemoPassword is the password of every demo account. The demo tenant
// holds fictitious data only.
const DemoPassword = "fieldops-demo"

// DemoUsers returns the demo tenant's people, one per role first.
func DemoUsers() []NewUser {
	return []NewUser{
		{Email: "claire.martin@demo.fieldops360.fr", Name: "Claire Martin", Role: RoleManager, Phone: "+33 6 12 34 56 01", HourlyCost: 58},
		{Email: "julien.bernard@demo.fieldops360.fr", Name: "Julien Bernard", Role: RoleProjectManager, Phone: "+33 6 12 34 56 02", HourlyCost: 46},
		{Email: "karim.haddad@demo.fieldops360.fr", Name: "Karim Haddad", Role: RoleSiteLead, Phone: "+33 6 12 34 56 03", HourlyCost: 38},
		{Email: "lucas.petit@demo.fieldops360.fr", Name: "Lucas Petit", Role: RoleCrew, Phone: "+33 6 12 34 56 04", HourlyCost: 31},
	}
}

// SeedDemo fills a freshly provisioned demo tenant with realistic data.
// It runs in one transaction.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		for _, u := range DemoUsers() {
			u.Password = DemoPassword
			if _, err := CreateUser(tx, u); err != nil {
				return err
			}
		}
		return nil
	})
}
