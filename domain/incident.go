package domain

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// CollectionIncidents is the incidents (aléas) collection.
const CollectionIncidents = "incidents"

// IncidentKinds lists the kinds of incident in display order.
func IncidentKinds() []string {
	return []string{"safety", "weather", "delay", "damage", "quality", "network_strike", "other"}
}

// IncidentSeverities lists the severities, mildest first.
func IncidentSeverities() []string { return []string{"low", "medium", "high", "critical"} }

// IncidentInput is an incident reported from the field.
type IncidentInput struct {
	Site        string
	Task        string
	Kind        string
	Severity    string
	Description string
	Fix         GeoFix
}

// PrepareIncident checks an incident record before it is saved and sets
// its defaults (status open).
func PrepareIncident(r *core.Record) error {
	r.Set("description", strings.TrimSpace(r.GetString("description")))
	switch {
	case r.GetString("site") == "":
		return FieldError("site", "err.choose_site")
	case !contains(IncidentKinds(), r.GetString("kind")):
		return FieldError("kind", "err.incident.choose_kind")
	case !contains(IncidentSeverities(), r.GetString("severity")):
		return FieldError("severity", "err.incident.choose_severity")
	case r.GetString("description") == "":
		return FieldError("description", "err.incident.describe")
	}
	if r.GetString("status") == "" {
		r.Set("status", "open")
	}
	return nil
}

// ReportIncident records an incident on a site the actor can see. The
// site lead and project manager are notified through the live-update
// broker (their pages subscribe to incidents) once it is committed.
func ReportIncident(app core.App, actor *core.Record, in IncidentInput) (*core.Record, error) {
	if actor == nil {
		return nil, Errorf(EForbidden, "err.sign_in_required")
	}
	if in.Site != "" {
		site, err := app.FindRecordById(CollectionSites, in.Site)
		if err != nil {
			return nil, FieldError("site", "err.site.not_found")
		}
		if !CanSeeSite(actor, site) {
			return nil, Errorf(EForbidden, "err.not_in_site_team")
		}
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionIncidents)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(col)
	r.Load(map[string]any{"site": in.Site, "task": in.Task, "kind": in.Kind, "severity": in.Severity,
		"description": in.Description, "reported_by": actor.Id})
	SetFix(r, "", in.Fix)
	if err := PrepareIncident(r); err != nil {
		return nil, err
	}
	SetActor(r, actor.Id)
	if err := app.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}
