package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

// TestExcavationGateThroughTheAPI is the outside contract of tasks on
// the REST API: a task created there with a work type, a phase, a
// description and a vehicle keeps them; of an excavation work type on a
// site without a valid DT-DICT receipt it cannot start, nor with an
// urgent-works reason under 10 characters, and starts once urgent works
// are declared with a real reason.
func TestExcavationGateThroughTheAPI(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t)
	tt := tenanttest.Provision(t, reg, "tpco", domain.SectorTP)
	pm := tt.User(domain.RoleProjectManager, "pm@tpco.test")
	site, _ := domain.CreateSite(tt.App(), nil, domain.SiteInput{Code: "AEP-1", Name: "AEP", Sector: "tp", Status: "active", ProjectManager: pm.Id})
	dig, _ := tt.App().FindFirstRecordByData("work_types", "excavation", true)
	phase := tt.Record("phases", map[string]any{"site": site.Id, "name": "Terrassements"})
	van := tt.Record("vehicles", map[string]any{"plate": "AB-123-CD", "label": "Fourgon", "kind": "van", "status": "available"})
	tok := tt.Token("users", "pm@tpco.test")
	body, _ := json.Marshal(map[string]any{"site": site.Id, "title": "Tranchée AEP", "work_type": dig.Id, "phase": phase.Id,
		"description": "Tranchée sous chaussée, 80 cm", "vehicle": van.Id, "status": "planned", "planned_start": "2026-03-09", "duration_days": 3})
	rec := tenanttest.Do(t, reg, http.MethodPost, tt.Host(), "/api/collections/tasks/records", tok, strings.NewReader(string(body)))
	var created map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &created); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("create through the API = %d %s", rec.Code, rec.Body.String())
	}
	id, _ := created["id"].(string)
	task, err := domain.FindTask(tt.App(), id)
	if err != nil {
		t.Fatal(err)
	}
	if task.WorkTypeID() != dig.Id || task.PhaseID() != phase.Id || task.Description() != "Tranchée sous chaussée, 80 cm" || task.VehicleID() != van.Id {
		t.Fatalf("stored task: %v", task.PublicExport())
	}
	patch := func(body string) (int, string) {
		rec := tenanttest.Do(t, reg, http.MethodPatch, tt.Host(), "/api/collections/tasks/records/"+id, tok, strings.NewReader(body))
		return rec.Code, rec.Body.String()
	}
	if code, body := patch(`{"status":"in_progress"}`); code != http.StatusBadRequest || !strings.Contains(body, "DT-DICT") {
		t.Errorf("start without DICT via API = %d %s", code, body)
	}
	if code, body := patch(`{"status":"in_progress","urgent_works":true,"urgent_reason":"Fuite"}`); code != http.StatusBadRequest || !strings.Contains(body, "urgent_reason") {
		t.Errorf("urgent works with a short reason via API = %d %s", code, body)
	}
	if s, _ := domain.FindTask(tt.App(), id); s.Status() != "planned" || s.UrgentWorks() {
		t.Fatalf("a refused start changed the task: %q urgent %v", s.Status(), s.UrgentWorks())
	}
	if code, body := patch(`{"status":"in_progress","urgent_works":true,"urgent_reason":"Fuite sur réseau AEP"}`); code != http.StatusOK {
		t.Errorf("urgent works via API = %d %s", code, body)
	}
	if s, _ := domain.FindTask(tt.App(), id); s.Status() != domain.TaskInProgress {
		t.Errorf("status after the declaration %q", s.Status())
	}
}
