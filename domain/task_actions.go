package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// MinUrgentReason is the shortest reason of an urgent-works declaration,
// in characters.
const MinUrgentReason = 10

// CanDeclareUrgentWorks reports whether u may declare urgent works on a
// task of site: who plans the site (managers, its project manager, its
// site lead); crews cannot (the tasks API rules refuse them too).
func CanDeclareUrgentWorks(u, site *core.Record) bool { return CanEditSiteDay(u, site) }

// CanValidateTasks reports whether u may validate the done tasks of
// site: its site lead and the office roles that plan it.
func CanValidateTasks(u, site *core.Record) bool { return CanEditSiteDay(u, site) }

// DeclareUrgentWorks declares a task of a site as urgent works (article
// R554-32 of the French environment code): an excavation may then start
// without a valid DT-DICT receipt. The reason (at least MinUrgentReason
// characters) is stored on the task; the audit trail records who declared
// it and when.
func DeclareUrgentWorks(app core.App, actor *core.Record, siteID, taskID, reason string) (Task, error) {
	site, err := app.FindRecordById(CollectionSites, siteID)
	if err != nil || !CanSeeSite(actor, site) {
		return Task{}, Errorf(ENotFound, "err.site.not_found")
	}
	if !CanDeclareUrgentWorks(actor, site) {
		return Task{}, Errorf(EForbidden, "err.task.urgent_forbidden")
	}
	r, err := siteTask(app, siteID, taskID)
	if err != nil {
		return Task{}, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < MinUrgentReason {
		return Task{}, FieldError("urgent_reason", "err.task.urgent_reason", MinUrgentReason)
	}
	r.Set("urgent_works", true)
	r.Set("urgent_reason", reason)
	setActor(r, actor)
	return Task{r}, SaveError(app.Save(r))
}

// ValidateTasks validates done tasks (status done → validated), each
// audited with the actor, in one transaction: a task the actor may not
// validate (CanValidateTasks on its site) or not done refuses the whole
// batch, naming the task. It returns how many were validated.
func ValidateTasks(app core.App, actor *core.Record, taskIDs []string) (int, error) {
	n := 0
	err := app.RunInTransaction(func(tx core.App) error {
		for _, id := range taskIDs {
			t, err := FindTask(tx, id)
			if err != nil {
				return Errorf(ENotFound, "err.task.not_found")
			}
			site, err := tx.FindRecordById(CollectionSites, t.SiteID())
			if err != nil || !CanSeeSite(actor, site) {
				return Errorf(ENotFound, "err.task.not_found")
			}
			if !CanValidateTasks(actor, site) {
				return Errorf(EForbidden, "err.task.validate_forbidden", t.Title())
			}
			if t.Status() == TaskValidated {
				continue
			}
			if t.Status() != TaskDone {
				return Errorf(EConflict, "err.task.validate_not_done", t.Title(), taskStatusLabel(t.Status()))
			}
			t.SetStatus(TaskValidated)
			setActor(t.Record, actor)
			if err := tx.Save(t.Record); err != nil {
				return SaveError(err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// UrgentDeclaration is an urgent-works declaration as the audit trail
// recorded it: the reason on the task, who declared it and when.
type UrgentDeclaration struct {
	Reason string
	By     string // the declarer's name (or the actor id when unknown)
	At     time.Time
}

// FindUrgentDeclaration returns the current urgent-works declaration of a
// task, with its author and time from the latest audit event that set
// urgent_works; ok is false when the task is not declared urgent works.
func FindUrgentDeclaration(app core.App, t Task) (d UrgentDeclaration, ok bool) {
	if !t.UrgentWorks() {
		return d, false
	}
	d.Reason = t.UrgentReason()
	row := struct {
		At    string `db:"at"`
		Actor string `db:"actor"`
	}{}
	err := app.DB().Select("at", "actor").From(CollectionAuditEvents).
		Where(dbx.HashExp{"record": t.Id}).AndWhere(dbx.NewExp("diff LIKE {:p}", dbx.Params{"p": "%urgent_works%"})).
		OrderBy("seq DESC").Limit(1).One(&row)
	if err == nil {
		d.By, d.At = row.Actor, ParseDBTime(row.At)
		if u, err := FindPerson(app, row.Actor); err == nil {
			d.By = u.Name()
		}
	}
	return d, true
}
