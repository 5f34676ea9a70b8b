package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Statuses of a correction request (time_corrections).
const (
	CorrectionPending  = "pending"
	CorrectionApproved = "approved"
	CorrectionRefused  = "refused"
)

// CorrectionInput is a crew member's proposal of other times for one of
// their submitted or rejected entries, with its mandatory reason.
type CorrectionInput struct {
	ClockIn, ClockOut time.Time
	Kind              string // blank keeps the entry's
	Reason            string
}

// IsOffice reports whether u is an office role (manager, project
// manager, tenant admin): who reviews corrections and closes periods.
func IsOffice(u *core.Record) bool { return CanClosePeriod(u) }

// ProposeCorrection records actor's correction request for their entry
// entryID: the entry is unchanged until the office approves it
// (ReviewCorrection). An open entry is clocked out instead; an approved
// one is locked; a closed period refuses it.
func ProposeCorrection(app core.App, actor *core.Record, entryID string, in CorrectionInput) (TimeCorrection, error) {
	if actor == nil {
		return TimeCorrection{}, Errorf(EForbidden, "err.sign_in_required")
	}
	entry, err := FindTimeEntry(app, entryID)
	if err != nil {
		return TimeCorrection{}, Errorf(ENotFound, "err.time.not_found")
	}
	if entry.UserID() != actor.Id {
		return TimeCorrection{}, Errorf(EForbidden, "err.correction.own_only")
	}
	switch entry.Status() {
	case TimeOpen:
		return TimeCorrection{}, Errorf(EConflict, "err.correction.still_open")
	case TimeApproved:
		return TimeCorrection{}, ErrTimeLocked
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return TimeCorrection{}, FieldError("reason", "err.correction.reason")
	}
	if in.Kind != "" && in.Kind != TimeOnSite && in.Kind != TimeTravel {
		return TimeCorrection{}, FieldError("kind", "err.time.unknown_kind")
	}
	if err := checkCorrectionTimes(in.ClockIn, in.ClockOut); err != nil {
		return TimeCorrection{}, err
	}
	probe := entry.Fresh()
	probe.Set("clock_in", in.ClockIn)
	if err := checkPeriodOpen(app, probe, entry.Record); err != nil {
		return TimeCorrection{}, err
	}
	if n, _ := app.CountRecords(CollectionTimeCorrections, dbx.HashExp{"entry": entry.Id, "status": CorrectionPending}); n > 0 {
		return TimeCorrection{}, Errorf(EConflict, "err.correction.pending")
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionTimeCorrections)
	if err != nil {
		return TimeCorrection{}, err
	}
	c := TimeCorrection{core.NewRecord(col)}
	c.SetEntryID(entry.Id)
	c.SetUserID(actor.Id)
	c.SetClockIn(in.ClockIn.UTC())
	c.SetClockOut(in.ClockOut.UTC())
	c.SetKind(in.Kind)
	c.SetReason(in.Reason)
	c.SetStatus(CorrectionPending)
	SetActor(c.Record, actor.Id)
	return c, app.Save(c.Record)
}

// checkCorrectionTimes applies the entry bounds to proposed times.
func checkCorrectionTimes(in, out time.Time) error {
	switch {
	case in.IsZero():
		return FieldError("clock_in", "err.time.clock_in_required")
	case out.IsZero():
		return FieldError("clock_out", "err.correction.clock_out_required")
	case out.Before(in):
		return FieldError("clock_out", "err.time.out_before_in")
	case out.Sub(in) > TimeMaxDuration:
		return FieldError("clock_out", "err.time.too_long", int(TimeMaxDuration.Hours()))
	}
	now := time.Now()
	if err := CheckEventTime("clock_in", in, now); err != nil {
		return err
	}
	return CheckEventTime("clock_out", out, now)
}

// ReviewCorrection approves or refuses a pending correction (a refusal
// needs a note for the author). The office of the entry's site reviews
// (IsOffice and CanReviewTime). An approval writes the proposed times to
// the entry with the correction's reason and approves it, in one audited
// transaction with the correction.
func ReviewCorrection(app core.App, actor *core.Record, id string, approve bool, note string) (TimeCorrection, error) {
	c, err := FindTimeCorrection(app, id)
	if err != nil {
		return TimeCorrection{}, err
	}
	entry, err := FindTimeEntry(app, c.EntryID())
	if err != nil {
		return TimeCorrection{}, Errorf(ENotFound, "err.time.not_found")
	}
	if !IsOffice(actor) || !CanReviewTime(actor, siteOf(app, entry.Record)) {
		return TimeCorrection{}, Errorf(EForbidden, "err.correction.office_reviews")
	}
	if c.Status() != CorrectionPending {
		return TimeCorrection{}, Errorf(EConflict, "err.correction.reviewed")
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return TimeCorrection{}, FieldError("note", "err.correction.refusal_note")
	}
	err = app.RunInTransaction(func(tx core.App) error {
		c.SetStatus(CorrectionRefused)
		if approve {
			c.SetStatus(CorrectionApproved)
			if err := applyCorrection(tx, actor, entry, c); err != nil {
				return err
			}
		}
		c.SetReviewedByID(actor.Id)
		c.SetReviewNote(note)
		SetActor(c.Record, actor.Id)
		return tx.Save(c.Record)
	})
	return c, err
}

// applyCorrection writes c's times to entry and approves it.
func applyCorrection(tx core.App, actor *core.Record, entry TimeEntry, c TimeCorrection) error {
	orig := entry.Original()
	entry.SetClockIn(c.ClockIn())
	entry.SetClockOut(c.ClockOut())
	if c.Kind() != "" {
		entry.SetKind(c.Kind())
	}
	reason := c.Reason()
	if reason == orig.GetString("edit_reason") {
		reason += " (" + c.Id + ")" // the reason must change for the edit to be explained
	}
	entry.SetEditReason(reason)
	entry.SetStatus(TimeApproved)
	entry.SetApprovedByID(actor.Id)
	SetActor(entry.Record, actor.Id)
	if err := PrepareTimeEntry(tx, actor, entry.Record, orig); err != nil {
		return err
	}
	return tx.Save(entry.Record)
}

// FindCorrections returns the corrections with that status (all when
// blank) that actor may see: their own, and as office those of the
// sites they review; the latest first, with entry and user expanded.
func FindCorrections(app core.App, actor *core.Record, status string) ([]TimeCorrection, error) {
	filter, params := "", dbx.Params{}
	if status != "" {
		filter, params["s"] = "status = {:s}", status
	}
	recs, err := app.FindRecordsByFilter(CollectionTimeCorrections, filter, "-created", 200, 0, params)
	if err != nil {
		return nil, err
	}
	_ = app.ExpandRecords(recs, []string{"entry", "user", "entry.site"}, nil)
	var out []TimeCorrection
	for _, c := range AsTimeCorrections(recs) {
		e, _ := c.ExpandedEntry()
		var site *core.Record
		if e.Record != nil {
			site = e.ExpandedOne("site")
		}
		if c.UserID() == actor.Id || IsOffice(actor) && CanReviewTime(actor, site) {
			out = append(out, c)
		}
	}
	return out, nil
}
