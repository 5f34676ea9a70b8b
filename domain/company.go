package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Company is the tenant's single company profile record.
type Company struct{ *core.Record }

// Name returns the company name.
func (c Company) Name() string { return c.GetString("name") }

// Sector returns the company's sector code.
func (c Company) Sector() string { return c.GetString("sector") }

// Timezone returns the IANA time zone (default DefaultTimezone).
func (c Company) Timezone() string {
	if tz := c.GetString("timezone"); tz != "" {
		return tz
	}
	return DefaultTimezone
}

// FindCompany returns the tenant's company profile.
func FindCompany(app core.App) (Company, error) {
	r, err := app.FindFirstRecordByFilter(CollectionCompany, "")
	if err != nil {
		return Company{}, Errorf(ENotFound, "err.company.not_found")
	}
	return Company{r}, nil
}

// CompanyInput is the settings form of a tenant admin.
type CompanyInput struct {
	Name     string
	Sector   string
	Timezone string
	Locale   string
	Siret    string
	Address  string
	Calendar CalendarConfig
	// Overtime: zero values take the French defaults (OvertimeRules.Normalized).
	Overtime OvertimeRules
}

// Calendar returns the stored working calendar configuration.
func (c Company) Calendar() CalendarConfig {
	var cfg CalendarConfig
	_ = c.UnmarshalJSONField("calendar", &cfg)
	return cfg
}

// Input returns the current settings as a form input.
func (c Company) Input() CompanyInput {
	return CompanyInput{
		Name: c.Name(), Sector: c.Sector(), Timezone: c.Timezone(), Locale: c.GetString("locale"),
		Siret: c.GetString("siret"), Address: c.GetString("address"), Calendar: c.Calendar(),
		Overtime: c.OvertimeRules(),
	}
}

// Validate checks the settings; the first error names its field.
func (in *CompanyInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Siret = strings.ReplaceAll(in.Siret, " ", "")
	if in.Name == "" {
		return FieldError("name", "err.company.name_required")
	}
	if !ValidSector(in.Sector) {
		return FieldError("sector", "err.unknown_sector")
	}
	if _, err := time.LoadLocation(in.Timezone); err != nil || in.Timezone == "" {
		return FieldError("timezone", "err.company.unknown_timezone", in.Timezone)
	}
	if in.Locale != "fr" && in.Locale != "en" {
		return FieldError("locale", "err.company.unsupported_language")
	}
	if in.Siret != "" && !validSiret(in.Siret) {
		return FieldError("siret", "err.company.invalid_siret")
	}
	if len(in.Calendar.WorkDays) == 0 {
		return FieldError("work_days", "err.company.no_work_day")
	}
	if _, err := NewWorkCalendar(in.Calendar); err != nil {
		return err
	}
	return in.validateOvertime()
}

// validateOvertime normalizes the overtime rules and checks their bounds:
// a legal week of 1–48 h, the first band ending by 60 h, premiums of
// 10–300 % (the Code du travail's floor is 10 %).
func (in *CompanyInput) validateOvertime() error {
	o := in.Overtime
	switch {
	case o.WeeklyHours < 0 || o.WeeklyHours > 48:
		return FieldError("overtime_weekly_hours", "err.company.overtime_hours", 1, 48)
	case o.Tier1Hours < 0 || o.Tier1Hours > 60:
		return FieldError("overtime_tier1_hours", "err.company.overtime_hours", 1, 60)
	case o.Tier1Pct != 0 && (o.Tier1Pct < 10 || o.Tier1Pct > 300):
		return FieldError("overtime_tier1_pct", "err.company.overtime_pct")
	case o.Tier2Pct != 0 && (o.Tier2Pct < 10 || o.Tier2Pct > 300):
		return FieldError("overtime_tier2_pct", "err.company.overtime_pct")
	}
	in.Overtime = o.Normalized()
	return nil
}

// validSiret checks a French SIRET number (14 digits, Luhn checksum).
func validSiret(s string) bool {
	if len(s) != 14 {
		return false
	}
	sum := 0
	for i, r := range s {
		if r < '0' || r > '9' {
			return false
		}
		d := int(r - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// UpdateCompany validates and saves the company settings. A new primary
// sector is enabled like EnableSector does (its pack added, in the same
// transaction) and the former one stays enabled.
func UpdateCompany(app core.App, actor *core.Record, in CompanyInput) (Company, error) {
	if err := in.Validate(); err != nil {
		return Company{}, err
	}
	var c Company
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		if c, err = FindCompany(tx); err != nil {
			return err
		}
		enabled := c.EnabledSectors()
		if !c.HasSector(in.Sector) {
			if _, err := addSectorPack(tx, actor, in.Sector); err != nil {
				return err
			}
		}
		c.Load(map[string]any{
			"name": in.Name, "sector": in.Sector, "timezone": in.Timezone, "locale": in.Locale,
			"siret": in.Siret, "address": in.Address, "calendar": in.Calendar,
			"sectors": otherSectors(in.Sector, enabled), "overtime_weekly_hours": in.Overtime.WeeklyHours,
			"overtime_tier1_hours": in.Overtime.Tier1Hours, "overtime_tier1_pct": in.Overtime.Tier1Pct,
			"overtime_tier2_pct": in.Overtime.Tier2Pct,
		})
		setActor(c.Record, actor)
		return tx.Save(c.Record)
	})
	if err != nil {
		return Company{}, err
	}
	s := app.Settings()
	if s.Meta.AppName != in.Name {
		s.Meta.AppName = in.Name
		if err := app.Save(s); err != nil {
			return Company{}, err
		}
	}
	return c, nil
}
