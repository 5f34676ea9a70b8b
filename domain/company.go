package domain

import (
	"github.com/pocketbase/pocketbase/core"
)

// Company is the tenant's single company profile record.
type Company struct{ *core.Record }

// Name returns the company name.
func (c Company) Name() string { return c.GetString("name") }

// Sector returns the company's sector code.
func (c Company) Sector() string { return c.GetString("sector") }

// Timezone returns the IANA time zone (default Europe/Paris).
func (c Company) Timezone() string {
	if tz := c.GetString("timezone"); tz != "" {
		return tz
	}
	return "Europe/Paris"
}

// FindCompany returns the tenant's company profile.
func FindCompany(app core.App) (Company, error) {
	r, err := app.FindFirstRecordByFilter(CollectionCompany, "")
	if err != nil {
		return Company{}, Errorf(ENotFound, "Profil de l'entreprise introuvable / company profile not found")
	}
	return Company{r}, nil
}
