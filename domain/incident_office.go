package domain

import (
	"math"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// IncidentEdit is the office's form of an incident: its qualification
// (kind, severity), description, the person following it up, and its
// impact in working days on a task of the site and in euros.
type IncidentEdit struct {
	Kind        string
	Severity    string
	Description string
	AssignedTo  string  // a user id, "" for nobody
	Task        string  // the task the impact in days applies to
	ImpactDays  float64 // whole working days added to Task's duration
	ImpactEUR   float64 // counted in the site's costs
}

// CanManageIncident reports whether u may qualify, assign, edit, close
// or reopen incidents of the site: who runs its day-to-day (the site
// lead, the project manager, managers and tenant admins).
func CanManageIncident(u, site *core.Record) bool { return CanEditSiteDay(u, site) }

// incidentForEdit loads an incident and its site for an actor who may
// manage it: ENotFound when the actor may not see it, EForbidden when
// they see but may not manage it.
func incidentForEdit(app core.App, actor *core.Record, id string) (Incident, *core.Record, error) {
	inc, err := FindIncident(app, id)
	if err != nil {
		return inc, nil, Errorf(ENotFound, "err.incident.not_found")
	}
	site, err := app.FindRecordById(CollectionSites, inc.SiteID())
	if err != nil || !CanSeeSite(actor, site) {
		return inc, nil, Errorf(ENotFound, "err.incident.not_found")
	}
	if !CanManageIncident(actor, site) {
		return inc, nil, Errorf(EForbidden, "err.incident.forbidden")
	}
	return inc, site, nil
}

// validateIncidentEdit checks the office's form, field by field.
func validateIncidentEdit(app core.App, in *IncidentEdit) error {
	in.Description = strings.TrimSpace(in.Description)
	switch {
	case !contains(IncidentKinds(), in.Kind):
		return FieldError("kind", "err.incident.choose_kind")
	case !contains(IncidentSeverities(), in.Severity):
		return FieldError("severity", "err.incident.choose_severity")
	case in.Description == "":
		return FieldError("description", "err.incident.describe")
	case in.ImpactDays < 0 || in.ImpactDays > MaxDays || in.ImpactDays != math.Trunc(in.ImpactDays) || math.IsNaN(in.ImpactDays):
		return FieldError("impact_days", "err.incident.impact_days")
	case in.ImpactEUR < 0 || in.ImpactEUR > MaxAmount || math.IsNaN(in.ImpactEUR):
		return FieldError("impact_eur", "err.incident.impact_eur")
	case in.ImpactDays > 0 && in.Task == "":
		return FieldError("task", "err.incident.impact_task")
	}
	if in.AssignedTo != "" {
		u, err := app.FindRecordById(CollectionUsers, in.AssignedTo)
		if err != nil || !u.GetBool("active") {
			return FieldError("assigned_to", "err.incident.assignee")
		}
	}
	return nil
}

// UpdateIncident qualifies, assigns and edits an incident and sets its
// impact. A change of the impact in days lengthens (or shortens) the
// chosen task by the difference, as every save of an incident does
// (incidentImpactSaved): the task's successors move, the site's finish
// follows, every moved task is audited. All of it is one transaction.
func UpdateIncident(app core.App, actor *core.Record, id string, in IncidentEdit, now time.Time) (Incident, error) {
	var out Incident
	err := app.RunInTransaction(func(tx core.App) error {
		inc, site, err := incidentForEdit(tx, actor, id)
		if err != nil {
			return err
		}
		if err := validateIncidentEdit(tx, &in); err != nil {
			return err
		}
		if in.Task != "" {
			if _, err := siteTask(tx, site.Id, in.Task); err != nil {
				return FieldError("task", "err.write.task_not_on_site")
			}
		}
		inc.SetKind(in.Kind)
		inc.SetSeverity(in.Severity)
		inc.SetDescription(in.Description)
		inc.SetAssignedToID(in.AssignedTo)
		inc.SetTaskID(in.Task)
		inc.SetImpactDays(in.ImpactDays)
		inc.SetImpactEUR(math.Round(in.ImpactEUR*100) / 100)
		if inc.Status() == "open" && in.AssignedTo != "" {
			inc.SetStatus("in_progress")
		}
		SetActor(inc.Record, actor.Id)
		out = inc
		return tx.Save(inc.Record)
	})
	return out, err
}

// CloseIncident closes an incident with its resolution (required).
func CloseIncident(app core.App, actor *core.Record, id, resolution string) (Incident, error) {
	inc, _, err := incidentForEdit(app, actor, id)
	if err != nil {
		return inc, err
	}
	resolution = strings.TrimSpace(resolution)
	if resolution == "" {
		return inc, FieldError("resolution", "err.incident.resolution")
	}
	if inc.Status() == "closed" {
		return inc, Errorf(EConflict, "err.incident.already_closed")
	}
	inc.SetResolution(resolution)
	inc.SetStatus("closed")
	SetActor(inc.Record, actor.Id)
	return inc, app.Save(inc.Record)
}

// ReopenIncident reopens a closed or resolved incident; its resolution
// stays on record until it is closed again.
func ReopenIncident(app core.App, actor *core.Record, id string) (Incident, error) {
	inc, _, err := incidentForEdit(app, actor, id)
	if err != nil {
		return inc, err
	}
	if inc.Status() != "closed" && inc.Status() != "resolved" {
		return inc, Errorf(EConflict, "err.incident.not_closed")
	}
	inc.SetStatus("open")
	SetActor(inc.Record, actor.Id)
	return inc, app.Save(inc.Record)
}
