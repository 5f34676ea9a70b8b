package domain

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"
)

// bindReportScheduleHooks stamps report_schedules.enabled_since when a
// schedule is switched back on, on every path (pages, REST API): its
// missed runs are caught up from then only (RunReportSchedules), so the
// time it was off is never replayed. A schedule created enabled keeps it
// blank (its creation counts).
func bindReportScheduleHooks(app core.App) {
	app.OnRecordUpdate(CollectionReportSchedules).Bind(&hook.Handler[*core.RecordEvent]{Id: "fieldopsReportScheduleOn",
		Func: func(e *core.RecordEvent) error {
			if e.Record.GetBool("enabled") {
				if orig := originalOf(e); orig != nil && !orig.GetBool("enabled") {
					e.Record.Set("enabled_since", types.NowDateTime())
				}
			}
			return e.Next()
		}})
}

// SetReportScheduleEnabled switches a schedule on or off for actor
// (office roles only, EForbidden otherwise; ENotFound for an unknown
// schedule). The change is audited; switching on never replays the runs
// missed while it was off.
func SetReportScheduleEnabled(app core.App, actor *core.Record, id string, on bool) (ReportSchedule, error) {
	if !CanEditReportSchedules(actor) {
		return ReportSchedule{}, Errorf(EForbidden, "err.schedule.forbidden")
	}
	s, err := FindReportSchedule(app, id)
	if err != nil {
		return ReportSchedule{}, err
	}
	if s.Enabled() == on {
		return s, nil
	}
	s.SetEnabled(on)
	SetActor(s.Record, actor.Id)
	return s, app.Save(s.Record)
}
