package domain_test

import (
	"testing"

	"github.com/fieldops360/fieldops/domain"
)

func TestChecklistRunTemplateName(t *testing.T) {
	tt, task, crew := checklistTask(t)
	app := tt.App()
	rec, err := domain.EnsureChecklistRun(app, task, crew.Id)
	if err != nil || rec == nil {
		t.Fatalf("run = %v, %v", rec, err)
	}
	run := domain.ChecklistRun{Record: rec}
	if got, err := domain.FindChecklistRunTemplateName(app, run); err != nil || got != "Contrôle test" {
		t.Errorf("name = %q, %v; want Contrôle test", got, err)
	}
	run.SetTemplateID("")
	if got, err := domain.FindChecklistRunTemplateName(app, run); err != nil || got != "" {
		t.Errorf("name of a run without template = %q, %v; want none", got, err)
	}
	run.SetTemplateID("nosuchtemplate0")
	if got, err := domain.FindChecklistRunTemplateName(app, run); err != nil || got != "" {
		t.Errorf("name of a deleted template = %q, %v; want none", got, err)
	}
}
