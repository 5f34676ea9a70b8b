package domain

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// timePreparedKey marks a time entry PrepareTimeEntry has prepared for
// its save (the domain's clock actions, the sync endpoint): the hook
// does not prepare it twice.
const timePreparedKey = "@fieldopsTimePrepared"

// bindTimeHooks applies the time clock rules to every save of a time
// entry (see timeEntrySaved). Bound after the audit hooks: it runs in
// the audited transaction.
func bindTimeHooks(app core.App) {
	h := &hook.Handler[*core.RecordEvent]{Id: "fieldopsTimeEntry", Func: timeEntrySaved}
	app.OnRecordCreateExecute(CollectionTimeEntries).Bind(h)
	app.OnRecordUpdateExecute(CollectionTimeEntries).Bind(h)
	// NB: an approved entry is locked for every client, the dashboard's
	// superuser included (corrections are new, reasoned entries).
	app.OnRecordDeleteExecute(CollectionTimeEntries).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsTimeEntryDelete",
		Func: func(e *core.RecordEvent) error {
			if _, ok := clientOf(e.Record); ok && e.Record.GetString("status") == TimeApproved {
				return ErrTimeLocked
			}
			return e.Next()
		}})
}

// timeEntrySaved runs PrepareTimeEntry on a client's write that has not
// been prepared (the REST API), after the client rules of
// checkClientTime; a domain write that was not prepared (a switched
// entry, seeds, the dashboard) gets the bounds: clock-out after
// clock-in, TimeMaxDuration.
func timeEntrySaved(e *core.RecordEvent) error {
	r := e.Record
	prepared, _ := r.Get(timePreparedKey).(bool)
	defer r.Set(timePreparedKey, false)
	orig := originalOf(e)
	if u := clientUser(r); u != nil {
		if err := checkClientTime(e.App, u, r, orig, prepared, time.Now()); err != nil {
			return err
		}
		if !prepared {
			if err := PrepareTimeEntry(e.App, u, r, orig); err != nil {
				return err
			}
		}
		return e.Next()
	}
	if !prepared {
		in, out := r.GetDateTime("clock_in").Time(), r.GetDateTime("clock_out").Time()
		if !out.IsZero() && out.Before(in) {
			return FieldError("clock_out", "err.time.out_before_in")
		}
		f := TimeFlagsOf(r)
		long, err := checkTimeSpan(r, orig, in, out, f.Switched)
		if err != nil {
			return err
		}
		if long && !f.Long {
			f.Long = true
			r.Set("flags", f)
		}
	}
	return e.Next()
}

// checkClientTime applies what a client (REST API, sync) may not choose
// on a time entry written by u:
//
//   - someone else's entry only as its reviewer (CanReviewTime: the site
//     lead or project manager of its site, managers, tenant admins), and
//     one's own only on a site one may see (a crew member's team);
//   - an entry never changes hands; the server sets approved_by (the
//     reviewer), source and flags;
//   - a new entry is open or submitted (approval is a review);
//   - one's own clock-in at most TimeSelfBackdate old, unless one reviews
//     the site (EventMaxYears and the future are refused for everyone by
//     the bounds).
func checkClientTime(app core.App, u, r, orig *core.Record, prepared bool, now time.Time) error {
	if orig == nil && r.GetString("user") == "" {
		r.Set("user", u.Id)
	}
	if orig != nil {
		keep(r, orig, "user")
	}
	site := siteRecord(app, r.GetString("site"))
	if site == nil && r.GetString("site") != "" {
		return FieldError("site", "err.site.not_found")
	}
	own, reviewer := r.GetString("user") == u.Id, CanReviewTime(u, site)
	switch {
	case !own && !reviewer:
		return Errorf(EForbidden, "err.time.lead_clocks_team")
	case own && site != nil && (orig == nil || changed(r, orig, "site")) && !CanSeeSite(u, site):
		return Errorf(EForbidden, "err.not_in_site_team")
	}
	status := r.GetString("status")
	if orig == nil && status != "" && status != TimeOpen && status != TimeSubmitted {
		return FieldError("status", "err.time.create_status")
	}
	if orig != nil && status != orig.GetString("status") && (status == TimeApproved || status == TimeRejected) {
		r.Set("approved_by", u.Id)
	} else {
		keep(r, orig, "approved_by")
	}
	if !prepared {
		keep(r, orig, "flags")
	}
	switch {
	case orig != nil:
		keep(r, orig, "source")
	case !own:
		r.Set("source", SourceSiteLead)
		if u.GetString("role") == RoleManager || u.GetString("role") == RoleProjectManager || u.GetBool("tenant_admin") {
			r.Set("source", SourceOffice)
		}
	case r.GetString("source") != SourceSync:
		r.Set("source", SourceSelf)
	}
	in := r.GetDateTime("clock_in").Time()
	if !reviewer && !in.IsZero() && (orig == nil || changed(r, orig, "clock_in")) && in.Before(now.Add(-TimeSelfBackdate)) {
		return FieldError("clock_in", "err.time.backdated", int(TimeSelfBackdate.Hours()/24))
	}
	return nil
}
