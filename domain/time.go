package domain

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// CollectionTimeEntries is the time clock (pointage) collection.
const CollectionTimeEntries = "time_entries"

// Time entry statuses. An entry is open while the person is clocked in,
// submitted once clocked out, then approved (locked) or rejected (the
// author corrects it, with a reason, and it is submitted again).
const (
	TimeOpen      = "open"
	TimeSubmitted = "submitted"
	TimeApproved  = "approved"
	TimeRejected  = "rejected"
)

// Kinds of time: on site or travelling between sites (paid differently).
const (
	TimeOnSite = "on_site"
	TimeTravel = "travel"
)

// Sources of a clock-in.
const (
	SourceSelf     = "self"
	SourceSiteLead = "site_lead"
	SourceOffice   = "office"
	SourceSync     = "sync"
)

// Bounds of time entries: one entry lasts at most TimeMaxDuration (a
// longer one is a forgotten clock-out: see checkTimeSpan); a person
// records their own time at most TimeSelfBackdate after the clock-in
// (the crew app's offline outbox included) — older time is recorded by
// the site lead or the office, who may review it.
const (
	TimeMaxDuration  = 24 * time.Hour
	TimeSelfBackdate = 7 * 24 * time.Hour
)

// ErrTimeLocked is returned for any change of an approved entry: once a
// site lead approved a period it is the basis of payroll and billing, so
// corrections go through the office (a new, reasoned entry), never edits.
var ErrTimeLocked = Errorf(EConflict, "err.time.locked")

// ErrEditReason is returned when a submitted entry is edited without a
// reason: the reason and the before/after values (audit diff) make the
// change explainable to the employee and to an inspector.
var ErrEditReason = &Error{Code: EInvalid, Field: "edit_reason", Key: "err.time.edit_reason"}

// timeReviewFields may change on a submitted entry without a reason
// (approval, rejection, the reason itself, computed flags).
var timeReviewFields = map[string]bool{"status": true, "approved_by": true, "edit_reason": true, "flags": true, "updated": true}

// TimeFlags are the checks stored in time_entries.flags: geofence
// decisions at clock-in and clock-out, automatic closing when the person
// switched task, overlaps with their other entries.
type TimeFlags struct {
	In       *GeoDecision `json:"in,omitempty"`
	Out      *GeoDecision `json:"out,omitempty"`
	Switched bool         `json:"switched,omitzero"` // closed by the next clock-in
	Long     bool         `json:"long,omitzero"`     // closed more than TimeMaxDuration after its clock-in
	Overlap  []string     `json:"overlap,omitempty"` // ids of overlapping entries
}

// Alert reports whether the entry needs a look from the site lead.
func (f TimeFlags) Alert() bool {
	return (f.In != nil && f.In.Flagged()) || (f.Out != nil && f.Out.Flagged()) || len(f.Overlap) > 0 || f.Long
}

// TimeFlagsOf decodes an entry's flags.
func TimeFlagsOf(r *core.Record) TimeFlags {
	var f TimeFlags
	_ = r.UnmarshalJSONField("flags", &f)
	return f
}

// FixOf reads the fix stored under prefix ("in_", "out_", "") of r.
// NB: number fields store 0 when blank, and 0,0 is in the Gulf of Guinea:
// both zero means no fix.
func FixOf(r *core.Record, prefix string) GeoFix {
	lat, lng := r.GetFloat(prefix+"lat"), r.GetFloat(prefix+"lng")
	return GeoFix{Lat: lat, Lng: lng, Accuracy: r.GetFloat(prefix + "accuracy"), OK: lat != 0 || lng != 0}
}

// SetFix stores fix under prefix on r (blank when !fix.OK).
func SetFix(r *core.Record, prefix string, fix GeoFix) {
	if !fix.OK {
		r.Set(prefix+"lat", nil)
		r.Set(prefix+"lng", nil)
		r.Set(prefix+"accuracy", nil)
		return
	}
	r.Set(prefix+"lat", fix.Lat)
	r.Set(prefix+"lng", fix.Lng)
	r.Set(prefix+"accuracy", fix.Accuracy)
}

// SiteGeofence returns the zone of a site (not OK when it has no position).
func SiteGeofence(app core.App, siteID string) Geofence {
	if siteID == "" {
		return Geofence{}
	}
	s, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil {
		return Geofence{}
	}
	lat, lng := s.GetFloat("lat"), s.GetFloat("lng")
	return Geofence{Lat: lat, Lng: lng, RadiusM: s.GetFloat("geofence_m"), OK: lat != 0 || lng != 0}
}

// CanReviewTime reports whether u may approve or reject time on a site:
// the site's lead or project manager, managers and tenant admins. A site
// lead validates hours but does not rewrite them (edits need a reason).
func CanReviewTime(u, site *core.Record) bool {
	if u == nil || !u.GetBool("active") || u.GetString("role") == RoleCrew && !u.GetBool("tenant_admin") {
		return false
	}
	if site == nil {
		return u.GetString("role") == RoleManager || u.GetBool("tenant_admin")
	}
	return CanEditSiteDay(u, site)
}

// PrepareTimeEntry applies the time clock rules to r before it is saved
// by actor (orig is nil on create), inside the caller's transaction tx:
// defaults, period lock, reasoned edits, geofence flags (re-checked on
// the server whatever the device said), and overlap-safe switching: a
// clock-in closes the person's open entry at that instant.
func PrepareTimeEntry(tx core.App, actor, r, orig *core.Record) error {
	if orig != nil {
		if orig.GetString("status") == TimeApproved {
			return ErrTimeLocked
		}
		if err := checkTimeEdit(tx, actor, r, orig); err != nil {
			return err
		}
	}
	if r.GetString("user") == "" && actor != nil {
		r.Set("user", actor.Id)
	}
	if r.GetString("kind") == "" {
		r.Set("kind", TimeOnSite)
	}
	if r.GetString("status") == "" {
		r.Set("status", TimeOpen)
	}
	in, out := r.GetDateTime("clock_in").Time(), r.GetDateTime("clock_out").Time()
	switch {
	case in.IsZero():
		return FieldError("clock_in", "err.time.clock_in_required")
	case !out.IsZero() && out.Before(in):
		return FieldError("clock_out", "err.time.out_before_in")
	}
	for name, t := range map[string]time.Time{"clock_in": in, "clock_out": out} {
		if !t.IsZero() && (orig == nil || changed(r, orig, name)) {
			if err := CheckEventTime(name, t, time.Now()); err != nil {
				return err
			}
		}
	}
	if !out.IsZero() && r.GetString("status") == TimeOpen {
		r.Set("status", TimeSubmitted)
	}
	flags := TimeFlagsOf(r)
	if orig == nil || changed(r, orig, "site", "in_lat", "in_lng", "in_accuracy") || flags.In == nil {
		d := CheckGeofence(SiteGeofence(tx, r.GetString("site")), FixOf(r, "in_"))
		flags.In = &d
	}
	if !out.IsZero() && (orig == nil || changed(r, orig, "site", "out_lat", "out_lng", "out_accuracy", "clock_out") || flags.Out == nil) {
		d := CheckGeofence(SiteGeofence(tx, r.GetString("site")), FixOf(r, "out_"))
		flags.Out = &d
	}
	if orig == nil && out.IsZero() {
		if err := switchOpenEntries(tx, actor, r, in); err != nil {
			return err
		}
		out = r.GetDateTime("clock_out").Time()
		flags.Switched = flags.Switched || TimeFlagsOf(r).Switched
	}
	long, err := checkTimeSpan(r, orig, in, out, flags.Switched)
	if err != nil {
		return err
	}
	flags.Long = long
	flags.Overlap = overlapping(tx, r, in, out)
	r.Set("flags", flags)
	r.Set(timePreparedKey, true)
	return nil
}

// checkTimeSpan refuses an entry longer than TimeMaxDuration, unless it
// is an open entry being closed (clock-out, or switched by the next
// clock-in): a forgotten clock-out is closed and flagged long for the
// site lead, never left open. It reports whether the entry is long.
func checkTimeSpan(r, orig *core.Record, in, out time.Time, switched bool) (bool, error) {
	if out.IsZero() || out.Sub(in) <= TimeMaxDuration {
		return false, nil
	}
	closing := orig != nil && orig.GetDateTime("clock_out").IsZero() && orig.GetDateTime("clock_in").Equal(r.GetDateTime("clock_in"))
	if switched || closing {
		return true, nil
	}
	return false, FieldError("clock_out", "err.time.too_long", int(TimeMaxDuration.Hours()))
}

// checkTimeEdit enforces who may change what on an existing entry.
func checkTimeEdit(tx core.App, actor, r, orig *core.Record) error {
	newStatus, oldStatus := r.GetString("status"), orig.GetString("status")
	if newStatus != oldStatus && (newStatus == TimeApproved || newStatus == TimeRejected) {
		if !CanReviewTime(actor, siteOf(tx, r)) {
			return Errorf(EForbidden, "err.time.lead_approves")
		}
		if r.GetString("approved_by") == "" && actor != nil {
			r.Set("approved_by", actor.Id)
		}
	}
	if oldStatus == TimeOpen {
		return nil
	}
	for _, f := range r.Collection().Fields {
		name := f.GetName()
		if timeReviewFields[name] || !changed(r, orig, name) {
			continue
		}
		if reason := r.GetString("edit_reason"); reason == "" || reason == orig.GetString("edit_reason") {
			return ErrEditReason
		}
		return nil
	}
	return nil
}

// siteOf returns the entry's site, or nil when it has none.
func siteOf(app core.App, r *core.Record) *core.Record {
	if id := r.GetString("site"); id != "" {
		if s, err := app.FindRecordById(CollectionSites, id); err == nil {
			return s
		}
	}
	return nil
}

// switchOpenEntries closes the person's entries still open at the new
// clock-in instant; when a later entry is already open (an older clock-in
// synced late), the new entry is closed at that later clock-in instead.
func switchOpenEntries(tx core.App, actor, r *core.Record, at time.Time) error {
	open, err := tx.FindRecordsByFilter(CollectionTimeEntries, "user = {:u} && status = 'open' && id != {:id}", "clock_in", 50, 0,
		dbx.Params{"u": r.GetString("user"), "id": r.Id})
	if err != nil {
		return err
	}
	for _, o := range open {
		oin := o.GetDateTime("clock_in").Time()
		if oin.After(at) {
			if r.GetDateTime("clock_out").IsZero() {
				r.Set("clock_out", oin)
				r.Set("status", TimeSubmitted)
				f := TimeFlagsOf(r)
				f.Switched = true
				r.Set("flags", f)
			}
			continue
		}
		o.Set("clock_out", at)
		o.Set("status", TimeSubmitted)
		f := TimeFlagsOf(o)
		f.Switched = true
		o.Set("flags", f)
		if actor != nil {
			SetActor(o, actor.Id)
		}
		if err := tx.Save(o); err != nil {
			return err
		}
	}
	return nil
}

// overlapping returns the ids of the person's other entries overlapping
// [in, out) (an open-ended entry overlaps everything after its start).
func overlapping(tx core.App, r *core.Record, in, out time.Time) []string {
	end := out
	if end.IsZero() {
		end = in.Add(24 * time.Hour)
	}
	recs, err := tx.FindRecordsByFilter(CollectionTimeEntries,
		"user = {:u} && id != {:id} && clock_in < {:end} && (clock_out = '' || clock_out > {:in})", "clock_in", 20, 0,
		dbx.Params{"u": r.GetString("user"), "id": r.Id, "end": DBTime(end), "in": DBTime(in)})
	if err != nil {
		return nil
	}
	var ids []string
	for _, o := range recs {
		if o.GetString("status") == TimeOpen && out.IsZero() {
			continue // being switched
		}
		ids = append(ids, o.Id)
	}
	return ids
}

// changed reports whether any of fields differs between r and orig.
func changed(r, orig *core.Record, fields ...string) bool {
	for _, f := range fields {
		if jsonValue(r.Get(f)) != jsonValue(orig.Get(f)) {
			return true
		}
	}
	return false
}
