package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ClockInput is a clock-in: who, where, when, and the one position taken
// at that moment (no tracking in between, CNIL).
type ClockInput struct {
	User   string // defaults to the actor
	Site   string
	Task   string
	Kind   string // on_site (default) or travel
	Source string // self (default), site_lead, office, sync
	At     time.Time
	Fix    GeoFix
}

// ClockIn opens a time entry for in.User (closing their open entry at
// that instant) and returns it. A crew member clocks in only themself and
// only on a site whose team they belong to.
func ClockIn(app core.App, actor *core.Record, in ClockInput) (*core.Record, error) {
	if actor == nil {
		return nil, Errorf(EForbidden, "err.sign_in_required")
	}
	if in.User == "" {
		in.User = actor.Id
	}
	if in.Source == "" {
		in.Source = SourceSelf
	}
	if in.Kind != "" && in.Kind != TimeOnSite && in.Kind != TimeTravel {
		return nil, FieldError("kind", "err.time.unknown_kind")
	}
	if in.At.IsZero() {
		return nil, FieldError("clock_in", "err.time.clock_in_required")
	}
	var site *core.Record
	if in.Site != "" {
		s, err := app.FindRecordById(CollectionSites, in.Site)
		if err != nil {
			return nil, FieldError("site", "err.site.not_found")
		}
		site = s
	} else if in.Kind != TimeTravel {
		return nil, FieldError("site", "err.choose_site")
	}
	if in.User != actor.Id && !CanReviewTime(actor, site) {
		return nil, Errorf(EForbidden, "err.time.lead_clocks_team")
	}
	if site != nil && in.User == actor.Id && !CanSeeSite(actor, site) {
		return nil, Errorf(EForbidden, "err.not_in_site_team")
	}
	var rec *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId(CollectionTimeEntries)
		if err != nil {
			return err
		}
		rec = core.NewRecord(col)
		rec.Load(map[string]any{"user": in.User, "site": in.Site, "task": in.Task, "kind": in.Kind, "source": in.Source, "clock_in": in.At.UTC()})
		SetFix(rec, "in_", in.Fix)
		SetActor(rec, actor.Id)
		if err := PrepareTimeEntry(tx, actor, rec, nil); err != nil {
			return err
		}
		return tx.Save(rec)
	})
	return rec, err
}

// ClockInTeam clocks in several people on a site at once (the site lead
// arriving with the crew), with the lead's own position.
func ClockInTeam(app core.App, actor *core.Record, site string, users []string, at time.Time, fix GeoFix) ([]*core.Record, error) {
	if len(users) == 0 {
		return nil, FieldError("users", "err.time.choose_person")
	}
	var out []*core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		for _, u := range users {
			r, err := ClockIn(tx, actor, ClockInput{User: u, Site: site, Source: SourceSiteLead, At: at, Fix: fix})
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// ClockOut closes the open entry id at at with the position at that moment.
func ClockOut(app core.App, actor *core.Record, id string, at time.Time, fix GeoFix) (*core.Record, error) {
	r, err := app.FindRecordById(CollectionTimeEntries, id)
	if err != nil || actor == nil {
		return nil, Errorf(ENotFound, "err.time.not_found")
	}
	if r.GetString("user") != actor.Id && !CanReviewTime(actor, siteOf(app, r)) {
		return nil, Errorf(EForbidden, "err.time.not_yours")
	}
	if r.GetString("status") != TimeOpen {
		return nil, Errorf(EConflict, "err.time.already_closed")
	}
	err = app.RunInTransaction(func(tx core.App) error {
		orig := r.Original()
		r.Set("clock_out", at.UTC())
		SetFix(r, "out_", fix)
		SetActor(r, actor.Id)
		if err := PrepareTimeEntry(tx, actor, r, orig); err != nil {
			return err
		}
		return tx.Save(r)
	})
	return r, err
}

// ReviewTimeEntry approves (locks) or rejects a submitted entry; a
// rejection needs a reason for the author.
func ReviewTimeEntry(app core.App, actor *core.Record, id string, approve bool, reason string) (*core.Record, error) {
	r, err := app.FindRecordById(CollectionTimeEntries, id)
	if err != nil {
		return nil, Errorf(ENotFound, "err.time.not_found")
	}
	switch r.GetString("status") {
	case TimeApproved:
		return nil, ErrTimeLocked
	case TimeOpen:
		return nil, Errorf(EConflict, "err.time.still_open")
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return nil, FieldError("edit_reason", "err.time.rejection_reason")
	}
	orig := r.Original()
	if approve {
		r.Set("status", TimeApproved)
	} else {
		r.Set("status", TimeRejected)
		r.Set("edit_reason", reason)
	}
	if actor != nil {
		r.Set("approved_by", actor.Id)
		SetActor(r, actor.Id)
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := PrepareTimeEntry(tx, actor, r, orig); err != nil {
			return err
		}
		return tx.Save(r)
	})
	return r, err
}

// TimeEdit is a correction of an entry's times or kind.
type TimeEdit struct {
	ClockIn, ClockOut time.Time
	Kind              string
	Reason            string
}

// EditTimeEntry corrects an entry. Once submitted, a reason is required
// and the audit trail keeps the before/after values; approved entries
// are locked (ErrTimeLocked).
func EditTimeEntry(app core.App, actor *core.Record, id string, in TimeEdit) (*core.Record, error) {
	r, err := app.FindRecordById(CollectionTimeEntries, id)
	if err != nil || actor == nil {
		return nil, Errorf(ENotFound, "err.time.not_found")
	}
	if r.GetString("user") != actor.Id && !CanReviewTime(actor, siteOf(app, r)) {
		return nil, Errorf(EForbidden, "err.time.not_yours")
	}
	orig := r.Original()
	if !in.ClockIn.IsZero() {
		r.Set("clock_in", in.ClockIn.UTC())
	}
	if !in.ClockOut.IsZero() {
		r.Set("clock_out", in.ClockOut.UTC())
	}
	if in.Kind != "" {
		r.Set("kind", in.Kind)
	}
	r.Set("edit_reason", strings.TrimSpace(in.Reason))
	if r.GetString("status") == TimeRejected {
		r.Set("status", TimeSubmitted)
	}
	SetActor(r, actor.Id)
	err = app.RunInTransaction(func(tx core.App) error {
		if err := PrepareTimeEntry(tx, actor, r, orig); err != nil {
			return err
		}
		return tx.Save(r)
	})
	return r, err
}

// FindOpenTimeEntry returns the user's open entry, or nil.
func FindOpenTimeEntry(app core.App, userID string) *core.Record {
	r, err := app.FindFirstRecordByFilter(CollectionTimeEntries, "user = {:u} && status = 'open'", dbx.Params{"u": userID})
	if err != nil {
		return nil
	}
	return r
}

// FindTimeEntries returns the user's entries started in [from, to), the
// latest first, with site and task expanded.
func FindTimeEntries(app core.App, userID string, from, to time.Time) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionTimeEntries, "user = {:u} && clock_in >= {:from} && clock_in < {:to}", "-clock_in", 200, 0,
		dbx.Params{"u": userID, "from": DBTime(from), "to": DBTime(to)})
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"site", "task"}, nil)
	return recs, nil
}

// FindTimeToReview returns the submitted entries actor may approve, the
// oldest first, with user and site expanded.
func FindTimeToReview(app core.App, actor *core.Record) ([]*core.Record, error) {
	recs, err := app.FindRecordsByFilter(CollectionTimeEntries, "status = 'submitted'", "clock_in", 500, 0)
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"site", "user", "task"}, nil)
	out := recs[:0]
	for _, r := range recs {
		if CanReviewTime(actor, r.ExpandedOne("site")) {
			out = append(out, r)
		}
	}
	return out, nil
}
