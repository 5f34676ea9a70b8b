package domain

import (
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Kinds and statuses of a time period (time_periods).
const (
	PeriodWeek     = "week"
	PeriodMonth    = "month"
	PeriodClosed   = "closed"
	PeriodReopened = "reopened"
)

// PeriodReasonMin is the shortest reason accepted to reopen a period.
const PeriodReasonMin = 10

// PeriodBounds returns the week (Monday to Sunday) or the month holding
// day, as [start, end) instants at midnight in loc.
func PeriodBounds(kind string, day time.Time, loc *time.Location) (time.Time, time.Time, error) {
	d := day.In(loc)
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	switch kind {
	case PeriodWeek:
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
		return start, start.AddDate(0, 0, 7), nil
	case PeriodMonth:
		start = start.AddDate(0, 0, 1-start.Day())
		return start, start.AddDate(0, 1, 0), nil
	}
	return time.Time{}, time.Time{}, FieldError("kind", "err.period.kind")
}

// CanClosePeriod reports whether u may close a period: the office
// (managers, project managers, tenant admins).
func CanClosePeriod(u *core.Record) bool {
	if u == nil || !u.GetBool("active") {
		return false
	}
	r := u.GetString("role")
	return r == RoleManager || r == RoleProjectManager || u.GetBool("tenant_admin")
}

// CanReopenPeriod reports whether u may reopen a closed period: a
// manager or a tenant admin.
func CanReopenPeriod(u *core.Record) bool {
	return u != nil && u.GetBool("active") && (u.GetString("role") == RoleManager || u.GetBool("tenant_admin"))
}

// ClosePeriod closes the week or month holding day (tenant time zone):
// its time entries then refuse every change (checkPeriodOpen). Entries
// still open in it must be clocked out first.
func ClosePeriod(app core.App, actor *core.Record, kind string, day time.Time) (TimePeriod, error) {
	if !CanClosePeriod(actor) {
		return TimePeriod{}, Errorf(EForbidden, "err.period.office_closes")
	}
	start, end, err := PeriodBounds(kind, day, TenantFactsOf(app).Location())
	if err != nil {
		return TimePeriod{}, err
	}
	if p, ok := ClosedPeriodAt(app, start); ok && !p.End().Before(end) {
		return TimePeriod{}, Errorf(EConflict, "err.period.already_closed", PeriodLabel(app, p))
	}
	open, err := app.CountRecords(CollectionTimeEntries, dbx.NewExp("status = 'open' AND clock_in >= {:s} AND clock_in < {:e}",
		dbx.Params{"s": DBTime(start), "e": DBTime(end)}))
	if err != nil {
		return TimePeriod{}, err
	}
	if open > 0 {
		return TimePeriod{}, Errorf(EConflict, "err.period.open_entries", open)
	}
	col, err := app.FindCachedCollectionByNameOrId(CollectionTimePeriods)
	if err != nil {
		return TimePeriod{}, err
	}
	p := TimePeriod{core.NewRecord(col)}
	p.SetKind(kind)
	p.SetStart(start.UTC())
	p.SetEnd(end.UTC())
	p.SetStatus(PeriodClosed)
	p.SetClosedByID(actor.Id)
	SetActor(p.Record, actor.Id)
	return p, app.Save(p.Record)
}

// ReopenPeriod reopens a closed period with a reason of at least
// PeriodReasonMin characters (audited); only a manager may.
func ReopenPeriod(app core.App, actor *core.Record, id, reason string) (TimePeriod, error) {
	if !CanReopenPeriod(actor) {
		return TimePeriod{}, Errorf(EForbidden, "err.period.manager_reopens")
	}
	p, err := FindTimePeriod(app, id)
	if err != nil {
		return TimePeriod{}, err
	}
	if p.Status() != PeriodClosed {
		return TimePeriod{}, Errorf(EConflict, "err.period.not_closed")
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < PeriodReasonMin {
		return TimePeriod{}, FieldError("reason", "err.period.reopen_reason", PeriodReasonMin)
	}
	p.SetStatus(PeriodReopened)
	p.SetReopenReason(reason)
	p.SetReopenedByID(actor.Id)
	SetActor(p.Record, actor.Id)
	return p, app.Save(p.Record)
}

// ClosedPeriodAt returns the closed period holding instant t, if any.
func ClosedPeriodAt(app core.App, t time.Time) (TimePeriod, bool) {
	r, err := app.FindFirstRecordByFilter(CollectionTimePeriods, "status = 'closed' && start <= {:t} && end > {:t}", dbx.Params{"t": DBTime(t)})
	if err != nil {
		return TimePeriod{}, false
	}
	return TimePeriod{r}, true
}

// FindTimePeriods returns the periods, the latest first.
func FindTimePeriods(app core.App, limit int) ([]TimePeriod, error) {
	recs, err := app.FindRecordsByFilter(CollectionTimePeriods, "", "-start", limit, 0)
	return AsTimePeriods(recs), err
}

// PeriodLabel names a period by its first and last days in the tenant's
// time zone ("2025-03-03 – 2025-03-09").
func PeriodLabel(app core.App, p TimePeriod) string {
	loc := TenantFactsOf(app).Location()
	return p.Start().In(loc).Format(time.DateOnly) + " – " + p.End().In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
}

// checkPeriodOpen refuses a change of a time entry (r as saved, orig
// before, either may be nil) whose clock-in falls in a closed period:
// on every path (pages, sync, REST, domain), as the time hooks call it.
func checkPeriodOpen(app core.App, r, orig *core.Record) error {
	for _, rec := range []*core.Record{orig, r} {
		if rec == nil {
			continue
		}
		in := rec.GetDateTime("clock_in").Time()
		if in.IsZero() {
			continue
		}
		if p, ok := ClosedPeriodAt(app, in); ok {
			return Errorf(EConflict, "err.period.closed", PeriodLabel(app, p))
		}
	}
	return nil
}
