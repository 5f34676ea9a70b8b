package domain

import (
	"math"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Site statuses, in lifecycle order.
const (
	SiteDraft     = "draft"
	SitePlanned   = "planned"
	SiteActive    = "active"
	SiteOnHold    = "on_hold"
	SiteDone      = "done"
	SiteCancelled = "cancelled"
)

// SiteStatuses lists the statuses in lifecycle order.
func SiteStatuses() []string {
	return []string{SiteDraft, SitePlanned, SiteActive, SiteOnHold, SiteDone, SiteCancelled}
}

// SiteInput is the create/edit form of a site (chantier).
type SiteInput struct {
	Code           string
	Name           string
	Sector         string
	Status         string
	Client         string
	Address        string
	Lat, Lng       *float64
	GeofenceM      int
	Start, End     time.Time
	Budget         float64
	ContractAmount float64
	ProjectManager string
	SiteLead       string
	Team           []string
	SectorFields   map[string]string
	Notes          string
	Template       string // site_templates code, on create only
}

// Validate checks a site form; the first error names its field.
// Business rules: a code is required (unique per tenant, checked on save),
// dates are coherent, amounts are not negative, coordinates are either
// both given and in range or both empty.
func (in *SiteInput) Validate() error {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = strings.TrimSpace(in.Name)
	if in.Status == "" {
		in.Status = SitePlanned
	}
	switch {
	case in.Code == "":
		return FieldError("code", "err.site.code_required")
	case len(in.Code) > 32 || strings.ContainsAny(in.Code, " /\\?#"):
		return FieldError("code", "err.site.invalid_code")
	case in.Name == "":
		return FieldError("name", "err.site.name_required")
	case !ValidSector(in.Sector):
		return FieldError("sector", "err.unknown_sector")
	case !contains(SiteStatuses(), in.Status):
		return FieldError("status", "err.unknown_status")
	case !in.Start.IsZero() && !in.End.IsZero() && in.End.Before(in.Start):
		return FieldError("end", "err.site.end_before_start")
	case in.Budget < 0 || math.IsNaN(in.Budget):
		return FieldError("budget", "err.site.budget_negative")
	case in.ContractAmount < 0 || math.IsNaN(in.ContractAmount):
		return FieldError("contract_amount", "err.site.contract_negative")
	case (in.Lat == nil) != (in.Lng == nil):
		return FieldError("lat", "err.site.lat_lng_pair")
	case in.Lat != nil && (*in.Lat < -90 || *in.Lat > 90):
		return FieldError("lat", "err.site.lat_range")
	case in.Lng != nil && (*in.Lng < -180 || *in.Lng > 180):
		return FieldError("lng", "err.site.lng_range")
	case in.GeofenceM < 0 || in.GeofenceM > 5000:
		return FieldError("geofence_m", "err.site.geofence_range")
	}
	if in.GeofenceM == 0 {
		in.GeofenceM = 150
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (in SiteInput) fields() map[string]any {
	f := map[string]any{
		"code": in.Code, "name": in.Name, "sector": in.Sector, "status": in.Status, "client": in.Client,
		"address": strings.TrimSpace(in.Address), "geofence_m": in.GeofenceM, "budget": in.Budget,
		"contract_amount": in.ContractAmount, "project_manager": in.ProjectManager, "site_lead": in.SiteLead,
		"team": in.Team, "sector_fields": in.SectorFields, "notes": in.Notes, "start": "", "end": "", "lat": nil, "lng": nil,
	}
	if !in.Start.IsZero() {
		f["start"] = in.Start.UTC()
	}
	if !in.End.IsZero() {
		f["end"] = in.End.UTC()
	}
	if in.Lat != nil {
		f["lat"], f["lng"] = *in.Lat, *in.Lng
	}
	return f
}

// codeTaken reports whether another site uses code.
func codeTaken(app core.App, code, exceptID string) bool {
	n, _ := app.CountRecords(CollectionSites, dbx.HashExp{"code": code}, dbx.Not(dbx.HashExp{"id": exceptID}))
	return n > 0
}

// CreateSite validates and creates a site; with a template it also copies
// the template's phases (dated from the site start) and milestones, all
// in one transaction.
//
// A project manager who creates a site without naming its project manager
// becomes it (otherwise they could not edit what they just created).
func CreateSite(app core.App, actor *core.Record, in SiteInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.ProjectManager == "" && actor != nil && actor.GetString("role") == RoleProjectManager {
		in.ProjectManager = actor.Id
	}
	var site *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		if codeTaken(tx, in.Code, "") {
			return FieldError("code", "err.site.code_taken", in.Code)
		}
		col, err := tx.FindCachedCollectionByNameOrId(CollectionSites)
		if err != nil {
			return err
		}
		site = core.NewRecord(col)
		site.Load(in.fields())
		site.Set("template", in.Template)
		setActor(site, actor)
		if err := tx.Save(site); err != nil {
			return err
		}
		if in.Template != "" {
			return applyTemplate(tx, actor, site, in.Template)
		}
		return nil
	})
	return site, err
}

// UpdateSite validates and saves a site's form.
func UpdateSite(app core.App, actor *core.Record, id string, in SiteInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	site, err := app.FindRecordById(CollectionSites, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	if codeTaken(app, in.Code, id) {
		return nil, FieldError("code", "err.site.code_taken", in.Code)
	}
	site.Load(in.fields())
	setActor(site, actor)
	if err := app.Save(site); err != nil {
		return nil, err
	}
	return site, nil
}

func setActor(r *core.Record, actor *core.Record) {
	if actor != nil {
		SetActor(r, actor.Id)
	}
}

// SiteFilter narrows the sites list.
type SiteFilter struct {
	Status, Sector, ProjectManager, Query string
}

// FindSites returns the sites matching f, by code, with client and
// managers expanded.
func FindSites(app core.App, f SiteFilter) ([]*core.Record, error) {
	var parts []string
	p := dbx.Params{}
	if f.Status != "" {
		parts, p["status"] = append(parts, "status = {:status}"), f.Status
	}
	if f.Sector != "" {
		parts, p["sector"] = append(parts, "sector = {:sector}"), f.Sector
	}
	if f.ProjectManager != "" {
		parts, p["pm"] = append(parts, "project_manager = {:pm}"), f.ProjectManager
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		parts, p["q"] = append(parts, "(code ~ {:q} || name ~ {:q} || address ~ {:q} || client.name ~ {:q})"), q
	}
	recs, err := app.FindRecordsByFilter(CollectionSites, strings.Join(parts, " && "), "code", 500, 0, p)
	if err != nil {
		return nil, err
	}
	if errs := app.ExpandRecords(recs, []string{"client", "project_manager", "site_lead"}, nil); len(errs) > 0 {
		for _, e := range errs {
			return nil, e
		}
	}
	return recs, nil
}

// FindSiteBookings returns the vehicle and tool reservations of a site,
// newest first, with the user, vehicle and equipment expanded.
func FindSiteBookings(app core.App, siteID string) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter("reservations", "site = {:s}", "-from", 100, 0, dbx.Params{"s": siteID})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"user", "vehicle", "equipment"}, nil)
	return recs, nil
}

// FindSiteIncidents returns the incidents reported on a site, newest
// first, with their reporter expanded.
func FindSiteIncidents(app core.App, siteID string) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter("incidents", "site = {:s}", "-created", 200, 0, dbx.Params{"s": siteID})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"reported_by"}, nil)
	return recs, nil
}
