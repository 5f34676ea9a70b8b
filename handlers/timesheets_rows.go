package handlers

import (
	"context"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/timesheets"
)

// hoursText shows hours in the user's locale ("7,5 h"), blank for none.
func hoursText(ctx context.Context, h float64) string {
	if h == 0 {
		return ""
	}
	return i18n.FormatHours(ctx, h)
}

// timesheetRow builds one person's row and entries.
func timesheetRow(ctx context.Context, viewer *core.Record, r domain.TimesheetRow, loc *time.Location) timesheets.RowVM {
	row := timesheets.RowVM{UserID: r.User.Id, Person: r.User.Name(), Total: hoursText(ctx, r.Total), Status: r.Status()}
	if r.User.Record == nil {
		row.UserID, row.Person = "", "?"
	}
	for i, h := range r.Days {
		row.Days[i] = hoursText(ctx, h)
	}
	if r.Long > 0 {
		row.Flags = append(row.Flags, i18n.T(ctx, "ts.flag.long", r.Long))
	}
	if r.Overlap > 0 {
		row.Flags = append(row.Flags, i18n.T(ctx, "ts.flag.overlap", r.Overlap))
	}
	for _, en := range r.Entries {
		ev := timesheets.EntryVM{ID: en.Id, Day: i18n.FormatDate(ctx, en.ClockIn()), Period: entryPeriod(en, loc),
			Status: en.Status(), Reason: en.EditReason(), ClockIn: en.ClockIn().In(loc).Format("2006-01-02T15:04")}
		if s, ok := en.ExpandedSite(); ok {
			ev.Site = s.Name()
		}
		if !en.ClockOut().IsZero() {
			ev.ClockOut = en.ClockOut().In(loc).Format("2006-01-02T15:04")
		}
		ev.Correct = en.UserID() == viewer.Id && (en.Status() == domain.TimeSubmitted || en.Status() == domain.TimeRejected)
		row.Entries = append(row.Entries, ev)
	}
	return row
}

// entryPeriod is "07:30 → 12:00" (the clock-out blank while open).
func entryPeriod(en domain.TimeEntry, loc *time.Location) string {
	s := en.ClockIn().In(loc).Format("15:04") + " → "
	if !en.ClockOut().IsZero() {
		s += en.ClockOut().In(loc).Format("15:04")
	}
	return s
}

// timesheetLists fills the correction requests and, for the office, the
// periods.
func (h *Handlers) timesheetLists(e *core.RequestEvent, vm *timesheets.PageVM) error {
	ctx := e.Request.Context()
	loc := tenantCtx(e).Location()
	cs, err := domain.FindCorrections(e.App, e.Auth, "")
	if err != nil {
		return err
	}
	for _, c := range cs {
		cv := timesheets.CorrectionVM{ID: c.Id, Reason: c.Reason(), Status: c.Status(), Note: c.ReviewNote(),
			Period: i18n.FormatDateTime(ctx, c.ClockIn()) + " → " + c.ClockOut().In(loc).Format("15:04"),
			Review: c.Status() == domain.CorrectionPending && domain.IsOffice(e.Auth)}
		if u, ok := c.ExpandedUser(); ok {
			cv.Person = u.Name()
		}
		if en, ok := c.ExpandedEntry(); ok {
			cv.Entry = i18n.FormatDate(ctx, en.ClockIn()) + " " + entryPeriod(en, loc)
		}
		vm.Corrections = append(vm.Corrections, cv)
	}
	if !vm.CanClose {
		return nil
	}
	ps, err := domain.FindTimePeriods(e.App, 20)
	if err != nil {
		return err
	}
	for _, p := range ps {
		vm.Periods = append(vm.Periods, timesheets.PeriodVM{ID: p.Id, Label: domain.PeriodLabel(e.App, p), Kind: p.Kind(),
			Status: p.Status(), Reason: p.ReopenReason(), Reopen: p.Status() == domain.PeriodClosed && domain.CanReopenPeriod(e.Auth)})
	}
	return nil
}
