package domain

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
)

// CanEditChecklists reports whether u builds checklist templates and
// links them to work types: managers, project managers, tenant admins
// (the same office roles as the API rules of checklist_templates).
func CanEditChecklists(u *core.Record) bool {
	return u != nil && u.GetBool("active") && (u.GetString("role") == RoleManager ||
		u.GetString("role") == RoleProjectManager || u.GetBool("tenant_admin"))
}

// CanSeeCrewTask reports whether u may open a task in the crew app: a
// crew member sees the tasks assigned to them and, as the site lead of a
// site, that site's tasks; other roles see the tasks of the sites they
// see.
func CanSeeCrewTask(u, task, site *core.Record) bool {
	if u == nil || task == nil || site == nil || !u.GetBool("active") || task.GetString("site") != site.Id {
		return false
	}
	if u.GetString("role") != RoleCrew {
		return CanSeeSite(u, site)
	}
	return slices.Contains(task.GetStringSlice("assignees"), u.Id) || site.GetString("site_lead") == u.Id
}

// ChecklistInput is a template as typed in the builder, with the work
// types it is the checklist of.
type ChecklistInput struct {
	Code, Name string
	Items      []ChecklistItem
	WorkTypes  []string
}

// DeleteChecklistTemplate removes a template (office roles). Its work
// types lose their checklist; runs already created keep the items they
// were created with (their snapshot), so no answer is lost.
func DeleteChecklistTemplate(app core.App, actor *core.Record, id string) error {
	if !CanEditChecklists(actor) {
		return Errorf(EForbidden, "err.checklist.office_only")
	}
	r, err := app.FindRecordById(CollectionChecklistTemplates, id)
	if err != nil {
		return Errorf(ENotFound, "err.checklist.not_found")
	}
	setActor(r, actor)
	return app.Delete(r)
}

// FindWorkTypes returns every work type, by name.
func FindWorkTypes(app core.App) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionWorkTypes, "", "name", 0, 0)
}

// FindChecklistTemplates returns every template, by name.
func FindChecklistTemplates(app core.App) ([]*core.Record, error) {
	return app.FindRecordsByFilter(CollectionChecklistTemplates, "", "name", 0, 0)
}

// SaveChecklistTemplate creates (id "") or updates a template and makes
// it the checklist of exactly the given work types (a work type that
// used it and is no longer listed loses its checklist), in one
// transaction. Runs already created keep the items they were created
// with. Errors: EForbidden, ENotFound, *ChecklistInvalid (per field).
func SaveChecklistTemplate(app core.App, actor *core.Record, id string, in ChecklistInput) (*core.Record, error) {
	if !CanEditChecklists(actor) {
		return nil, Errorf(EForbidden, "err.checklist.office_only")
	}
	in.Code, in.Name = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name)
	if err := ValidateChecklist(in.Name, in.Code, in.Items); err != nil {
		return nil, err
	}
	var saved *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var r *core.Record
		if id == "" {
			col, err := tx.FindCachedCollectionByNameOrId(CollectionChecklistTemplates)
			if err != nil {
				return err
			}
			r = core.NewRecord(col)
		} else {
			var err error
			if r, err = tx.FindRecordById(CollectionChecklistTemplates, id); err != nil {
				return Errorf(ENotFound, "err.checklist.not_found")
			}
		}
		if other, err := tx.FindFirstRecordByData(CollectionChecklistTemplates, "code", in.Code); err == nil && other.Id != r.Id {
			return &ChecklistInvalid{Fields: map[string]catalog.Text{"code": catalog.New("err.checklist.code_taken", other.GetString("name"))}}
		}
		r.Set("code", in.Code)
		r.Set("name", in.Name)
		r.Set("items", in.Items)
		SetActor(r, actor.Id)
		if err := tx.Save(r); err != nil {
			return err
		}
		wts, err := FindWorkTypes(tx)
		if err != nil {
			return err
		}
		for _, wt := range wts {
			want, has := slices.Contains(in.WorkTypes, wt.Id), wt.GetString("checklist") == r.Id
			if want == has {
				continue
			}
			if want {
				wt.Set("checklist", r.Id)
			} else {
				wt.Set("checklist", "")
			}
			SetActor(wt, actor.Id)
			if err := tx.Save(wt); err != nil {
				return err
			}
		}
		saved = r
		return nil
	})
	return saved, err
}

// SaveChecklistAnswers records answers on a task's run for actor (the
// crew app's form without JavaScript): only the items given, a blank
// value clearing the answer. The run's rules are the API's: the task's
// assignees, site leads and the office.
func SaveChecklistAnswers(app core.App, actor, run *core.Record, answers map[string]any) error {
	raw, err := json.Marshal(answers)
	if err != nil {
		return err
	}
	if err := checkAPIRule(app, actor, run, CollectionChecklistRuns, map[string]any{"answers": json.RawMessage(raw)}); err != nil {
		return err
	}
	run.Set("answers", json.RawMessage(raw))
	SetActor(run, actor.Id)
	return app.Save(run)
}

// SetTaskStatus changes a task's status for actor with the REST API's
// rules (a crew member may start, block or finish a task assigned to
// them); finishing sets the progress to 100 %. The checklist and safety
// hooks apply.
func SetTaskStatus(app core.App, actor, task *core.Record, status string) error {
	body := map[string]any{"status": status}
	if status == "done" {
		body["progress"] = 100
	}
	if err := checkAPIRule(app, actor, task, CollectionTasks, body); err != nil {
		return err
	}
	for k, v := range body {
		task.Set(k, v)
	}
	SetActor(task, actor.Id)
	return app.Save(task)
}

// checkAPIRule evaluates the collection's update rule for actor and body.
func checkAPIRule(app core.App, actor, rec *core.Record, collection string, body map[string]any) error {
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	info := &core.RequestInfo{Auth: actor, Body: body, Method: http.MethodPatch, Context: core.RequestInfoContextDefault,
		Query: map[string]string{}, Headers: map[string]string{}}
	if col.UpdateRule == nil || actor == nil {
		return Errorf(EForbidden, "err.role_forbidden")
	}
	if ok, err := app.CanAccessRecord(rec, info, col.UpdateRule); err != nil || !ok {
		return Errorf(EForbidden, "err.role_forbidden")
	}
	return nil
}
