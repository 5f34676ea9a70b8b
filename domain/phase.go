package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// PhaseInput is the form of a phase (lot / étape) of a site.
type PhaseInput struct {
	Name       string
	Start, End time.Time
	Status     string
	Progress   float64
	// Budget is the phase's share of the site's budget (€); nil leaves
	// it unchanged (only CanEditRates may set it).
	Budget *float64
}

// Validate checks a phase: name, coherent dates, progress 0–100, and a
// status matching the progress (done means 100 %).
func (in *PhaseInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Status == "" {
		in.Status = "todo"
	}
	switch {
	case in.Name == "":
		return FieldError("name", "err.phase.name_required")
	case !in.Start.IsZero() && !in.End.IsZero() && in.End.Before(in.Start):
		return FieldError("end", "err.phase.end_before_start")
	case in.Progress < 0 || in.Progress > 100:
		return FieldError("progress", "err.phase.progress_range")
	case !contains([]string{"todo", "in_progress", "done"}, in.Status):
		return FieldError("status", "err.unknown_status")
	}
	if in.Status == "done" {
		in.Progress = 100
	} else if in.Progress == 100 {
		in.Status = "done"
	} else if in.Progress > 0 && in.Status == "todo" {
		in.Status = "in_progress"
	}
	return nil
}

func (in PhaseInput) fields() map[string]any {
	f := map[string]any{"name": in.Name, "status": in.Status, "progress": in.Progress, "start": "", "end": ""}
	if !in.Start.IsZero() {
		f["start"] = in.Start.UTC()
	}
	if !in.End.IsZero() {
		f["end"] = in.End.UTC()
	}
	return f
}

// FindPhases returns a site's phases in order.
func FindPhases(app core.App, siteID string) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionPhases, "site = {:site}", "position,created", 0, 0, dbx.Params{"site": siteID})
}

// AddPhase appends a phase at the end of a site's phases.
func AddPhase(app core.App, actor *core.Record, siteID string, in PhaseInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if _, err := app.FindRecordById(CollectionSites, siteID); err != nil {
		return nil, Errorf(ENotFound, "err.site.not_found")
	}
	existing, err := FindPhases(app, siteID)
	if err != nil {
		return nil, err
	}
	f := in.fields()
	if err := applyRate(f, actor, "budget", in.Budget, MaxPhaseBudget); err != nil {
		return nil, err
	}
	f["site"], f["position"] = siteID, len(existing)+1
	return newChild(app, CollectionPhases, f, actor)
}

// UpdatePhase saves a phase's form.
func UpdatePhase(app core.App, actor *core.Record, phaseID string, in PhaseInput) (*core.Record, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	p, err := app.FindRecordById(CollectionPhases, phaseID)
	if err != nil {
		return nil, Errorf(ENotFound, "err.phase.not_found")
	}
	f := in.fields()
	if err := applyRate(f, actor, "budget", in.Budget, MaxPhaseBudget); err != nil {
		return nil, err
	}
	p.Load(f)
	setActor(p, actor)
	return p, app.Save(p)
}

// MovePhase moves a phase one place up (delta -1) or down (+1) and
// renumbers the site's phases 1..n, in one transaction.
func MovePhase(app core.App, actor *core.Record, phaseID string, delta int) error {
	return app.RunInTransaction(func(tx core.App) error {
		p, err := tx.FindRecordById(CollectionPhases, phaseID)
		if err != nil {
			return Errorf(ENotFound, "err.phase.not_found")
		}
		list, err := FindPhases(tx, p.GetString("site"))
		if err != nil {
			return err
		}
		i := -1
		for k, r := range list {
			if r.Id == phaseID {
				i = k
			}
		}
		j := i + delta
		if i < 0 || j < 0 || j >= len(list) {
			return nil // already first/last: nothing to do
		}
		list[i], list[j] = list[j], list[i]
		for k, r := range list {
			if r.GetInt("position") != k+1 {
				r.Set("position", k+1)
				setActor(r, actor)
				if err := tx.Save(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// SiteProgress is the duration-weighted progress of a site's phases
// (phases without dates count for one day).
func SiteProgress(phases []*core.Record) float64 {
	var total, done float64
	for _, p := range phases {
		w := 1.0
		s, e := p.GetDateTime("start").Time(), p.GetDateTime("end").Time()
		if !s.IsZero() && !e.IsZero() {
			w = e.Sub(s).Hours()/24 + 1
		}
		total += w
		done += w * p.GetFloat("progress") / 100
	}
	if total == 0 {
		return 0
	}
	return done / total * 100
}
