package handlers

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/home"
)

// todayToValidate lists the day's done tasks the user may validate
// (domain.CanValidateTasks on their site).
func todayToValidate(e *core.RequestEvent, recs []domain.Task) []home.ValidateVM {
	var out []home.ValidateVM
	for _, t := range recs {
		s, ok := t.ExpandedSite()
		if t.Status() != domain.TaskDone || !ok || !domain.CanValidateTasks(e.Auth, s.Record) {
			continue
		}
		out = append(out, home.ValidateVM{ID: t.Id, Title: t.Title(), Site: s.Code() + " " + s.Name()})
	}
	return out
}
