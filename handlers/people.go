package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/people"
)

// personRow builds a person with skills and clearances.
func (h *Handlers) personRow(e *core.RequestEvent, u *core.Record) (people.RowVM, map[string]string) {
	ctx := e.Request.Context()
	row := people.RowVM{ID: u.Id, Name: u.GetString("name"), Role: u.GetString("role"), Phone: u.GetString("phone"),
		Cost: strconv.FormatFloat(u.GetFloat("hourly_cost"), 'f', -1, 64), Active: u.GetBool("active")}
	skillIDs := map[string]string{}
	links, _ := e.App.FindAllRecords(domain.CollectionUserSkills, dbx.HashExp{"user": u.Id})
	_ = e.App.ExpandRecords(links, []string{"skill"}, nil)
	for _, l := range links {
		if s := l.ExpandedOne("skill"); s != nil {
			row.Skills = append(row.Skills, s.GetString("name"))
			skillIDs[s.GetString("name")] = s.Id
		}
	}
	cls, _ := e.App.FindRecordsByFilter(domain.CollectionClearances, "user = {:u}", "valid_until", 0, 0, dbx.Params{"u": u.Id})
	now := h.deps.Clock()
	for _, c := range cls {
		valid := c.GetDateTime("valid_until").Time()
		vm := people.ClearanceVM{ID: c.Id, Kind: c.GetString("kind"), ValidUntil: i18n.FormatDate(ctx, valid), Expiry: domain.ExpiryState(valid, now, tenantCtx(e).Location())}
		if k, err := e.App.FindFirstRecordByData(domain.CollectionClearanceKinds, "code", vm.Kind); err == nil {
			vm.Name = k.GetString("name")
		}
		if c.GetString("document") != "" {
			vm.DocURL = "/people/" + u.Id + "/clearances/" + c.Id + "/document"
		}
		row.Clearances = append(row.Clearances, vm)
	}
	return row, skillIDs
}

// peopleList lists people with skills and clearances.
func (h *Handlers) peopleList(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	users, err := e.App.FindRecordsByFilter(domain.CollectionUsers, "", "-active,name", 0, 0)
	if err != nil {
		return h.fail(e, err)
	}
	vm := people.ListVM{Shell: h.shell(e, "people", i18n.T(ctx, "nav.people"), layouts.Crumb{Label: i18n.T(ctx, "nav.people")}), ShowCost: tenantCtx(e).CanManagePeople()}
	for _, u := range users {
		row, _ := h.personRow(e, u)
		row.Cost = i18n.FormatEUR(ctx, u.GetFloat("hourly_cost"))
		vm.Rows = append(vm.Rows, row)
	}
	render(e.Response, e.Request, http.StatusOK, people.ListPage(vm))
	return nil
}

// personShow renders a person's page; errs/form re-render invalid input.
func (h *Handlers) personShow(e *core.RequestEvent) error {
	return h.renderPerson(e, http.StatusOK, nil, nil)
}

func (h *Handlers) renderPerson(e *core.RequestEvent, status int, errs, form map[string]string) error {
	ctx := e.Request.Context()
	u, err := e.App.FindRecordById(domain.CollectionUsers, e.Request.PathValue("id"))
	if err != nil {
		return h.errorPage(e, http.StatusNotFound)
	}
	row, skillIDs := h.personRow(e, u)
	vm := people.DetailVM{
		Shell:  h.shell(e, "people", row.Name, layouts.Crumb{Label: i18n.T(ctx, "nav.people"), Href: "/people"}, layouts.Crumb{Label: row.Name}),
		Person: row, Email: u.Email(), CanEdit: tenantCtx(e).CanManagePeople(), ShowCost: tenantCtx(e).CanManagePeople(),
		Roles: roleOptions(ctx), SkillIDs: skillIDs, Form: components.Form{Values: form, Errors: errs},
	}
	vm.Shell.Toasts = h.flashToasts(e)
	skills, _ := e.App.FindRecordsByFilter(domain.CollectionSkills, "", "name", 0, 0)
	for _, s := range skills {
		vm.SkillOpts = append(vm.SkillOpts, components.Option{Value: s.Id, Label: s.GetString("name")})
	}
	kinds, _ := e.App.FindRecordsByFilter(domain.CollectionClearanceKinds, "", "family,code", 0, 0)
	for _, k := range kinds {
		vm.KindOpts = append(vm.KindOpts, components.Option{Value: k.GetString("code"), Label: k.GetString("code") + " — " + k.GetString("name")})
	}
	for _, k := range []string{"leave", "sickness", "training", "other"} {
		vm.AbsenceOpts = append(vm.AbsenceOpts, components.Option{Value: k, Label: i18n.T(ctx, "absence."+k)})
	}
	abs, _ := e.App.FindRecordsByFilter(domain.CollectionAvailability, "user = {:u}", "-from", 20, 0, dbx.Params{"u": u.Id})
	for _, a := range abs {
		vm.Absences = append(vm.Absences, people.AbsenceVM{Kind: a.GetString("kind"), From: i18n.FormatDate(ctx, a.GetDateTime("from").Time()),
			To: i18n.FormatDate(ctx, a.GetDateTime("to").Time()), Note: a.GetString("note")})
	}
	render(e.Response, e.Request, status, people.DetailPage(vm))
	return nil
}

// personAction wraps a person mutation: managers only; field errors
// re-render the page (400) with the typed values.
func (h *Handlers) personAction(do func(e *core.RequestEvent, id string) error) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !tenantCtx(e).CanManagePeople() {
			return h.errorPage(e, http.StatusForbidden)
		}
		id := e.Request.PathValue("id")
		if err := do(e, id); err != nil {
			errs := map[string]string{}
			if !fieldErr(e, err, errs) {
				return h.fail(e, err)
			}
			_ = e.Request.ParseForm()
			form := map[string]string{}
			for k := range e.Request.PostForm {
				form[k] = e.Request.PostForm.Get(k)
			}
			return h.renderPerson(e, http.StatusBadRequest, errs, form)
		}
		return e.Redirect(http.StatusSeeOther, "/people/"+id+"?toast=saved")
	}
}

func (h *Handlers) personUpdate(e *core.RequestEvent, id string) error {
	cost, bad := formFloat(e.Request.FormValue("hourly_cost"))
	if bad {
		return domain.FieldError("hourly_cost", "Nombre invalide / invalid number")
	}
	_, err := domain.UpdatePerson(e.App, e.Auth, id, domain.PersonInput{Name: e.Request.FormValue("name"), Phone: e.Request.FormValue("phone"), Role: e.Request.FormValue("role"), HourlyCost: cost})
	return err
}

func (h *Handlers) personAddSkill(e *core.RequestEvent, id string) error {
	return domain.SetSkill(e.App, e.Auth, id, e.Request.FormValue("skill"))
}

func (h *Handlers) personRemoveSkill(e *core.RequestEvent, id string) error {
	return domain.RemoveSkill(e.App, e.Auth, id, e.Request.PathValue("skill"))
}

func (h *Handlers) personAddClearance(e *core.RequestEvent, id string) error {
	in := domain.ClearanceInput{Kind: e.Request.FormValue("kind")}
	var bad bool
	if in.ObtainedOn, bad = formDate(e.Request.FormValue("obtained_on")); bad {
		return domain.FieldError("obtained_on", "Date invalide / invalid date")
	}
	if in.ValidUntil, bad = formDate(e.Request.FormValue("valid_until")); bad {
		return domain.FieldError("valid_until", "Date invalide / invalid date")
	}
	var files []*filesystem.File
	if fs, err := e.FindUploadedFiles("document"); err == nil && len(fs) > 0 {
		files = fs
		in.Document = files[0]
	}
	_, err := domain.AddClearance(e.App, e.Auth, id, in)
	return err
}

func (h *Handlers) personAddAbsence(e *core.RequestEvent, id string) error {
	in := domain.AvailabilityInput{Kind: e.Request.FormValue("absence_kind")}
	var b1, b2 bool
	in.From, b1 = formDate(e.Request.FormValue("absence_from"))
	in.To, b2 = formDate(e.Request.FormValue("absence_to"))
	if b1 || b2 {
		return domain.FieldError("absence_from", "Date invalide / invalid date")
	}
	_, err := domain.AddAbsence(e.App, e.Auth, id, in)
	return err
}

// clearanceDocument serves a clearance's scanned certificate to office
// users of this tenant.
func (h *Handlers) clearanceDocument(e *core.RequestEvent) error {
	c, err := e.App.FindRecordById(domain.CollectionClearances, e.Request.PathValue("cid"))
	if err != nil || c.GetString("user") != e.Request.PathValue("id") || c.GetString("document") == "" {
		return h.errorPage(e, http.StatusNotFound)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return h.fail(e, err)
	}
	defer fsys.Close()
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return fsys.Serve(e.Response, e.Request, c.BaseFilesPath()+"/"+c.GetString("document"), c.GetString("kind")+"-"+c.GetString("document"))
}
