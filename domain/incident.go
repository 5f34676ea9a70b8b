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
		return FieldError("site", "Choisissez le chantier / choose the site")
	case !contains(IncidentKinds(), r.GetString("kind")):
		return FieldError("kind", "Choisissez le type d'aléa / choose the kind of incident")
	case !contains(IncidentSeverities(), r.GetString("severity")):
		return FieldError("severity", "Choisissez la gravité / choose the severity")
	case r.GetString("description") == "":
		return FieldError("description", "Décrivez l'aléa / describe the incident")
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
		return nil, Errorf(EForbidden, "Connexion requise / sign-in required")
	}
	if in.Site != "" {
		site, err := app.FindRecordById(CollectionSites, in.Site)
		if err != nil {
			return nil, FieldError("site", "Chantier introuvable / site not found")
		}
		if !CanSeeSite(actor, site) {
			return nil, Errorf(EForbidden, "Vous ne faites pas partie de l'équipe de ce chantier / you are not in this site's team")
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
