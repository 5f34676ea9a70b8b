package domain

import "github.com/pocketbase/pocketbase/core"

// FindChecklistRunTemplateName returns the name of the template a
// checklist run was made from; "" when the run names none or the
// template was deleted since (the run keeps its own copy of the items).
func FindChecklistRunTemplateName(app core.App, run ChecklistRun) (string, error) {
	tpl, err := FindChecklistTemplateRecord(app, run.TemplateID())
	if ErrorCode(err) == ENotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return tpl.Name(), nil
}
