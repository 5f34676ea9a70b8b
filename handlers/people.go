package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/people"
)

// personRow builds a person with skills and clearances.
func (h *Handlers) personRow(e *core.RequestEvent, u domain.User) (people.RowVM, map[string]string, error) {
	ctx := e.Request.Context()
	row := people.RowVM{ID: u.Id, Name: u.Name(), Role: u.Role(), Phone: u.Phone(),
		Cost: strconv.FormatFloat(u.HourlyCost(), 'f', -1, 64), Active: u.Active()}
	skillIDs := map[string]string{}
	skills, err := domain.FindUserSkills(e.App, u.Id)
	if err != nil {
		return row, nil, err
	}
	for _, s := range skills {
		row.Skills = append(row.Skills, s.Name())
		skillIDs[s.Name()] = s.Id
	}
	cls, err := domain.FindUserClearances(e.App, u.Id)
	if err != nil {
		return row, nil, err
	}
	now := h.deps.Clock()
	for _, c := range cls {
		valid := c.ValidUntil()
		vm := people.ClearanceVM{ID: c.Id, Kind: c.Kind(), ValidUntil: i18n.FormatDate(ctx, valid), Expiry: domain.ExpiryState(valid, now, tenantCtx(e).Location())}
		k, err := domain.FindClearanceKindByCode(e.App, vm.Kind)
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			return row, nil, err
		}
		if err == nil {
			vm.Name = k.Name()
		}
		if c.Document() != "" {
			vm.DocURL = "/people/" + u.Id + "/clearances/" + c.Id + "/document"
		}
		row.Clearances = append(row.Clearances, vm)
	}
	return row, skillIDs, nil
}

// newPeopleListVM builds the people page; inv is its "add a person" form
// (and the panel of an invitation just made).
func (h *Handlers) newPeopleListVM(e *core.RequestEvent, inv people.InviteVM) (people.ListVM, error) {
	ctx := e.Request.Context()
	users, err := domain.FindPeople(e.App)
	if err != nil {
		return people.ListVM{}, err
	}
	canManage := tenantCtx(e).CanManagePeople()
	vm := people.ListVM{Shell: h.shell(e, "people", i18n.T(ctx, "nav.people"), layouts.Crumb{Label: i18n.T(ctx, "nav.people")}),
		ShowCost: canManage, CanInvite: canManage, Invite: inv}
	for _, u := range users {
		row, _, err := h.personRow(e, u)
		if err != nil {
			return vm, err
		}
		row.Cost = i18n.FormatEUR(ctx, u.HourlyCost())
		vm.Rows = append(vm.Rows, row)
	}
	return vm, nil
}

// peopleList lists people with skills and clearances; ?add=1 unfolds the
// "add a person" form.
func (h *Handlers) peopleList(e *core.RequestEvent) error {
	inv := newInviteVM(e, "/people/invite")
	inv.Open = e.Request.URL.Query().Get("add") == "1"
	vm, err := h.newPeopleListVM(e, inv)
	if err != nil {
		return h.fail(e, err)
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
	u, err := domain.FindPerson(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	row, skillIDs, err := h.personRow(e, u)
	if err != nil {
		return h.fail(e, err)
	}
	vm := people.DetailVM{
		Shell:  h.shell(e, "people", row.Name, layouts.Crumb{Label: i18n.T(ctx, "nav.people"), Href: "/people"}, layouts.Crumb{Label: row.Name}),
		Person: row, Email: u.Email(), CanEdit: tenantCtx(e).CanManagePeople(), ShowCost: tenantCtx(e).CanManagePeople(),
		Roles: roleOptions(ctx), SkillIDs: skillIDs, Form: components.Form{Values: form, Errors: errs},
	}
	vm.Shell.Toasts = h.flashToasts(e, row.Name)
	skills, err := domain.FindSkills(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	for _, s := range skills {
		vm.SkillOpts = append(vm.SkillOpts, components.Option{Value: s.Id, Label: s.Name()})
	}
	kinds, err := domain.FindClearanceKinds(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	for _, k := range kinds {
		vm.KindOpts = append(vm.KindOpts, components.Option{Value: k.Code(), Label: k.Code() + " — " + k.Name()})
	}
	for _, k := range []string{"leave", "sickness", "training", "other"} {
		vm.AbsenceOpts = append(vm.AbsenceOpts, components.Option{Value: k, Label: i18n.T(ctx, "absence."+k)})
	}
	abs, err := domain.FindUserAbsences(e.App, u.Id, 20)
	if err != nil {
		return h.fail(e, err)
	}
	for _, a := range abs {
		vm.Absences = append(vm.Absences, people.AbsenceVM{Kind: a.Kind(), From: i18n.FormatDate(ctx, a.From()),
			To: i18n.FormatDate(ctx, a.To()), Note: a.Note()})
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
		return e.Redirect(http.StatusSeeOther, "/people/"+id+"?toast=person_saved")
	}
}

func (h *Handlers) personUpdate(e *core.RequestEvent, id string) error {
	cost, bad := formFloat(e.Request.FormValue("hourly_cost"))
	if bad {
		return domain.FieldError("hourly_cost", "err.invalid_number")
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
		return domain.FieldError("obtained_on", "err.invalid_date")
	}
	if in.ValidUntil, bad = formDate(e.Request.FormValue("valid_until")); bad {
		return domain.FieldError("valid_until", "err.invalid_date")
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
		return domain.FieldError("absence_from", "err.invalid_date")
	}
	_, err := domain.AddAbsence(e.App, e.Auth, id, in)
	return err
}

// clearanceDocument serves a clearance's scanned certificate to office
// users of this tenant.
func (h *Handlers) clearanceDocument(e *core.RequestEvent) error {
	c, err := domain.FindUserClearance(e.App, e.Request.PathValue("id"), e.Request.PathValue("cid"))
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	if c.Document() == "" {
		return h.errorPage(e, http.StatusNotFound)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return h.fail(e, err)
	}
	defer fsys.Close()
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return fsys.Serve(e.Response, e.Request, c.BaseFilesPath()+"/"+c.Document(), c.Kind()+"-"+c.Document())
}
