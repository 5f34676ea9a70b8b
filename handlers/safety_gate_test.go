package handlers_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fieldops360/fieldops/domain"
	"github.com/fieldops360/fieldops/handlers/handlertest"
	"github.com/fieldops360/fieldops/tenanttest"
)

func TestExcavationGateThroughTheAPI(t *testing.T) {
	t.Parallel()
	reg := handlertest.NewRegistry(t)
	tt := tenanttest.Provision(t, reg, "tpco", domain.SectorTP)
	pm := tt.User(domain.RoleProjectManager, "pm@tpco.test")
	site, _ := domain.CreateSite(tt.App(), nil, domain.SiteInput{Code: "AEP-1", Name: "AEP", Sector: "tp", Status: "active", ProjectManager: pm.Id})
	dig, _ := tt.App().FindFirstRecordByData("work_types", "excavation", true)
	task := tt.Record("tasks", map[string]any{"site": site.Id, "title": "Tranchée AEP", "work_type": dig.Id, "status": "planned",
		"planned_start": time.Now().UTC().Truncate(24 * time.Hour), "duration_days": 3})
	tok := tt.Token("users", "pm@tpco.test")
	rec := tenanttest.Do(t, reg, http.MethodPatch, tt.Host(), "/api/collections/tasks/records/"+task.Id, tok, strings.NewReader(`{"status":"in_progress"}`))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "DT-DICT") {
		t.Errorf("start without DICT via API = %d %s", rec.Code, rec.Body.String())
	}
	rec = tenanttest.Do(t, reg, http.MethodPatch, tt.Host(), "/api/collections/tasks/records/"+task.Id, tok,
		strings.NewReader(`{"status":"in_progress","urgent_works":true,"urgent_reason":"Fuite sur réseau AEP"}`))
	if rec.Code != 200 {
		t.Errorf("urgent works via API = %d %s", rec.Code, rec.Body.String())
	}
}
