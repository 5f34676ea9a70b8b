package tenants

import (
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
)

// LicenceInput changes a tenant's licence (issue #19). Nil fields keep
// their value; Seats 0 means the plan's seats, Modules empty the plan's
// modules; a zero Expires (with SetExpires) removes the end date.
type LicenceInput struct {
	Plan       string
	Seats      *int
	Expires    time.Time
	SetExpires bool
	Starts     *time.Time
	Trial      *bool
	GraceDays  *int
	Modules    *[]string
}

// SetLicence changes a tenant's plan, seats, modules and licence dates in
// the control plane, audited; every process sees it within the
// entitlements TTL (this one at once), without restart.
func (r *Registry) SetLicence(slug string, in LicenceInput, actor string) (Info, error) {
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return Info{}, err
	}
	if rec.GetString("status") == StatusDeleted {
		return Info{}, domain.Errorf(domain.EGone, "err.tenant.deleted", slug)
	}
	detail := map[string]any{}
	if in.Plan != "" {
		if _, err := r.platform.FindFirstRecordByData("plans", "code", in.Plan); err != nil {
			return Info{}, domain.FieldError("plan", "err.tenant.unknown_plan", in.Plan)
		}
		rec.Set("plan", in.Plan)
		detail["plan"] = in.Plan
	}
	if in.Seats != nil {
		if *in.Seats < 0 || *in.Seats > 100000 {
			return Info{}, domain.FieldError("seats", "err.tenant.seats")
		}
		rec.Set("seats", *in.Seats)
		detail["seats"] = *in.Seats
	}
	if in.GraceDays != nil {
		if *in.GraceDays < 0 || *in.GraceDays > 365 {
			return Info{}, domain.FieldError("grace_days", "err.tenant.grace_days")
		}
		rec.Set("grace_days", *in.GraceDays)
		detail["grace_days"] = *in.GraceDays
	}
	if in.Modules != nil {
		for _, m := range *in.Modules {
			if !slices.Contains(domain.PlanModules, m) {
				return Info{}, domain.FieldError("modules", "err.tenant.module", m)
			}
		}
		rec.Set("modules", *in.Modules)
		detail["modules"] = *in.Modules
	}
	if in.SetExpires {
		rec.Set("licence_expires", dateOrEmpty(in.Expires))
		detail["licence_expires"] = dayString(in.Expires)
	}
	if in.Starts != nil {
		rec.Set("licence_starts", dateOrEmpty(*in.Starts))
		detail["licence_starts"] = dayString(*in.Starts)
	}
	if in.Trial != nil {
		rec.Set("trial", *in.Trial)
		detail["trial"] = *in.Trial
	}
	if s, e := rec.GetDateTime("licence_starts").Time(), rec.GetDateTime("licence_expires").Time(); !s.IsZero() && !e.IsZero() && e.Before(s) {
		return Info{}, domain.FieldError("licence_expires", "err.tenant.licence_before_start")
	}
	err = r.platform.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(rec); err != nil {
			return err
		}
		return PlatformAudit(tx, actor, "tenant.licence", slug, detail)
	})
	if err != nil {
		return Info{}, err
	}
	return r.Get(slug)
}

func dateOrEmpty(t time.Time) any {
	if t.IsZero() {
		return ""
	}
	return t.UTC()
}

// dayString formats a licence date (YYYY-MM-DD), "" for none.
func dayString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// LicenceSettings is a tenant's licence as set in the control plane (its
// own overrides, not the values in force: see Info and Entitlements).
type LicenceSettings struct {
	Plan      string
	Seats     int      // 0: the plan's
	Modules   []string // empty: the plan's
	Starts    time.Time
	Expires   time.Time
	GraceDays int // 0: domain.DefaultGraceDays
	Trial     bool
}

// LicenceOf returns a tenant's licence settings.
func (r *Registry) LicenceOf(slug string) (LicenceSettings, error) {
	rec, err := r.findTenantRecord(slug)
	if err != nil {
		return LicenceSettings{}, err
	}
	return LicenceSettings{
		Plan: rec.GetString("plan"), Seats: rec.GetInt("seats"), Modules: rec.GetStringSlice("modules"),
		Starts: rec.GetDateTime("licence_starts").Time(), Expires: rec.GetDateTime("licence_expires").Time(),
		GraceDays: rec.GetInt("grace_days"), Trial: rec.GetBool("trial"),
	}, nil
}
