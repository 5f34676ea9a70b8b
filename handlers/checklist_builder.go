package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/catalog"
	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/planning"
)

// checklistDelete is POST /checklists/{id}/delete.
func (h *Handlers) checklistDelete(e *core.RequestEvent) error {
	if err := domain.DeleteChecklistTemplate(e.App, e.Auth, e.Request.PathValue("id")); err != nil {
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/checklists?toast=deleted")
}

// checklistList is GET /checklists: the templates and their work types.
func (h *Handlers) checklistList(e *core.RequestEvent) error {
	ctx := e.Request.Context()
	tpls, err := domain.FindChecklistTemplates(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	wts, err := domain.FindWorkTypes(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	uses := map[string][]string{}
	for _, w := range domain.AsWorkTypes(wts) {
		uses[w.ChecklistID()] = append(uses[w.ChecklistID()], w.Name())
	}
	vm := planning.ChecklistsVM{Page: h.planningPage(e, "checklists", i18n.T(ctx, "nav.checklists"), layouts.Crumb{Label: i18n.T(ctx, "nav.checklists")})}
	for _, r := range tpls {
		t, _ := domain.TemplateOf(r)
		vm.Rows = append(vm.Rows, planning.ChecklistRowVM{ID: r.Id, Name: t.Name, Code: t.Code, Items: len(t.Items), WorkTypes: strings.Join(uses[r.Id], ", ")})
	}
	if e.Request.URL.Query().Get("toast") == "deleted" {
		vm.Page.Shell.Toasts = []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(ctx, "cl.deleted")}}
	}
	render(e.Response, e.Request, http.StatusOK, planning.ChecklistsPage(vm))
	return nil
}

// checklistEdit is GET /checklists/new and GET /checklists/{id}.
func (h *Handlers) checklistEdit(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	vm, err := h.builderVM(e, id)
	if err != nil {
		return h.fail(e, err)
	}
	if id == "" {
		vm.Items = []planning.BuilderItemVM{{ID: domain.NewChecklistItemID(), Type: domain.ItemCheck, Required: true}}
		return h.renderBuilder(e, vm, nil, http.StatusOK)
	}
	r, err := domain.FindChecklistTemplateRecord(e.App, id)
	if err != nil {
		return h.notFoundOrFail(e, err)
	}
	t, _ := domain.TemplateOf(r.Record)
	vm.Name, vm.Code = t.Name, t.Code
	for _, it := range t.Items {
		vm.Items = append(vm.Items, planning.BuilderItemVM{ID: it.ID, Label: it.Label, Type: it.Type, Unit: it.Unit,
			Min: floatText(it.Min), Max: floatText(it.Max), Required: it.Required})
	}
	return h.renderBuilder(e, vm, nil, http.StatusOK)
}

// checklistSave is POST /checklists/new and POST /checklists/{id}: the
// builder's buttons (add, up:N, down:N, remove:N) redraw the form; save
// validates and stores it, or redraws it with every field message.
func (h *Handlers) checklistSave(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	if id != "" {
		if _, err := domain.FindChecklistTemplateRecord(e.App, id); err != nil {
			return h.notFoundOrFail(e, err)
		}
	}
	vm, err := h.builderVM(e, id)
	if err != nil {
		return h.fail(e, err)
	}
	items, parseErrs := readBuilderForm(e, &vm)
	action, arg, _ := strings.Cut(e.Request.PostForm.Get("action"), ":")
	n, _ := strconv.Atoi(arg)
	switch {
	case action == "add":
		vm.Items = append(vm.Items, planning.BuilderItemVM{ID: domain.NewChecklistItemID(), Type: domain.ItemCheck, Focus: "label"})
		return h.renderBuilder(e, vm, nil, http.StatusOK)
	case action == "remove" && n >= 0 && n < len(vm.Items):
		vm.Items = append(vm.Items[:n], vm.Items[n+1:]...)
		vm.FocusAdd = true
		return h.renderBuilder(e, vm, nil, http.StatusOK)
	case action == "up" && n > 0 && n < len(vm.Items):
		vm.Items[n-1], vm.Items[n] = vm.Items[n], vm.Items[n-1]
		vm.Items[n-1].Focus = "up"
		return h.renderBuilder(e, vm, nil, http.StatusOK)
	case action == "down" && n >= 0 && n < len(vm.Items)-1:
		vm.Items[n+1], vm.Items[n] = vm.Items[n], vm.Items[n+1]
		vm.Items[n+1].Focus = "down"
		return h.renderBuilder(e, vm, nil, http.StatusOK)
	}
	if len(parseErrs) > 0 {
		if err := domain.ValidateChecklist(vm.Name, vm.Code, items); err != nil {
			var ci *domain.ChecklistInvalid
			if errors.As(err, &ci) {
				for k, v := range ci.Fields {
					if _, ok := parseErrs[k]; !ok {
						parseErrs[k] = v
					}
				}
			}
		}
		return h.renderBuilder(e, vm, parseErrs, http.StatusBadRequest)
	}
	r, err := domain.SaveChecklistTemplate(e.App, e.Auth, id, domain.ChecklistInput{Code: vm.Code, Name: vm.Name, Items: items, WorkTypes: e.Request.PostForm["work_types"]})
	if err != nil {
		var ci *domain.ChecklistInvalid
		if errors.As(err, &ci) {
			return h.renderBuilder(e, vm, ci.Fields, http.StatusBadRequest)
		}
		return h.fail(e, err)
	}
	return e.Redirect(http.StatusSeeOther, "/checklists/"+r.Id+"?toast=saved")
}

// readBuilderForm reads the typed-in template into vm and returns its
// items, with the messages of the bounds that are not numbers.
func readBuilderForm(e *core.RequestEvent, vm *planning.ChecklistEditVM) ([]domain.ChecklistItem, map[string]catalog.Text) {
	_ = e.Request.ParseForm()
	f := e.Request.PostForm
	vm.Name, vm.Code = strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("code"))
	count, _ := strconv.Atoi(f.Get("count"))
	count = max(0, min(count, domain.ChecklistMaxItems+1))
	errs := map[string]catalog.Text{}
	items := make([]domain.ChecklistItem, 0, count)
	for i := range count {
		get := func(k string) string { return strings.TrimSpace(f.Get("item." + strconv.Itoa(i) + "." + k)) }
		b := planning.BuilderItemVM{ID: get("id"), Label: get("label"), Type: get("type"), Unit: get("unit"), Min: get("min"), Max: get("max"), Required: get("required") != ""}
		if b.ID == "" {
			b.ID = domain.NewChecklistItemID()
		}
		it := domain.ChecklistItem{ID: b.ID, Label: b.Label, Type: b.Type, Required: b.Required}
		if it.Type == domain.ItemMeasure {
			it.Unit = b.Unit
			for k, p := range map[string]**float64{"min": &it.Min, "max": &it.Max} {
				s := map[string]string{"min": b.Min, "max": b.Max}[k]
				if s == "" {
					continue
				}
				v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
				if err != nil {
					errs["item."+strconv.Itoa(i)+"."+k] = catalog.New("err.checklist.item_not_a_number", i+1)
					continue
				}
				*p = &v
			}
		}
		vm.Items = append(vm.Items, b)
		items = append(items, it)
	}
	checked := map[string]bool{}
	for _, id := range f["work_types"] {
		checked[id] = true
	}
	for i := range vm.WorkTypes {
		vm.WorkTypes[i].Checked = checked[vm.WorkTypes[i].ID]
	}
	return items, errs
}

// builderVM is the builder page without the template's content.
func (h *Handlers) builderVM(e *core.RequestEvent, id string) (planning.ChecklistEditVM, error) {
	ctx := e.Request.Context()
	title, action := i18n.T(ctx, "cl.new"), "/checklists/new"
	if id != "" {
		title, action = i18n.T(ctx, "cl.edit"), "/checklists/"+id
	}
	vm := planning.ChecklistEditVM{Page: h.planningPage(e, "checklists", title,
		layouts.Crumb{Label: i18n.T(ctx, "nav.checklists"), Href: "/checklists"}, layouts.Crumb{Label: title}), Action: action, Title: title}
	if id != "" {
		vm.DeleteURL = "/checklists/" + id + "/delete"
	}
	for _, t := range domain.ChecklistItemTypes() {
		vm.Types = append(vm.Types, components.Option{Value: t, Label: i18n.T(ctx, "cl.type."+t)})
	}
	wts, err := domain.FindWorkTypes(e.App)
	if err != nil {
		return vm, err
	}
	tpls, err := domain.FindChecklistTemplates(e.App)
	if err != nil {
		return vm, err
	}
	names := map[string]string{}
	for _, t := range domain.AsChecklistTemplateRecords(tpls) {
		names[t.Id] = t.Name()
	}
	for _, w := range domain.AsWorkTypes(wts) {
		wv := planning.WorkTypeVM{ID: w.Id, Label: w.Name(), Checked: id != "" && w.ChecklistID() == id}
		if c := w.ChecklistID(); c != "" && c != id {
			wv.Other = names[c]
		}
		vm.WorkTypes = append(vm.WorkTypes, wv)
	}
	return vm, nil
}

func (h *Handlers) renderBuilder(e *core.RequestEvent, vm planning.ChecklistEditVM, errs map[string]catalog.Text, status int) error {
	ctx := e.Request.Context()
	vm.Errors = map[string]string{}
	for k, v := range errs {
		vm.Errors[k] = i18n.Text(ctx, v)
	}
	if e.Request.URL.Query().Get("toast") == "saved" {
		vm.Page.Shell.Toasts = []components.ToastVM{{ID: "toast-flash", Kind: "success", Text: i18n.T(ctx, "cl.saved")}}
	}
	render(e.Response, e.Request, status, planning.ChecklistEditPage(vm))
	return nil
}

// floatText formats an optional bound for a form field.
func floatText(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
