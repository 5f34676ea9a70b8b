package domain_test

import (
	"testing"

	"github.com/fieldops360/fieldops/domain"
)

func TestSignatureOffer(t *testing.T) {
	sig := domain.ChecklistItem{ID: "s", Type: domain.ItemSignature, Required: true}
	check := domain.ChecklistItem{ID: "c", Type: domain.ItemCheck, Required: true}
	scenarios := []struct {
		name      string
		status    string
		missing   []domain.ChecklistItem
		checklist bool
		want      string
	}{
		{"not started: the start-of-work report only", domain.TaskPlanned, nil, false, domain.SignStart},
		{"to do", domain.TaskTodo, []domain.ChecklistItem{sig}, true, domain.SignStart},
		{"blocked", domain.TaskBlocked, nil, false, domain.SignStart},
		{"in progress without checklist: finish first", domain.TaskInProgress, nil, false, domain.SignNone},
		{"in progress, checklist complete: finish first", domain.TaskInProgress, nil, true, domain.SignNone},
		{"in progress, work items missing", domain.TaskInProgress, []domain.ChecklistItem{check, sig}, true, domain.SignNone},
		{"in progress, only the signature missing", domain.TaskInProgress, []domain.ChecklistItem{sig}, true, domain.SignEnd},
		{"done", domain.TaskDone, nil, false, domain.SignEnd},
		{"validated", domain.TaskValidated, nil, true, domain.SignEnd},
		{"cancelled", "cancelled", nil, false, domain.SignNone},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			if got := domain.SignatureOffer(s.status, s.missing, s.checklist); got != s.want {
				t.Errorf("SignatureOffer(%q, %d missing, %v) = %q, want %q", s.status, len(s.missing), s.checklist, got, s.want)
			}
		})
	}
}
