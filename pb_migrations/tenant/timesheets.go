package tenant

import (
	"github.com/pocketbase/pocketbase/core"

	pbm "github.com/fieldops360/fieldops/pb_migrations"
)

// timesheetsUp adds the period close and the correction requests of time
// entries (issue #15). Both are written only by the domain (ClosePeriod,
// ReopenPeriod, ProposeCorrection, ReviewCorrection): the REST API reads
// them and every write is an audit event.
//
//   - time_periods: a closed week or month [start, end) of the tenant;
//     its time entries refuse every change until a manager reopens it
//     with a reason.
//   - time_corrections: a crew member's reasoned proposal of other times
//     for one of their entries, approved or refused by the office.
func timesheetsUp(app core.App) error {
	periods := pbm.NewBase(app, "time_periods").Add(
		pbm.Date("start", true),
		pbm.Date("end", true),
		pbm.Select("kind", true, "week", "month"),
		pbm.Select("status", true, "closed", "reopened"),
		pbm.Text("reopen_reason", false, 500),
	).Rel("closed_by", "users", false, 1, false).
		Rel("reopened_by", "users", false, 1, false).
		Index(false, "start", "end").
		Rules(pbm.Rule(ruleUser), pbm.Rule(ruleUser), nil, nil, nil)
	corrections := pbm.NewBase(app, "time_corrections").
		Rel("entry", "time_entries", true, 1, true).
		Rel("user", "users", true, 1, false).
		Add(
			pbm.Date("clock_in", true),
			pbm.Date("clock_out", true),
			pbm.Select("kind", false, "on_site", "travel"),
			pbm.Text("reason", true, 500),
			pbm.Select("status", true, "pending", "approved", "refused"),
			pbm.Text("review_note", false, 500),
		).Rel("reviewed_by", "users", false, 1, false).
		Index(false, "entry").
		Index(false, "status").
		Rules(pbm.Rule(ruleSiteLead), pbm.Rule(ruleSiteLead), nil, nil, nil)
	return saveAll(periods, corrections)
}
