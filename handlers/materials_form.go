package handlers

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/views/components"
	"github.com/fieldops360/fieldops/views/i18n"
	"github.com/fieldops360/fieldops/views/layouts"
	"github.com/fieldops360/fieldops/views/resources"
)

var materialFields = []string{"sku", "name", "unit", "unit_cost", "min_stock", "category", "supplier"}

// renderMaterialForm renders the catalogue form with a status.
func (h *Handlers) renderMaterialForm(e *core.RequestEvent, id string, form components.Form, status int) error {
	ctx := e.Request.Context()
	title := i18n.T(ctx, "res.material.new")
	if id != "" {
		title = i18n.T(ctx, "res.material.edit")
	}
	vm := resources.MaterialFormVM{Page: h.resPage(e, "materials", title, layouts.Crumb{Label: i18n.T(ctx, "nav.materials"), Href: "/materials"}, layouts.Crumb{Label: title}),
		ID: id, Form: form, Options: map[string][]components.Option{}}
	for _, u := range domain.MaterialUnits() {
		vm.Options["unit"] = append(vm.Options["unit"], components.Option{Value: u, Label: u})
	}
	vm.Options["supplier"] = []components.Option{{Value: "", Label: "—"}}
	sups, err := domain.FindSuppliers(e.App)
	if err != nil {
		return h.fail(e, err)
	}
	for _, s := range sups {
		vm.Options["supplier"] = append(vm.Options["supplier"], components.Option{Value: s.Id, Label: s.Name()})
	}
	render(e.Response, e.Request, status, resources.MaterialFormPage(vm))
	return nil
}

// materialsNew renders an empty catalogue form.
func (h *Handlers) materialsNew(e *core.RequestEvent) error {
	return h.renderMaterialForm(e, "", components.Form{Values: map[string]string{"unit": "u"}}, http.StatusOK)
}

// materialsEdit renders the form of a stored material.
func (h *Handlers) materialsEdit(e *core.RequestEvent) error {
	r, err := domain.FindMaterial(e.App, e.Request.PathValue("id"))
	if err != nil {
		return h.fail(e, err)
	}
	in := domain.MaterialInputOf(r.Record)
	return h.renderMaterialForm(e, r.Id, components.Form{Values: map[string]string{
		"sku": in.SKU, "name": in.Name, "unit": in.Unit, "unit_cost": strconv.FormatFloat(in.UnitCost, 'f', -1, 64),
		"min_stock": domain.FormatQty(in.MinStock), "category": in.Category, "supplier": in.Supplier,
	}}, http.StatusOK)
}

// materialsSave creates or updates a material; invalid input comes back
// (400) with the field errors and nothing saved.
func (h *Handlers) materialsSave(e *core.RequestEvent) error {
	id := e.Request.PathValue("id")
	v := resValues(e, materialFields...)
	in := domain.MaterialInput{SKU: v["sku"], Name: v["name"], Unit: v["unit"], UnitCost: resNumber(v["unit_cost"]),
		MinStock: resNumber(v["min_stock"]), Category: v["category"], Supplier: v["supplier"]}
	r, err := domain.SaveMaterial(e.App, e.Auth, id, in)
	if err != nil {
		errs, status, ok := formErrors(e.Request.Context(), err)
		if !ok {
			return h.fail(e, err)
		}
		return h.renderMaterialForm(e, id, components.Form{Values: v, Errors: errs}, status)
	}
	return e.Redirect(http.StatusSeeOther, "/materials/"+r.Id+"?toast=saved")
}
